"""An embargo holds the whole story, in every language, to the minute; previews for
sign-off at a secret address; links that wait; `status` and `next-change`.

Time travel with `--now`: before the lift nothing of the story (its pages, its words,
its address, its picture, the preview's address) may be found anywhere in the output,
the search index included; the first build after the lift publishes every version,
and equals a clean build of the same moment byte for byte.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from pathlib import Path

import pytest
from conftest import minimal_files, write_files
from pictures import tiny_jpeg
from search_contents import site_contents

from sitegen.cli import main
from sitegen.engine import Builder
from sitegen.resolve.previews import SECRET_VARIABLE, token

SECRET = "the newsroom's own secret, not in the repository"
BEFORE = "2026-01-01T12:00:00+01:00"  # the Danish date has come, the embargo has not
LIFT_LOCAL = "2026-01-02 09:00"  # Copenhagen, winter time: 08:00 UTC
AFTER = "2026-01-02T09:01:00+01:00"
JPEG = tiny_jpeg()  # the picture only the embargoed story uses

RELEASE_DA = f"""\
---
title: Zebrafinke bliver direktør
date: 2026-01-01 08:00
embargo: {LIFT_LOCAL}
preview: true
authors: [kurt-bennetsen]
image: media/2026/zebrafinke.jpg
image_alt: Portræt af den nye direktør
---
Erhverv Norddanmark har fundet sin nye direktør.
"""
# Made with `sitegen new --translate` before the Danish date was moved: its own date
# has passed, and only the story's embargo holds it.
RELEASE_NO = """\
---
title: Zebrafinke blir direktør
date: 2026-01-01 08:00
authors: [kurt-bennetsen]
image: media/2026/zebrafinke.jpg
image_alt: Portrett av den nye direktøren
---
Erhverv Norddanmark har funnet sin nye direktør.
"""
OVERVIEW = """\
---
title: Ugens overblik
date: 2025-12-30 08:00
authors: [kurt-bennetsen]
---
I morgen: [den nye direktør](../2026/direktoer.md), og [den gamle](/da/2021/mission-possible.md).
"""
STORY_FILES: dict[str, str | bytes | None] = {
    "content/da/2026/direktoer.md": RELEASE_DA,
    "content/no/2026/direktoer.md": RELEASE_NO,
    "content/da/2025/overblik.md": OVERVIEW,
    "content/media/2026/zebrafinke.jpg": JPEG,
}
# What would give the story away: its words, its addresses, its picture's name.
TRACES = ("Zebrafinke", "zebrafinke", "direktoer", "Erhverv Norddanmark har f")


def build(site: Path, out: Path, now: str, *extra: str, secret: str | None = SECRET,
          monkeypatch: pytest.MonkeyPatch) -> int:
    if secret is None:
        monkeypatch.delenv(SECRET_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(SECRET_VARIABLE, secret)
    return main(["build", "--site", str(site), "--out", str(out), "--now", now, "-q",
                 *extra])


def everything(out: Path) -> dict[str, str]:
    """Every file of the output as text, the search index as what it finds."""
    return {rel: value.decode("utf-8", "replace") if isinstance(value, bytes)
            else json.dumps(value, ensure_ascii=False)
            for rel, value in site_contents(out).items()}


def preview_folders(story: str = "path:2026/direktoer") -> tuple[str, str]:
    code = token(SECRET, story)
    return f"da/forhaandsvisning/{code}/", f"no/forhandsvisning/{code}/"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_files(tmp_path / "site", {**minimal_files(), **STORY_FILES})


def test_before_the_lift_no_trace_of_the_story_outside_its_preview(site, tmp_path,
                                                                     monkeypatch):
    out = tmp_path / "out"
    assert build(site, out, BEFORE, monkeypatch=monkeypatch) == 0
    files = everything(out)
    previews = preview_folders()
    code = token(SECRET, "path:2026/direktoer")
    public = {rel: text for rel, text in files.items() if not rel.startswith(previews)}
    for rel, text in public.items():
        for trace in (*TRACES, code):
            assert trace not in text, f"{trace!r} leaks in {rel}"
    assert not (out / "media/2026/zebrafinke.jpg").exists()
    assert not (out / "da/nyheder/direktoer").exists()
    assert not (out / "no/nyheter/direktoer").exists()
    # The link waits as its text; the other link of the same paragraph is a link.
    overview = (out / "da/nyheder/overblik/index.html").read_text(encoding="utf-8")
    assert 'I morgen: den nye direktør, og <a href="/da/nyheder/mission-possible/">' in overview
    # The previews: both languages, the picture under the preview only.
    for folder in previews:
        page = (out / folder / "index.html").read_text(encoding="utf-8")
        assert '<meta name="robots" content="noindex, nofollow">' in page
        assert 'class="preview-banner"' in page
        assert "hreflang=\"da\" href=\"https" not in page  # no hreflang, in either way
        assert (out / folder / "media/2026/zebrafinke.jpg").read_bytes() == JPEG
        assert f'src="/{folder}media/2026/zebrafinke.jpg"' in page
    assert "Under embargo til 2. januar 2026 kl. 09.00" in (
        out / previews[0] / "index.html").read_text(encoding="utf-8")


def test_the_first_build_after_the_lift_publishes_both_and_equals_a_clean_one(
        site, tmp_path, monkeypatch):
    out, clean = tmp_path / "out", tmp_path / "clean"
    assert build(site, out, BEFORE, monkeypatch=monkeypatch) == 0
    assert build(site, out, AFTER, monkeypatch=monkeypatch) == 0
    assert build(site, clean, AFTER, "--clean", monkeypatch=monkeypatch) == 0
    assert site_contents(out) == site_contents(clean)
    files = everything(out)
    for rel in ("da/nyheder/direktoer/index.html", "no/nyheter/direktoer/index.html",
                "media/2026/zebrafinke.jpg"):
        assert rel in files, rel
    for feed in ("da/rss.xml", "no/rss.xml"):
        assert "Zebrafinke" in files[feed]
    assert not any(rel.startswith(preview_folders()) for rel in files)
    assert '<a href="/da/nyheder/direktoer/">den nye direktør</a>' in files[
        "da/nyheder/overblik/index.html"]
    search = files["pagefind/ (what it finds)"]
    assert "/da/nyheder/direktoer/" in search and "/no/nyheter/direktoer/" in search


def test_the_lift_is_no_no_op_even_without_an_edit(site, tmp_path):
    """The build store knows when its output goes stale by the clock alone."""
    settled = time.time() - 3600  # long settled: the no-op check trusts the stamps
    for path in site.rglob("*"):
        os.utime(path, (settled, settled))
    out = tmp_path / "out"
    builder = Builder(site, out, search="off", preview_secret=SECRET)
    try:
        builder.build(datetime.fromisoformat(BEFORE))
        builder.build(datetime.fromisoformat("2026-01-02T08:59:00+01:00"))
        assert builder.last_mode == "no-op"
        builder.build(datetime.fromisoformat(AFTER))
        assert builder.last_mode != "no-op"
    finally:
        builder.close()
    assert (out / "no/nyheter/direktoer/index.html").is_file()


def test_a_preview_without_the_secret_is_an_error_with_a_hint(site, tmp_path, monkeypatch,
                                                              capsys):
    out = tmp_path / "out"
    assert build(site, out, BEFORE, secret=None, monkeypatch=monkeypatch) == 1
    err = capsys.readouterr().err
    assert ("content/da/2026/direktoer.md:5: 'preview: true' asks for an embargo preview, "
            "but there is no secret") in err
    assert f"hint: set {SECRET_VARIABLE}" in err
    assert not out.exists()
    assert build(site, out, BEFORE, secret="short", monkeypatch=monkeypatch) == 1
    assert "shorter than 16 characters" in capsys.readouterr().err
    # After the lift there is nothing to preview: the secret is not needed.
    assert build(site, out, AFTER, secret=None, monkeypatch=monkeypatch) == 0


def test_the_address_comes_from_the_secret_alone():
    assert token(SECRET, "path:2026/direktoer") == token(SECRET, "path:2026/direktoer")
    assert token(SECRET, "path:2026/direktoer") != token(SECRET + "x", "path:2026/direktoer")
    assert token(SECRET, "path:2026/direktoer") != token(SECRET, "path:2026/andet")
    assert len(token(SECRET, "x")) == 26


def test_a_translation_dated_ahead_without_an_embargo_warns(make_site, run_cli):
    """The story of the issue: the Danish date moved an hour ahead, no embargo: the
    Norwegian version is out, the Danish is not. Both files and times are named."""
    site = make_site({
        "content/da/2026/lukket.md": RELEASE_NO.replace("Zebrafinke blir", "Lukket bliver")
        .replace("2026-01-01 08:00", "2026-01-01 13:00").replace(
            "image: media/2026/zebrafinke.jpg\nimage_alt: Portrett av den nye direktøren\n",
            ""),
        "content/no/2026/lukket.md": RELEASE_NO.replace(
            "image: media/2026/zebrafinke.jpg\nimage_alt: Portrett av den nye direktøren\n",
            ""),
    })
    code, _out, err = run_cli("check", "--site", site, "--now", BEFORE, "--strict")
    assert code == 1
    assert ("content/no/2026/lukket.md:3: warning: this version is published (dated "
            "2026-01-01 08:00) while its translation content/da/2026/lukket.md is dated "
            "2026-01-01 13:00, in the future") in err
    assert "embargo: 2026-01-01 13:00" in err
    code, _out, err = run_cli("check", "--site", site, "--now", BEFORE)
    assert code == 0


def test_an_offset_that_is_not_the_zones_is_a_warning_with_the_local_time(make_site,
                                                                          run_cli):
    site = make_site({"content/da/2026/x.md": (
        "---\ntitle: X\ndate: 2025-12-02 11:50+02:00\nauthors: [kurt-bennetsen]\n---\nX.\n")})
    code, _out, err = run_cli("check", "--site", site, "--now", BEFORE)
    assert ("content/da/2026/x.md:3: warning: 'date: 2025-12-02 11:50+02:00': +02:00 on "
            "2 December is 10:50 in Copenhagen, not 11:50") in err
    site = make_site({"content/da/2026/x.md": (
        "---\ntitle: X\ndate: 2025-06-02 11:50+02:00\nauthors: [kurt-bennetsen]\n---\nX.\n")})
    _code, _out, err = run_cli("check", "--site", site, "--now", BEFORE)
    assert "time-offset" not in err and "in Copenhagen" not in err


SEVERAL: dict[str, str | bytes | None] = {
    **STORY_FILES,
    "content/da/2026/senere.md": (
        "---\ntitle: Senere\ndate: 2026-01-01 08:00\nembargo: 2026-03-01 10:00\n"
        "authors: [kurt-bennetsen]\n---\nSenere.\n"),
    "content/no/2026/fremtid.md": (
        "---\ntitle: Fremtid\ndate: 2026-02-01 10:00\nauthors: [kurt-bennetsen]\n---\nF.\n"),
    "content/da/2026/kladde.md": (
        "---\ntitle: Kladde\ndate: 2025-01-01 10:00\ndraft: true\n"
        "authors: [kurt-bennetsen]\n---\nK.\n"),
}


def test_status_lists_what_waits_and_until_when(make_site, run_cli, monkeypatch):
    site = make_site(SEVERAL)
    monkeypatch.setenv(SECRET_VARIABLE, SECRET)
    code, out, _err = run_cli("status", "--site", site, "--now", BEFORE, "--format", "json")
    assert code == 0
    status = json.loads(out)
    assert [(s["lift"], s["languages"]) for s in status["embargoes"]] == [
        ("2026-01-02T08:00:00Z", ["da", "no"]), ("2026-03-01T09:00:00Z", ["da"])]
    first = status["embargoes"][0]
    assert first["lift_local"] == "2026-01-02 09:00 (Copenhagen time)"
    da, no = preview_folders()
    assert [v.get("preview") for v in first["versions"]] == [
        f"https://nyheder.example.org/{da}", f"https://nyheder.example.org/{no}"]
    assert [v["path"] for v in status["future"]] == ["content/no/2026/fremtid.md"]
    assert [v["path"] for v in status["drafts"]] == ["content/da/2026/kladde.md"]
    assert status["waiting_links"] == [{
        "source": "content/da/2025/overblik.md", "line": 6,
        "target": "content/da/2026/direktoer.md", "lift": "2026-01-02T08:00:00Z"}]
    assert status["next_change"] == "2026-01-02T08:00:00Z"
    code, text, _err = run_cli("status", "--site", site, "--now", BEFORE)
    assert code == 0
    assert "until 2026-01-02 09:00 (Copenhagen time), held in: da, no" in text
    assert f"preview: https://nyheder.example.org/{da}" in text
    assert "content/da/2025/overblik.md:6 -> content/da/2026/direktoer.md" in text
    monkeypatch.delenv(SECRET_VARIABLE)
    code, text, _err = run_cli("status", "--site", site, "--now", BEFORE)
    assert code == 0 and "preview: https" not in text
    assert f"set {SECRET_VARIABLE}" in text


def test_next_change_is_each_lift_in_turn_then_nothing(make_site, run_cli):
    site = make_site(SEVERAL)
    moments = []
    now = BEFORE
    while True:
        code, out, _err = run_cli("next-change", "--site", site, "--now", now)
        assert code == 0
        if not out.strip():
            break
        moments.append(out.strip())
        now = out.strip()
        assert len(moments) < 20
    # The story's lift; its versions' dates (08:00 on 1 January) leave the news
    # sitemap two days on; a future date arrives and leaves it; the last lift (its
    # date's window is long past by then).
    assert moments == ["2026-01-02T08:00:00Z", "2026-01-03T07:00:00Z",
                       "2026-02-01T09:00:00Z", "2026-02-03T09:00:00Z",
                       "2026-03-01T09:00:00Z"]


def test_the_story_of_the_issue_replayed_on_the_sample_site(tmp_path, run_cli, monkeypatch):
    """A Danish release, its Norwegian version made with `new --translate`, then the
    Danish date moved an hour ahead: a warning names both; with `embargo:` instead, no
    language is out before the lift, and both are with the first build after it."""
    from conftest import copy_sample

    site = copy_sample(tmp_path / "sample")
    monkeypatch.setenv("SITEGEN_NOW", "2026-12-01T10:50:00+01:00")
    monkeypatch.delenv(SECRET_VARIABLE, raising=False)
    code, out, err = run_cli("new", "--site", site, "da", "Ny direktør i Erhverv Norddanmark",
                             "--author", "kurt-bennetsen")
    assert code == 0, err
    danish = Path(out.strip())
    text = danish.read_text(encoding="utf-8")
    assert "date: 2026-12-01 10:50\n" in text  # a local time, without an offset
    body = "Erhverv Norddanmark har ansat en ny direktør.\n"
    danish.write_text(text.split("\n---\n")[0] + "\n---\n" + body, encoding="utf-8")
    code, out, err = run_cli("new", "--site", site, "--translate", danish)
    assert code == 0, err
    norwegian = Path(out.strip())
    text = norwegian.read_text(encoding="utf-8")
    front, _rest = text.split("\n---\n", 1)
    front = "\n".join(line for line in front.splitlines()
                      if not line.startswith(("title:", "summary:")))
    norwegian.write_text(front + "\ntitle: Ny direktør i Erhverv Norddanmark (NO)\n---\n"
                         "Erhverv Norddanmark har ansatt en ny direktør.\n", encoding="utf-8")
    # The Danish date, one hour ahead, and nothing else: the Norwegian one would be out.
    moved = danish.read_text(encoding="utf-8").replace("date: 2026-12-01 10:50",
                                                       "date: 2026-12-01 11:50")
    danish.write_text(moved, encoding="utf-8")
    code, _out, err = run_cli("check", "--site", site, "--strict")
    assert code == 1
    assert f"{norwegian.relative_to(site).as_posix()}:2: warning: this version is published" \
        in err
    assert f"its translation {danish.relative_to(site).as_posix()} is dated 2026-12-01 11:50" \
        in err
    # The embargo on the Danish file alone holds both.
    danish.write_text(moved.replace("date: 2026-12-01 11:50",
                                    "date: 2026-12-01 11:50\nembargo: 2026-12-01 11:50"),
                      encoding="utf-8")
    out_dir = tmp_path / "out"
    code, _out, err = run_cli("build", "--site", site, "--out", out_dir, "-q")
    assert code == 0 and "warning" not in err, err
    slug_da = danish.stem
    everything_before = everything(out_dir)
    assert not any("Ny direktør i Erhverv Norddanmark" in text or slug_da in rel
                   for rel, text in everything_before.items())
    code, _out, err = run_cli("build", "--site", site, "--out", out_dir, "-q",
                              "--now", "2026-12-01T11:50:00+01:00")
    assert code == 0, err
    files = everything(out_dir)
    assert f"da/nyheder/{slug_da}/index.html" in files
    assert f"no/nyheter/{norwegian.stem}/index.html" in files
    assert "Ny direktør i Erhverv Norddanmark (NO)" in files["no/rss.xml"]
    assert "Ny direktør i Erhverv Norddanmark" in files["da/rss.xml"]
