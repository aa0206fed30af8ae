"""serve/watch.py: classifying changed paths and debouncing bursts (pure, no clock)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.serve.watch import (
    Change,
    ChangeKind,
    Debouncer,
    classify,
    describe,
    is_temp_file,
    relevant_event,
)

SITE = Path("/home/redaktion/site")


@pytest.mark.parametrize(("rel", "kind"), [
    ("content/da/2021/mission-possible.md", ChangeKind.ARTICLE),
    ("content/no/2023/10/tre-klynger.md", ChangeKind.ARTICLE),
    ("content/people/kurt-bennetsen.md", ChangeKind.PERSON),
    ("content/clusters/green-hub-denmark.md", ChangeKind.CLUSTER),
    ("content/media/2021/la.jpg", ChangeKind.MEDIA),
    ("content/media", ChangeKind.MEDIA),
    ("content/da/2021", ChangeKind.CONTENT),
    ("content/da/notes.txt", ChangeKind.CONTENT),
    ("content/en", ChangeKind.CONTENT),
    ("content", ChangeKind.CONTENT),
    ("static/CNAME", ChangeKind.STATIC),
    ("static/.well-known", ChangeKind.IGNORED),  # hidden: discovery does not read it either
    ("themes/default/templates/article.html", ChangeKind.TEMPLATE),
    ("themes/default/static/style.css", ChangeKind.THEME_STATIC),
    ("themes/default/translations/da/LC_MESSAGES/messages.po", ChangeKind.TRANSLATIONS),
    ("themes/default/README.md", ChangeKind.IGNORED),
    ("site.toml", ChangeKind.CONFIG),
    ("README.md", ChangeKind.IGNORED),
    ("build/index.html", ChangeKind.IGNORED),
    (".sitegen-cache/serve/preview/index.html", ChangeKind.IGNORED),
    (".git/index", ChangeKind.IGNORED),
])
def test_each_kind_of_source_is_recognised(rel, kind):
    assert classify(SITE, SITE / rel) == Change(kind, rel)


@pytest.mark.parametrize("name", [
    "mission.md.swp", "mission.md.swx", ".mission.md.swp", "mission.md~", "4913",
    ".#mission.md", "#mission.md#", ".DS_Store", "mission.md.tmp",
    "mission.md___jb_tmp___", "mission.md___jb_old___", ".mission.md.kate-swp",
    ".goutputstream-X1Y2Z3", "mission.md.crswap", ".~lock.tekst.odt#",
])
def test_editor_droppings_are_temp_files(name):
    assert is_temp_file(name)
    assert classify(SITE, SITE / "content/da/2021" / name).kind is ChangeKind.IGNORED


@pytest.mark.parametrize("name", ["mission-possible.md", "2021-11-01-ny-leder.md", "la.jpg",
                                  "site.toml", "messages.po", "style.css"])
def test_real_files_are_not_temp_files(name):
    assert not is_temp_file(name)


def test_a_path_outside_the_site_is_ignored():
    assert classify(SITE, Path("/etc/passwd")).kind is ChangeKind.IGNORED
    assert classify(SITE, SITE.parent / "other/site.toml").kind is ChangeKind.IGNORED


def test_a_temp_folder_hides_everything_in_it():
    assert classify(SITE, SITE / "content/da/.obsidian/workspace.md").kind \
        is ChangeKind.IGNORED


@pytest.mark.parametrize(("event", "is_dir", "relevant"), [
    ("created", False, True), ("modified", False, True), ("moved", False, True),
    ("deleted", False, True), ("closed", False, True),
    ("opened", False, False),  # the build itself opens every file: never a change
    ("closed_no_write", False, False), ("attrib", False, False),
    ("created", True, True), ("deleted", True, True), ("moved", True, True),
    ("modified", True, False),  # a folder's entries changed: they come as events of their own
])
def test_only_events_that_change_files_count(event, is_dir, relevant):
    assert relevant_event(event, is_dir) is relevant


def article(n: int = 1) -> Change:
    return Change(ChangeKind.ARTICLE, f"content/da/a{n}.md")


def test_a_burst_of_saves_makes_one_rebuild():
    debouncer = Debouncer(quiet=0.05, longest=1.0)
    for step in range(10):  # ten saves, 10 ms apart
        debouncer.add(article(step % 3), now=step * 0.01)
        assert not debouncer.ready(step * 0.01)
    assert debouncer.wait_time(0.09) == pytest.approx(0.05)
    assert not debouncer.ready(0.12)
    assert debouncer.ready(0.14)
    batch = debouncer.take()
    assert [c.path for c in batch] == ["content/da/a0.md", "content/da/a1.md",
                                       "content/da/a2.md"]
    assert not debouncer.pending
    assert debouncer.wait_time(5.0) is None


def test_saves_without_pause_still_rebuild_after_the_longest_wait():
    debouncer = Debouncer(quiet=0.05, longest=0.5)
    moment = 0.0
    while moment < 0.49:
        debouncer.add(article(), now=moment)
        assert not debouncer.ready(moment)
        moment += 0.02
    debouncer.add(article(), now=0.5)
    assert debouncer.ready(0.5)


def test_ignored_changes_do_not_start_a_rebuild():
    debouncer = Debouncer()
    debouncer.add(Change(ChangeKind.IGNORED, "content/da/a.md.swp"), now=0.0)
    assert not debouncer.pending
    assert debouncer.wait_time(1.0) is None
    assert debouncer.take() == ()


def test_describe_names_the_file_or_counts_them():
    assert describe([article(1)]) == "content/da/a1.md changed"
    assert describe([article(1), article(1)]) == "content/da/a1.md changed"
    assert describe([article(1), article(2)]) == "2 files changed"
    sed_temp = Change(ChangeKind.CONTENT, "content/da/sedX1b2c3")  # sed -i's temporary file
    assert describe([sed_temp, article(1)]) == "content/da/a1.md changed"
