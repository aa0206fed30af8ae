"""`sitegen new`: a new article, and the other language's version of one."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import NOW, REPO
from pictures import photo, tiny_jpeg

from sitegen.load.sources import load_article
from sitegen.scaffold import add_translation_key, article_text, yaml_text

CPH = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def new(run_cli, monkeypatch):  # type: ignore[no-untyped-def]
    """Run `sitegen new` at a fixed moment: (exit code, stdout, stderr)."""
    monkeypatch.setenv("SITEGEN_NOW", NOW)

    def run(site: Path, *args: str) -> tuple[int, str, str]:
        return run_cli("new", "--site", site, *args)

    return run


def replace_placeholders(path: Path, body: str = "Nordjyske virksomheder fik nye kunder.") \
        -> None:
    """What an editor does next: write the text over the lines `new` left."""
    lines = path.read_text("utf-8").split("\n")
    end = lines.index("---", 1)
    fixed = [line.replace("OVERSETT: ", "").replace("OVERSÆT: ", "")
             for line in lines[:end + 1]]
    path.write_text("\n".join(fixed) + f"\n{body}\n", "utf-8")


# new LANG "Title"


def test_new_writes_the_front_matter_and_prints_the_path(make_site, new):
    site = make_site()
    code, out, err = new(site, "da", "Ærø får ny færge på Å", "--author", "kurt-bennetsen",
                         "--contact", "kurt-bennetsen", "--cluster", "green-hub-denmark")
    assert code == 0, err
    rel = "content/da/2026/aeroe-faar-ny-faerge-paa-aa.md"
    assert out.strip() == str(site / rel)
    text = (site / rel).read_text("utf-8")
    assert text.startswith("---\ntitle: Ærø får ny færge på Å\ndate: 2026-01-01 13:00\n"
                           "authors: [kurt-bennetsen]\ncontacts: [kurt-bennetsen]\n"
                           "clusters: [green-hub-denmark]\n# summary: ")  # 12:00 UTC: 13:00
    assert "\n# image: media/2026/aeroe-faar-ny-faerge-paa-aa.jpg\n# image_alt: " in text
    assert "SKRIV:" in text
    record, problems = load_article(rel, text.encode(), "da", CPH)
    assert record is not None and not [p for p in problems if p.is_error]
    assert record.date == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_the_date_and_year_are_the_languages_own(make_site, run_cli, monkeypatch):
    site = make_site()
    monkeypatch.setenv("SITEGEN_NOW", "2025-12-31T23:30:00Z")  # already 2026 in Oslo
    code, out, _ = run_cli("new", "--site", site, "no", "Godt nyttår")
    assert code == 0
    assert out.strip().endswith("content/no/2026/godt-nyttaar.md")
    assert "date: 2026-01-01 00:30\n" in Path(out.strip()).read_text("utf-8")


@pytest.mark.parametrize("title", ['Ny leder: "Inge" tager over', "No", "2026", "- liste?",
                                   "# ikke en kommentar", "Hvad så? [opdateret]",
                                   "Kl. 10: møde", "'enkelt' citat"])
def test_any_title_is_written_so_that_it_reads_back_the_same(title):
    text = article_text("da", title, datetime(2026, 1, 1, 13, 0, tzinfo=CPH))
    record, problems = load_article("content/da/2026/x.md", text.encode(), "da", CPH)
    assert record is not None, [p.format() for p in problems]
    assert record.title == title


def test_yaml_text_stays_plain_when_it_can():
    assert yaml_text("Mission Possible") == "Mission Possible"
    assert yaml_text("Ny leder: Inge") == '"Ny leder: Inge"'
    assert yaml_text("a, b", in_list=True) == '"a, b"'


def test_new_never_overwrites(make_site, new):
    site = make_site()
    assert new(site, "da", "Mission Possible")[0] == 1  # content/da/2026/... is free, but
    # the slug is taken by content/da/2021/mission-possible.md: one URL, two articles
    code, _, err = new(site, "da", "Ny artikel")
    assert code == 0
    before = (site / "content/da/2026/ny-artikel.md").read_bytes()
    code, out, err = new(site, "da", "Ny artikel")
    assert code == 1 and out == ""
    assert "content/da/2026/ny-artikel.md: the file already exists" in err
    assert (site / "content/da/2026/ny-artikel.md").read_bytes() == before


def test_a_slug_taken_in_another_year_is_refused(make_site, new):
    code, _, err = new(make_site(), "da", "Mission Possible")
    assert code == 1
    assert "slug 'mission-possible' is already used by content/da/2021/mission-possible.md" \
        in err


def test_unknown_ids_are_named_with_a_suggestion(make_site, new):
    site = make_site()
    code, out, err = new(site, "da", "Ny artikel", "--author", "kurt-benetsen",
                         "--cluster", "green-hub-denmrk")
    assert code == 1 and out == ""
    assert "--author: unknown person 'kurt-benetsen' (did you mean 'kurt-bennetsen'?)" in err
    assert "--cluster: unknown cluster 'green-hub-denmrk' (did you mean " \
           "'green-hub-denmark'?)" in err
    assert not (site / "content/da/2026").exists()


def test_an_unknown_language_is_named_with_a_suggestion(make_site, new):
    code, _, err = new(make_site(), "dk", "Ny artikel")
    assert code == 1
    assert "LANG: 'dk' is not a language of site.toml (did you mean 'da'?)" in err


@pytest.mark.parametrize("args", [["da"], [], ["da", "Titel", "--to", "no"],
                                  ["da", "Titel", "--translate", "x.md"]])
def test_a_wrong_command_line_exits_2(make_site, new, args):
    code, _, err = new(make_site(), *args)
    assert code == 2
    assert "usage:" in err


def test_a_new_article_is_clean_once_its_text_is_written(make_site, new, check_site):
    site = make_site()
    _, out, _ = new(site, "da", "Eksport til Californien", "--author", "kurt-bennetsen",
                    "--contact", "kurt-bennetsen", "--cluster", "green-hub-denmark")
    path = Path(out.strip())
    code, output = check_site(site, "--strict")  # the placeholders are found...
    assert code == 1
    assert "content/da/2026/eksport-til-californien.md:12: warning: text left from " \
           "'sitegen new'" in output
    replace_placeholders(path)
    code, output = check_site(site, "--strict")  # ...and once written over, all is clean
    assert code == 0, output
    assert "0 error(s), 0 warning(s)" in output


def test_new_then_check_on_the_sample_site(tmp_path, run_cli, monkeypatch):
    """Done when: `sitegen new` then `sitegen check` on the sample site give a clean
    article with no warnings once its text is written."""
    if not (REPO / "site.toml").is_file():
        pytest.skip("no sample site in this checkout")
    site = tmp_path / "sample"
    site.mkdir()
    shutil.copy2(REPO / "site.toml", site)
    for folder in ("content", "static", "themes"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, site / folder)
    monkeypatch.setenv("SITEGEN_NOW", NOW)
    code, out, err = run_cli("new", "--site", site, "da", "Ny klyngeleder i Aalborg",
                             "--author", "kurt-bennetsen", "--contact", "kurt-bennetsen",
                             "--cluster", "green-hub-denmark")
    assert code == 0, err
    path = Path(out.strip())
    replace_placeholders(path, "Green Hub Denmark har fået en ny klyngeleder i Aalborg.")
    code, out, err = run_cli("check", "--site", site, "--now", NOW, "--strict")
    assert code == 0, err
    assert "0 error(s), 0 warning(s)" in out
    assert path.name not in err


# new --translate


def test_translate_makes_the_other_version_and_links_them(make_site, new, build_site):
    site = make_site({"content/no/2021/mission.md": None,
                      "content/media/2021/la.jpg": tiny_jpeg(),
                      "content/da/2021/mission-possible.md": """\
                        ---
                        title: Mission Possible
                        date: 2021-11-01 09:00
                        summary: Tyve virksomheder i Los Angeles.
                        authors: [kurt-bennetsen]
                        contacts: [kurt-bennetsen]
                        clusters: [green-hub-denmark]
                        tags: [eksport, usa]
                        image: media/2021/la.jpg
                        image_alt: Los Angeles ved nat
                        image_credit: Anja Lillerud
                        ---
                        Tyve virksomheder var i Los Angeles.
                        """})
    original = site / "content/da/2021/mission-possible.md"
    before = original.read_bytes()
    code, out, err = new(site, "--translate", "content/da/2021/mission-possible.md")
    assert code == 0, err
    target = site / "content/no/2021/mission-possible.md"
    assert out.strip() == str(target)
    assert "added translation_key: mission-possible" in err
    text = target.read_text("utf-8")
    for line in ('title: "OVERSETT: Mission Possible"', "date: 2026-01-01 13:00",
                 'summary: "OVERSETT: Tyve virksomheder i Los Angeles."',
                 "authors: [kurt-bennetsen]", "contacts: [kurt-bennetsen]",
                 "clusters: [green-hub-denmark]", "tags: [eksport, usa]",
                 "translation_key: mission-possible", "image: media/2021/la.jpg",
                 'image_alt: "OVERSETT: Los Angeles ved nat"', "image_credit: Anja Lillerud"):
        assert f"\n{line}\n" in text, line
    assert "OVERSETT: teksten under er fra content/da/2021/mission-possible.md" in text
    assert text.rstrip().endswith("Tyve virksomheder var i Los Angeles.")
    # the original: one line added to its front matter, every other byte as it was
    assert original.read_bytes() == before.replace(
        b"image_credit: Anja Lillerud\n---\n",
        b"image_credit: Anja Lillerud\ntranslation_key: mission-possible\n---\n")
    out_dir = build_site(site)
    assert 'hreflang="nb"' in (out_dir / "da/nyheder/mission-possible/index.html").read_text()


def test_translate_keeps_an_existing_key_and_leaves_the_original_alone(make_site, new):
    site = make_site({"content/no/2021/mission.md": None})
    original = site / "content/da/2021/mission-possible.md"
    before = original.read_bytes()
    code, out, err = new(site, "--translate", str(original))
    assert code == 0, err
    assert "translation_key: dkla\n" in Path(out.strip()).read_text("utf-8")
    assert original.read_bytes() == before
    assert err == ("    hint: its file name, and so its web address, are the Danish "
                   "original's; to have them in Norwegian, rename the file, or delete it and "
                   "run: sitegen new --translate content/da/2021/mission-possible.md --title "
                   '"Norsk tittel"\n')


def test_the_key_is_added_without_touching_crlf_bom_or_comments():
    data = ("\ufeff---\r\ntitle: A # a comment\r\nsummary: >\r\n  folded\r\n---\r\n"
            "Body\r\n").encode()
    assert add_translation_key(data, "a-2021") == (
        "\ufeff---\r\ntitle: A # a comment\r\nsummary: >\r\n  folded\r\n"
        "translation_key: a-2021\r\n---\r\nBody\r\n").encode()
    empty = b"---\ntitle: A\ntranslation_key:\ndate: 2021-01-01\n---\n"
    assert add_translation_key(empty, "a") == \
        b"---\ntitle: A\ntranslation_key: a\ndate: 2021-01-01\n---\n"


def test_a_new_key_does_not_collide(make_site, new):
    site = make_site({"content/no/2021/mission.md": """\
                        ---
                        title: Annen sak
                        date: 2021-11-01 10:00
                        translation_key: solo
                        ---
                        Tekst.
                        """,
                      "content/da/2021/solo.md": "---\ntitle: Solo\ndate: 2021-05-01\n---\n"
                                                 "Tekst.\n"})
    code, _, err = new(site, "--translate", "content/da/2021/solo.md")
    assert code == 0, err
    assert "translation_key: solo-2021\n" in (site / "content/da/2021/solo.md").read_text()


def test_translate_refuses_when_the_version_exists(make_site, new):
    site = make_site()
    code, out, err = new(site, "--translate", "content/no/2021/mission.md")
    assert code == 1 and out == ""
    assert ("content/da/2021/mission-possible.md already has translation_key 'dkla': the "
            "Danish version exists") in err
    assert not (site / "content/da/2021/mission.md").exists()
    (site / "content/no/2021/mission-possible.md").write_text("---\ntitle: X\n---\n")
    code, _, err = new(site, "--translate", "content/da/2021/mission-possible.md")
    assert code == 1
    assert "content/no/2021/mission-possible.md: the file already exists" in err
    assert (site / "content/no/2021/mission-possible.md").read_text() == "---\ntitle: X\n---\n"


def test_translate_checks_ids_as_a_build_does(make_site, new):
    site = make_site({"content/no/2021/mission.md": None,
                      "content/da/2021/mission-possible.md": "---\ntitle: A\n"
                      "date: 2021-11-01\nauthors: [kurt-benetsen]\n---\nTekst.\n"})
    code, _, err = new(site, "--translate", "content/da/2021/mission-possible.md")
    assert code == 1
    assert ("content/da/2021/mission-possible.md:4: unknown person 'kurt-benetsen' "
            "(did you mean 'kurt-bennetsen'?)") in err
    assert not (site / "content/no/2021/mission-possible.md").exists()


def test_translate_needs_an_article_of_the_site(make_site, new, tmp_path):
    site = make_site()
    code, _, err = new(site, "--translate", str(tmp_path / "elsewhere.md"))
    assert code == 1 and "no such article in the site" in err
    code, _, err = new(site, "--translate", "content/people/kurt-bennetsen.md")
    assert code == 1 and "this is not an article" in err


def test_a_translation_is_clean_once_translated(make_site, new, check_site):
    site = make_site({"content/da/2021/solo.md": "---\ntitle: Solo\ndate: 2021-05-01\n"
                                                 "authors: [kurt-bennetsen]\n---\nTekst.\n"})
    _, out, _ = new(site, "--translate", "content/da/2021/solo.md")
    code, output = check_site(site, "--strict")
    assert code == 1 and "'title' still starts with 'OVERSETT:'" in output
    replace_placeholders(Path(out.strip()), "Tjue bedrifter var i Los Angeles.")
    code, output = check_site(site, "--strict")
    assert code == 0, output


def test_the_optional_lines_of_a_new_article_are_commented_and_marked(make_site, new,
                                                                      check_site):
    """Uncommented but not written over, summary and image_alt are named by check."""
    site = make_site({"content/media/2026/ny-artikel.jpg": tiny_jpeg()})
    _, out, _ = new(site, "da", "Ny artikel", "--author", "kurt-bennetsen")
    path = Path(out.strip())
    text = path.read_text("utf-8")
    for line in ('# summary: "SKRIV: ', "# image: media/2026/ny-artikel.jpg\n",
                 '# image_alt: "SKRIV: '):
        assert f"\n{line}" in text, line
    path.write_text(text.replace("\n# ", "\n"), "utf-8")
    code, output = check_site(site)
    assert code == 0, output
    assert "'summary' still starts with 'SKRIV:'" in output
    assert "'image_alt' still starts with 'SKRIV:'" in output


# new --translate --title


def test_translate_with_a_title_names_the_file_after_it(make_site, new, build_site):
    site = make_site({"content/da/2021/eksport.md": "---\ntitle: Eksport\ndate: 2021-05-01\n"
                      "authors: [kurt-bennetsen]\ntranslation_key: eksport\n---\nTekst.\n"})
    code, out, err = new(site, "--translate", "content/da/2021/eksport.md",
                         "--title", "Eksport  til USA: en ny vei")
    assert code == 0, err
    target = site / "content/no/2021/eksport-til-usa-en-ny-vei.md"
    assert out.strip() == str(target)
    assert err == ""  # no hint: the name is the Norwegian title's
    text = target.read_text("utf-8")
    assert '\ntitle: "Eksport til USA: en ny vei"\n' in text  # filled in, not marked
    assert "\ntranslation_key: eksport\n" in text
    assert "OVERSETT: teksten under er fra content/da/2021/eksport.md" in text
    out_dir = build_site(site)
    danish = (out_dir / "da/nyheder/eksport/index.html").read_text()
    assert 'hreflang="nb" href="https://nyheder.example.org/no/nyheter/' \
           'eksport-til-usa-en-ny-vei/"' in danish


def test_translate_with_a_title_adds_the_key_to_the_original(make_site, new):
    site = make_site({"content/da/2021/solo.md": "---\ntitle: Solo\ndate: 2021-05-01\n"
                                                 "---\nTekst.\n"})
    code, out, err = new(site, "--translate", "content/da/2021/solo.md", "--title", "Alene")
    assert code == 0, err
    assert out.strip().endswith("content/no/2021/alene.md")
    assert "content/da/2021/solo.md: added translation_key: solo" in err
    assert "translation_key: solo\n" in (site / "content/da/2021/solo.md").read_text()
    assert "translation_key: solo\n" in (site / "content/no/2021/alene.md").read_text()


def test_a_title_whose_slug_is_taken_is_refused(make_site, new):
    site = make_site({"content/da/2022/solo.md": "---\ntitle: Solo\ndate: 2022-05-01\n"
                                                 "---\nTekst.\n"})
    code, out, err = new(site, "--translate", "content/da/2022/solo.md", "--title",
                         "Mission!")  # content/no/2021/mission.md has the slug 'mission'
    assert code == 1 and out == ""
    assert "content/no/2022/mission.md: slug 'mission' is already used by " \
           "content/no/2021/mission.md" in err
    assert not (site / "content/no/2022/mission.md").exists()
    assert "translation_key" not in (site / "content/da/2022/solo.md").read_text()
    code, _, err = new(site, "--translate", "content/da/2022/solo.md", "--title", "Solo")
    assert code == 0, err


@pytest.mark.parametrize("args", [["da", "Titel", "--title", "X"],
                                  ["--translate", "x.md", "--title", " "]])
def test_title_goes_with_translate_only(make_site, new, args):
    code, _, err = new(make_site(), *args)
    assert code == 2
    assert err.startswith("usage: sitegen new ")


# new person / new organisation


PERSON_KEYS_COMMENTED = ("role", "organization", "email", "phone", "photo", "photo_credit",
                         "photo_licence", "clusters")


@pytest.mark.parametrize("kind, folder", [("person", "people"),
                                          ("organisation", "clusters"),
                                          ("organization", "clusters")])
def test_a_new_entry_builds_and_checks_as_written(make_site, new, check_site, build_site,
                                                  kind, folder):
    site = make_site()
    code, out, err = new(site, kind, "nordisk-energi", "Nordisk Energi")
    assert code == 0, err
    rel = f"content/{folder}/nordisk-energi.md"
    assert out.strip() == str(site / rel)
    assert "hint: it builds as it is. Write over the SKRIV: lines" in err
    text = (site / rel).read_text("utf-8")
    assert text.startswith("---\nname: Nordisk Energi\n")
    assert "\n::: da\nSKRIV: " in text and "\n::: no\nSKRIV: " in text
    code, output = check_site(site)
    assert code == 0, output
    # No article names it yet, and check names its two SKRIV: lines (one per language).
    assert "0 error(s), 3 warning(s)" in output
    assert output.count("the line starts with 'SKRIV:'") == 2
    assert f"{rel}: warning: no article names " in output  # the one warning, as the hint says
    build_site(site)


def test_every_field_of_a_person_and_an_organisation_is_listed(make_site, new):
    from sitegen.load.records import CLUSTER_KEYS, ORGANISATION_TYPES, PERSON_KEYS

    site = make_site()
    new(site, "person", "anne-andersen", "Anne Andersen")
    new(site, "organisation", "nordisk-energi", "Nordisk Energi")
    for rel, keys in (("content/people/anne-andersen.md", PERSON_KEYS),
                      ("content/clusters/nordisk-energi.md", CLUSTER_KEYS)):
        lines = (site / rel).read_text("utf-8").split("\n")
        for key in keys:
            wanted = f"{key}:" if key == "name" else f"# {key}:"
            assert any(line.startswith(wanted) for line in lines), (rel, key)
    header = (site / "content/clusters/nordisk-energi.md").read_text("utf-8")
    comments = " ".join(line.lstrip("# ") for line in header.split("\n") if line[:1] == "#")
    assert "one of: " + ", ".join(ORGANISATION_TYPES) in comments


def test_every_commented_field_is_valid_once_uncommented(make_site, new, check_site):
    """The examples are right: delete every '# ' and the files still build."""
    site = make_site({"content/media/people/anne-andersen.jpg": tiny_jpeg(),
                      "content/media/logos/nordisk-energi.png": photo(8, 8, "PNG")})
    new(site, "person", "anne-andersen", "Anne Andersen")
    new(site, "organisation", "nordisk-energi", "Nordisk Energi")
    for rel in ("content/people/anne-andersen.md", "content/clusters/nordisk-energi.md"):
        path = site / rel
        lines = path.read_text("utf-8").split("\n")
        end = lines.index("---", 1)
        header = [line[2:] if re.match(r"# [a-z_]+:( |$)|#   ", line) else line
                  for line in lines[1:end]]
        header = [line for line in header if not line.startswith("#")]  # the explanations
        path.write_text("\n".join(["---", *header, *lines[end:]]), "utf-8")
    code, output = check_site(site)
    assert code == 0, output
    assert "unknown front-matter key" not in output
    from sitegen.load.sources import load_cluster, load_person

    person, _ = load_person("content/people/anne-andersen.md",
                            (site / "content/people/anne-andersen.md").read_bytes(),
                            ("da", "no"))
    assert person is not None and person.role == {"da": "Kommunikationschef",
                                                  "no": "Kommunikasjonssjef"}
    assert person.clusters[0].id == "green-hub-denmark"  # an id the site has
    cluster, _ = load_cluster("content/clusters/nordisk-energi.md",
                              (site / "content/clusters/nordisk-energi.md").read_bytes(),
                              ("da", "no"))
    assert cluster is not None and (cluster.type, cluster.short_name) == ("cluster", "NE")


def test_an_existing_entry_is_never_overwritten(make_site, new):
    site = make_site()
    path = site / "content/people/kurt-bennetsen.md"
    before = path.read_bytes()
    code, out, err = new(site, "person", "kurt-bennetsen", "Kurt Bennetsen")
    assert code == 1 and out == ""
    assert "content/people/kurt-bennetsen.md: the file already exists; it is left as it " \
           "is\n    hint: choose another id, or edit that file" in err
    assert path.read_bytes() == before
    code, _, err = new(site, "organisation", "green-hub-denmark", "Green Hub")
    assert code == 1 and "content/clusters/green-hub-denmark.md: the file already exists" in err


def test_an_invalid_id_is_refused_with_the_one_meant(make_site, new):
    site = make_site()
    code, out, err = new(site, "person", "Anne Andersen", "Anne Andersen")
    assert code == 1 and out == ""
    assert "ID: 'Anne Andersen' cannot be an id (did you mean 'anne-andersen'?)" in err
    assert not (site / "content/people/Anne Andersen.md").exists()


@pytest.mark.parametrize("args, shown", [
    (["person", "Anne Andersen"], 'sitegen new person anne-andersen "Anne Andersen"'),
    (["organisation"], 'sitegen new organisation green-hub-denmark "Green Hub Denmark"'),
    (["person", "a", "A", "--author", "kurt-bennetsen"], "takes no --author"),
])
def test_a_person_or_organisation_needs_an_id_and_a_name(make_site, new, args, shown):
    code, _, err = new(make_site(), *args)
    assert code == 2
    assert err.startswith("usage: sitegen new ")
    assert shown in err
