"""The deploy's decisions without a store: [deploy] settings, what each file is (type,
cache rule, phase), and the plan from the build, the manifest and the journal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import SITE_TOML

from sitegen.config import load_config
from sitegen.deploy.due import due
from sitegen.deploy.files import Entry, content_type, kind_of, phase_of, published, url_of
from sitegen.deploy.plan import (
    Journal,
    Manifest,
    ManifestError,
    decode_journal,
    decode_manifest,
    make_plan,
)
from sitegen.deploy.settings import DEFAULT_CACHE, DEFAULT_CHANGED_URLS, load_deploy


def settings_problems(tmp_path: Path, table: str) -> list[str]:
    (tmp_path / "site.toml").write_text(SITE_TOML + "\n" + table, encoding="utf-8")
    _, problems = load_config(tmp_path)
    return [p.format() for p in problems]


def test_a_minimal_deploy_table_gets_the_defaults(tmp_path):
    (tmp_path / "site.toml").write_text(SITE_TOML + '\n[deploy]\nbucket = "nyheder"\n'
                                        'prefix = "/sites/nyheder"\n', encoding="utf-8")
    config, deploy, problems = load_deploy(tmp_path)
    assert problems == [] and config is not None and deploy is not None
    assert deploy.prefix == "sites/nyheder/" and deploy.endpoint_url is None
    assert deploy.max_delete_percent == 10 and deploy.changed_urls == DEFAULT_CHANGED_URLS
    assert deploy.cache_control == DEFAULT_CACHE
    assert deploy.where == "s3://nyheder/sites/nyheder/ (AWS S3)"


def test_no_deploy_table_is_said_with_an_example(tmp_path):
    (tmp_path / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    _, deploy, problems = load_deploy(tmp_path)
    assert deploy is None
    assert "site.toml: there is no [deploy] table" in problems[0].format()
    assert 'bucket = "nyheder"' in problems[0].hint


@pytest.mark.parametrize("line, message", [
    ('access_key_id = "AKIAIOSFODNN7EXAMPLE"', "'deploy.access_key_id' looks like a credential"),
    ('aws_secret_access_key = "x"', "looks like a credential"),
    ('session_token = "x"', "looks like a credential"),
    ('region = "AKIAIOSFODNN7EXAMPLE"', "holds what looks like an AWS access key"),
    ('endpoint_url = "https://user:pw@s3.example.org"', "holds a user name or password"),
])
def test_credentials_in_site_toml_are_errors(tmp_path, line, message):
    found = settings_problems(tmp_path, f'[deploy]\nbucket = "nyheder"\n{line}\n')
    assert any(message in text and "revoke that key" in text for text in found), found
    assert any(text.startswith("site.toml:") for text in found)


@pytest.mark.parametrize("line, message", [
    ('bucket = "Nyheder_2"', "'Nyheder_2' is not a bucket name"),
    ('bucket = "nyheder"\nendpont_url = "x"', "unknown setting 'deploy.endpont_url' "
     "(did you mean 'endpoint_url'?)"),
    ('bucket = "nyheder"\nendpoint_url = "s3.example.org"', "must be an http:// or https://"),
    ('bucket = "nyheder"\nmax_delete_percent = 150', "max_delete_percent must be a number"),
    ('bucket = "nyheder"\nprefix = "a/../b"', "is not a folder in the bucket"),
    ('bucket = "nyheder"\naddressing_style = "dns"', "addressing_style must be one of"),
    ('bucket = "nyheder"\n[deploy.cache_control]\nhtlm = "no-cache"',
     "unknown kind 'deploy.cache_control.htlm' (did you mean 'html'?)"),
    ("prefix = \"x/\"", "missing setting 'deploy.bucket'"),
])
def test_mistakes_in_the_deploy_table_are_errors_with_the_line(tmp_path, line, message):
    found = settings_problems(tmp_path, f"[deploy]\n{line}\n")
    assert any(message in text for text in found), found


def test_cache_rules_by_kind_and_by_pattern(tmp_path):
    (tmp_path / "site.toml").write_text(
        SITE_TOML + '\n[deploy]\nbucket = "nyheder"\n[deploy.cache_control]\n'
        'html = "no-cache"\n"media/logos/*" = "public, max-age=60"\n', encoding="utf-8")
    _, deploy, problems = load_deploy(tmp_path)
    assert problems == [] and deploy is not None
    from sitegen.deploy.files import cache_control

    assert cache_control("da/index.html", "html", deploy) == "no-cache"
    assert cache_control("media/logos/a.png", "media", deploy) == "public, max-age=60"
    assert cache_control("media/2021/a.jpg", "media", deploy) == DEFAULT_CACHE["media"]


@pytest.mark.parametrize("rel, kind, phase", [
    ("index.html", "html", 1), ("da/nyheder/x/index.html", "html", 1),
    ("da/rss.xml", "feeds", 2), ("sitemap.xml", "sitemaps", 2),
    ("sitemaps/da-2021.xml", "sitemaps", 2), ("news-sitemap.xml", "sitemaps", 2),
    ("robots.txt", "sitemaps", 2), ("media/2021/x.jpg", "media", 0),
    ("theme/style.css", "assets", 0), ("favicon.ico", "assets", 0),
    ("da/personer/x/x.vcf", "other", 0),
    ("pagefind/da-2021/fragment/da_d77456f.pf_fragment", "search_hashed", 0),
    ("pagefind/da-2021/pagefind.da_adfdc1131e.pf_meta", "search_hashed", 0),
    ("pagefind/da-2021/pagefind-entry.json", "search", 1),
    ("pagefind/da-2021/pagefind.js", "search", 1),
])
def test_each_file_has_a_kind_and_a_phase(rel, kind, phase):
    assert (kind_of(rel), phase_of(rel)) == (kind, phase)


@pytest.mark.parametrize("rel, utf8, expected", [
    ("a/index.html", True, "text/html; charset=utf-8"),
    ("da/rss.xml", True, "application/rss+xml; charset=utf-8"),
    ("sitemap.xml", True, "application/xml; charset=utf-8"),
    ("x.vcf", True, "text/vcard; charset=utf-8"),
    ("static/old.txt", False, "text/plain"),
    ("media/x.JPG", False, "image/jpeg"), ("x.webp", False, "image/webp"),
    ("x.pf_fragment", False, "application/octet-stream"),
    ("wasm.da.pagefind", False, "application/octet-stream"),
    ("no-extension", False, "application/octet-stream"),
    ("site.webmanifest", True, "application/manifest+json; charset=utf-8"),
])
def test_content_types(rel, utf8, expected):
    assert content_type(rel, utf8) == expected


def test_the_marker_and_the_search_bookkeeping_are_not_published(tmp_path):
    for rel in ("index.html", ".sitegen-output", "pagefind/da/.sitegen-stamp",
                "pagefind/da/.sitegen-pages.json", "pagefind/da/pagefind.js", ".well-known/x"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert published(tmp_path) == [".well-known/x", "index.html", "pagefind/da/pagefind.js"]


def test_urls_of_files():
    base = "https://nyheder.example.org/"
    assert url_of(base, "index.html") == base
    assert url_of(base, "da/nyheder/x/index.html") == base + "da/nyheder/x/"
    assert url_of(base, "da/rss.xml") == base + "da/rss.xml"
    assert url_of(base, "media/a b.jpg") == base + "media/a%20b.jpg"


# -- the plan --------------------------------------------------------------------------


def entry(text: str, kind: str = "text/html; charset=utf-8") -> Entry:
    return Entry(text * 8, len(text), kind, "public, max-age=60")


def site(**files: str) -> dict[str, Entry]:
    return {rel.replace("__", "/").replace("_", "."): entry(text)
            for rel, text in files.items()}


def test_a_first_deploy_uploads_everything_in_phases():
    local = site(index_html="a", da__rss_xml="b", media__x_jpg="c")
    plan = make_plan(local, None, None)
    assert [u.rel for u in plan.uploads] == ["media/x.jpg", "index.html", "da/rss.xml"]
    assert {u.reason for u in plan.uploads} == {"new"} and plan.deletes == []
    assert plan.writes_manifest and not plan.nothing_to_do


def test_only_what_changed_is_uploaded_and_what_is_gone_deleted():
    before = Manifest(site(index_html="a", da__rss_xml="b", old_html="c"))
    local = site(index_html="a", da__rss_xml="B", new_html="d")
    plan = make_plan(local, before, None)
    assert {(u.rel, u.reason) for u in plan.uploads} == {("da/rss.xml", "changed"),
                                                         ("new.html", "new")}
    assert plan.deletes == ["old.html"] and plan.unchanged == 1
    assert plan.site_deletes == 1 and plan.delete_share == pytest.approx(1 / 3)


def test_a_changed_cache_rule_uploads_the_file_again():
    before = Manifest(site(index_html="a"))
    changed = {"index.html": Entry("a" * 8, 1, "text/html; charset=utf-8", "no-cache")}
    assert [u.reason for u in make_plan(changed, before, None).uploads] == ["changed"]


def test_the_same_build_twice_is_nothing_to_do():
    local = site(index_html="a", da__rss_xml="b")
    plan = make_plan(local, Manifest(dict(local)), None)
    assert plan.nothing_to_do and plan.uploads == [] and plan.deletes == []


def test_a_journal_without_its_manifest_makes_its_uploads_again():
    """Killed before the manifest: whatever the journal meant to upload may be in the
    bucket with other bytes, even a file the build now has as the manifest says."""
    before = Manifest(site(index_html="a", keep_html="k"))
    journal = Journal("some-other-id", ("index.html", "gone.html"), ())
    plan = make_plan(site(index_html="a", keep_html="k"), before, journal)
    assert [(u.rel, u.reason) for u in plan.uploads] == [("index.html", "unfinished")]
    assert plan.deletes == ["gone.html"] and plan.site_deletes == 0  # not guarded


def test_a_journal_with_its_manifest_leaves_only_its_deletions():
    local = site(index_html="a")
    manifest = Manifest(dict(local))
    plan = make_plan(local, manifest, Journal(manifest.id, ("index.html",), ("old.html",)))
    assert plan.uploads == [] and plan.deletes == ["old.html"]
    assert not plan.nothing_to_do


def test_the_manifest_is_the_same_for_the_same_files_and_reads_back():
    one = Manifest(site(index_html="a", b_html="b"))
    two = Manifest(dict(reversed(list(one.files.items()))))
    assert one.encode() == two.encode() and one.id == two.id
    assert decode_manifest(one.encode()).files == one.files
    journal = Journal(one.id, ("a",), ("b",))
    assert decode_journal(journal.encode()) == journal
    for bad in (b"not json", b'{"format": 99, "files": {}}', b'{"format": 1}'):
        with pytest.raises(ManifestError):
            decode_manifest(bad)


# -- ci due ----------------------------------------------------------------------------


def test_ci_due_without_a_record_says_yes(tmp_path):
    (tmp_path / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    answer, reason = due(tmp_path, datetime.now(UTC))
    assert answer and "no record of a deploy" in reason


def test_ci_due_compares_sources_and_clock(tmp_path):
    import json

    from sitegen.deploy.run import RECORD, sources_digest

    (tmp_path / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    now = datetime(2026, 3, 2, 9, 58, tzinfo=UTC)
    lift = now + timedelta(minutes=2)
    record = tmp_path / RECORD
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"sources": sources_digest(tmp_path),
                                  "deployed_at": now.isoformat(),
                                  "next_change": lift.isoformat()}))
    assert due(tmp_path, now) == (False, "nothing changed since the last deploy at "
                                  "2026-03-02 09:58 UTC; the next change is at 2026-03-02 "
                                  "10:00 UTC")
    assert due(tmp_path, lift)[0]
    slept: list[float] = []
    answer, reason = due(tmp_path, now, wait=240, sleep=slept.append)
    assert answer and slept == [121.0] and "waited 120 s" in reason
    assert not due(tmp_path, now, wait=60, sleep=slept.append)[0]
    (tmp_path / "site.toml").write_text(SITE_TOML + "\n# edited\n", encoding="utf-8")
    assert due(tmp_path, now) == (True, "the sources changed since the last deploy: "
                                  "building and deploying")


def test_the_settings_in_docs_publishing_are_valid(tmp_path):
    """Every [deploy] example of docs/publishing.md is a table `sitegen check` accepts."""
    import re

    text = (Path(__file__).resolve().parent.parent / "docs/publishing.md").read_text("utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.DOTALL)
    assert len(blocks) >= 6
    for block in blocks:
        (tmp_path / "site.toml").write_text(SITE_TOML + "\n" + block, encoding="utf-8")
        _, deploy, problems = load_deploy(tmp_path)
        assert deploy is not None and problems == [], (block, problems)


@pytest.mark.parametrize("command", [["deploy"], ["ci", "due"], ["ci", "init", "github"]])
def test_no_site_is_a_usage_error(run_cli, tmp_path, command):
    code, out, err = run_cli(*command, "--site", tmp_path / "nyheder")
    assert code == 2 and out == ""
    assert f"there is no folder {tmp_path / 'nyheder'}" in err
    assert not (tmp_path / "nyheder").exists()


def test_deploy_without_a_deploy_table_says_what_to_add(run_cli, make_site):
    code, _, err = run_cli("deploy", "--site", make_site())
    assert code == 1
    assert "site.toml: there is no [deploy] table" in err and 'bucket = "nyheder"' in err
