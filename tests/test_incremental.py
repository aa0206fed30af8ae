"""Incremental builds are exactly clean builds: a property test over random edit sequences.

After every step of a random sequence of edits (articles added, changed, deleted and
renamed; a person, a cluster, a template, a translation, site.toml changed; drafts and
embargoes flipped; the clock moved past an embargo) the incremental output must be
byte-for-byte what a clean build of the same content gives. Each sequence runs as a
published build or as a preview (drafts, future articles, or both), and edits move
articles between people and clusters, so that the person and cluster feeds, whose items
are the newest published articles of a list that may hold drafts, are tested too.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from search_contents import site_contents

from sitegen.engine import Builder
from sitegen.errors import BuildFailed

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def article(title: str, date: str = "2021-11-01 09:00", extra: str = "", body: str = "Tekst."
            ) -> str:
    return (f"---\ntitle: {title}\ndate: {date}\nauthors: [kurt-bennetsen]\n"
            f"clusters: [green-hub-denmark]\ntags: [eksport]\n{extra}---\n{body}\n")


def edit(site: Path, op: str, n: int) -> timedelta:
    """Apply one edit to the site; returns how far the clock moves."""
    da = site / "content/da/2021"
    no = site / "content/no/2021"
    existing = sorted(da.glob("*.md"))
    if op == "add":
        date = f"2021-12-{1 + n % 28:02d} 10:00"
        (da / f"ny-{n}.md").write_text(article(f"Ny artikel {n}", date))
    elif op == "change" and existing:
        path = existing[n % len(existing)]
        path.write_text(path.read_text() + f"\nMere tekst {n}.\n")
    elif op == "retitle" and existing:
        path = existing[n % len(existing)]
        text = re.sub(r"^title: .*$", f"title: Ændret titel {n}", path.read_text(), count=1,
                      flags=re.MULTILINE)
        path.write_text(text)
    elif op == "delete" and len(existing) > 1:
        existing[n % len(existing)].unlink()
    elif op == "rename" and existing:
        path = existing[n % len(existing)]
        path.rename(da / f"omdoebt-{n}.md")
    elif op == "person":
        path = site / "content/people/kurt-bennetsen.md"
        text = path.read_text()
        phone = text.split("phone: ", 1)[1].split("\n", 1)[0]
        path.write_text(text.replace(f"phone: {phone}", f'phone: "+45 {n:08d}"'))
    elif op == "cluster":
        path = site / "content/clusters/green-hub-denmark.md"
        path.write_text(path.read_text().replace("En dansk klynge.", f"En dansk klynge {n}."))
    elif op == "template":
        path = site / "themes/default/templates/tag.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{% extends "base.html" %}{% block content %}'
                        f"<h1>{{{{ tag_name }}}} {n}</h1>{{% endblock %}}\n")
    elif op == "translation" and existing:
        path = existing[n % len(existing)]
        key = f"par-{n}"
        text = path.read_text().replace("---\ntitle:", f"---\ntranslation_key: {key}\ntitle:", 1)
        if "translation_key" not in path.read_text():
            path.write_text(text)
            (no / f"par-{n}.md").write_text(
                article(f"Norsk {n}", extra=f"translation_key: {key}\n"))
    elif op == "config":
        path = site / "site.toml"
        path.write_text(path.read_text().replace("feed_items = 20", "feed_items = 2")
                        if "feed_items = 20" in path.read_text()
                        else path.read_text().replace("feed_items = 2", "feed_items = 20"))
    elif op == "draft" and existing:
        path = existing[n % len(existing)]
        text = path.read_text()
        path.write_text(text.replace("draft: true\n", "") if "draft: true" in text
                        else text.replace("---\ntitle:", "---\ndraft: true\ntitle:", 1))
    elif op == "embargo":
        (da / f"embargo-{n}.md").write_text(
            article(f"Embargo {n}", (START + timedelta(days=2 + n % 3)).strftime(
                "%Y-%m-%d %H:%M")))
    elif op == "reassign" and existing:  # to the other person and cluster, or back
        path = existing[n % len(existing)]
        text = path.read_text()
        swaps = [("kurt-bennetsen", "anna-holm"), ("green-hub-denmark", "ife")]
        for a, b in swaps if "kurt-bennetsen" in text else [(b, a) for a, b in swaps]:
            text = text.replace(f"[{a}]", f"[{b}]")
        path.write_text(text)
    elif op == "time":
        return timedelta(days=3)
    return timedelta(0)


OPS = ["add", "change", "retitle", "delete", "rename", "person", "cluster", "template",
       "translation", "config", "draft", "embargo", "time", "reassign"]
ANNA = "---\nname: Anna Holm\nemail: anna@example.org\nclusters: [ife]\n---\nAnna.\n"
IFE = "---\nname: IFE\ndescription:\n  da: Et institut.\n  no: Et institutt.\n---\n"
PREVIEWS = {"published": (False, False), "drafts": (True, False), "future": (False, True),
            "preview": (True, True)}


# No shrinking: a failing case is printed as it is; shrinking whole-site builds took minutes.
# Derandomized (the same sequences every run) unless SITEGEN_PROPERTY_EXAMPLES asks for a
# longer, random search.
@settings(max_examples=int(os.environ.get("SITEGEN_PROPERTY_EXAMPLES", "12")), deadline=None,
          derandomize="SITEGEN_PROPERTY_EXAMPLES" not in os.environ, database=None,
          phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 50)), min_size=1,
                      max_size=6),
       fresh_builder=st.booleans(), mode=st.sampled_from(sorted(PREVIEWS)))
def test_incremental_output_equals_clean_build(make_site, tmp_path_factory, steps,
                                               fresh_builder, mode):
    root = tmp_path_factory.mktemp("inc")
    site = make_site({"content/da/2021/andet.md": article("Andet", "2021-10-01 09:00"),
                      "content/da/2021/kladde.md": article("Kladde", "2021-10-05 09:00",
                                                           "draft: true\n"),
                      "content/people/anna-holm.md": ANNA, "content/clusters/ife.md": IFE},
                     root=root / "site")
    drafts, future = PREVIEWS[mode]
    out_inc, out_clean = root / "inc", root / "clean"
    builder = Builder(site, out_inc, drafts=drafts, future=future)
    now = START
    builder.build(now)
    for n, (op, number) in enumerate(steps):
        now += edit(site, op, number + 100 * n)
        if fresh_builder:  # a new process: the state comes from .sitegen-cache/ on disk
            builder = Builder(site, out_inc, drafts=drafts, future=future)
        before = snapshot(out_inc)
        clean = Builder(site, out_clean, drafts=drafts, future=future, persistent=False)
        try:
            builder.build(now)
        except BuildFailed:  # an edit may break the site: then both builds must fail
            with pytest.raises(BuildFailed):
                clean.build(now, clean=True)
            assert snapshot(out_inc) == before
            continue
        clean.build(now, clean=True)
        result = site_contents(out_inc)
        assert "da/personer/anna-holm/rss.xml" in result and "da/klynger/ife/rss.xml" in result
        # Byte for byte, but for the search index: an incremental build may keep an
        # overlay of edited pages that a clean build has not; it must find the same.
        assert result == site_contents(out_clean), (op, mode, builder.last_mode)


def test_an_unchanged_site_is_a_no_op(make_site, tmp_path):
    site = make_site()
    out = tmp_path / "out"
    old = START.timestamp() - 3600
    for path in site.rglob("*"):
        os.utime(path, (old, old))  # long settled: stamps can be trusted
    builder = Builder(site, out)
    builder.build(START)
    before = snapshot(out)
    builder.build(START + timedelta(minutes=1))
    assert builder.last_mode == "no-op"
    assert snapshot(out) == before


def test_an_embargo_lifting_is_seen_without_any_file_changing(make_site, tmp_path):
    site = make_site({"content/da/2021/senere.md": article("Senere", "2026-01-05 09:00")})
    out = tmp_path / "out"
    old = START.timestamp() - 3600
    for path in site.rglob("*"):
        os.utime(path, (old, old))
    builder = Builder(site, out)
    builder.build(START)
    assert not (out / "da/nyheder/senere/index.html").exists()
    builder.build(START + timedelta(days=5))
    assert (out / "da/nyheder/senere/index.html").exists()


@pytest.mark.parametrize("clean", [False, True], ids=["incremental", "full"])
def test_files_sitegen_did_not_make_are_named_and_removed_alike(make_site, tmp_path, clean):
    """A CNAME or a .git folder put into the output by hand: every kind of build removes
    it and says so, with where such a file belongs (static/)."""
    from conftest import FIXED_NOW

    site = make_site()
    out = tmp_path / "out"
    builder = Builder(site, out, search="off")
    try:
        builder.build(FIXED_NOW)
        (out / "CNAME").write_text("nyheder.example.org\n")
        (out / ".git").mkdir()
        (out / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
        article = site / "content/da/2021/mission-possible.md"
        article.write_text(article.read_text().replace("Tyve", "Tredive"))
        report = builder.build(FIXED_NOW, clean=clean)
        assert builder.last_mode in (("full",) if clean else ("incremental", "patch"))
    finally:
        builder.close()
    assert not (out / "CNAME").exists() and not (out / ".git").exists()
    named = sorted(p.path for p in report.problems if p.code == "foreign-output")
    assert named == ["out/.git", "out/CNAME"]
    hint = next(p.hint for p in report.problems if p.code == "foreign-output")
    assert "static/" in hint
    assert (out / "da/nyheder/mission-possible/index.html").is_file()
