"""Markdown bodies -> HTML: CommonMark with tables, stable heading ids, safe links."""

from __future__ import annotations

import re

import pytest

from sitegen.markdown import render_body, split_target


def keep(target: str) -> str:
    return target


def html(text: str, unsafe_html: bool = False) -> str:
    return render_body(text, keep, unsafe_html).html


def hrefs(markup: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', markup)


def test_commonmark_paragraphs_and_emphasis():
    assert html("Tyve *virksomheder* var **i** LA.\n") == (
        "<p>Tyve <em>virksomheder</em> var <strong>i</strong> LA.</p>\n")


def test_tables_are_rendered_in_a_scrolling_box():
    out = html("| By | Antal |\n|----|------:|\n| Aalborg | 15 |\n")
    assert "<table>" in out
    assert "<th>By</th>" in out
    assert '<td style="text-align:right">15</td>' in out
    assert out.startswith('<div class="table-scroll" tabindex="0">')


@pytest.mark.parametrize("heading, slug", [
    ("## Et led i DKLA Partnership", "et-led-i-dkla-partnership"),
    ("## Økonomi og vækst på Ærø", "oekonomi-og-vaekst-paa-aeroe"),
    ("### Café & co.", "cafe-co"),
    ("## 2021", "2021"),
])
def test_headings_get_ids_from_their_text(heading, slug):
    assert f'id="{slug}"' in html(heading + "\n")


def test_heading_ids_are_unique_and_stable():
    text = "## Program\n\nA\n\n## Program\n\nB\n"
    first = html(text)
    assert re.findall(r'id="([^"]+)"', first) == ["program", "program-1"]
    assert html(text) == first


def test_raw_html_is_shown_as_text_by_default():
    out = html('<script>alert(1)</script>\n\nEt <b onclick="x()">ord</b>.\n')
    assert "<script>" not in out
    assert "<b " not in out
    assert "&lt;script&gt;" in out


def test_raw_html_is_kept_when_the_site_allows_it():
    out = html('<div class="note">Hej</div>\n', unsafe_html=True)
    assert '<div class="note">Hej</div>' in out


@pytest.mark.parametrize("target", [
    "javascript:alert(1)", "JavaScript:alert(1)", "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd", "java\tscript:alert(1)",
    "&#106;avascript:alert(1)",
])
def test_links_with_unsafe_schemes_never_become_hrefs(target):
    out = html(f"[klik]({target}) og <{target}>\n")
    assert all(not href.lower().lstrip().startswith(("javascript", "vbscript", "data", "file"))
               for href in hrefs(out))
    assert "javascript:alert" not in " ".join(hrefs(out)).lower()


def test_unsafe_schemes_are_refused_even_with_raw_html_allowed_in_markdown_links():
    out = html("[klik](javascript:alert(1))\n", unsafe_html=True)
    assert hrefs(out) == []


def test_a_data_image_may_be_an_image_source():
    out = html("![prik](data:image/png;base64,iVBORw0KGgo=)\n")
    assert 'src="data:image/png;base64,iVBORw0KGgo="' in out


def test_safe_external_links_are_left_as_written():
    out = html("[a](https://example.org/x) [b](mailto:a@b.dk) [c](tel:+4598160600) [d](#top)\n")
    assert hrefs(out) == ["https://example.org/x", "mailto:a@b.dk", "tel:+4598160600", "#top"]


def test_internal_links_go_through_the_rewriter_with_fragment():
    seen: list[str] = []

    def rewrite(target: str) -> str:
        seen.append(target)
        return "/da/nyheder/mission-possible/#program"

    body = render_body("Se [her](../2021/mission-possible.md#program).\n", rewrite)
    assert hrefs(body.html) == ["/da/nyheder/mission-possible/#program"]
    assert seen == ["../2021/mission-possible.md#program"]


def test_a_link_that_leads_to_nothing_is_reported_with_its_body_line():
    body = render_body("Intro.\n\nSe [den](../nope.md).\n", lambda target: None)
    assert [(b.target, b.line) for b in body.broken] == [("../nope.md", 3)]


def test_a_broken_link_on_a_later_line_of_a_paragraph_has_that_line():
    text = "Første linje\nanden linje\ntredje [link](nope.md) her\n"
    body = render_body(text, lambda target: None)
    assert [(b.target, b.line) for b in body.broken] == [("nope.md", 3)]


def test_broken_links_in_tables_lists_and_quotes_have_their_lines():
    text = ("| a |\n|---|\n| [t](t.md) |\n\n"
            "- en\n- [l](l.md)\n\n"
            "> citat\n> [q](q.md)\n")
    body = render_body(text, lambda target: None)
    assert [(b.target, b.line) for b in body.broken] == [("t.md", 3), ("l.md", 6), ("q.md", 9)]


def test_a_broken_link_with_nordic_letters_is_reported_as_written():
    body = render_body("[m](møde.md) [s](<ny side.md>)\n", lambda target: None)
    assert [b.target for b in body.broken] == ["møde.md", "ny side.md"]


def test_split_target_decodes_the_path_for_the_file_on_disk():
    assert split_target("../2021/m%C3%B8de%20i%20LA.md#s%C3%A6t") == (
        "../2021/møde i LA.md", "#s%C3%A6t")


def test_the_first_paragraph_is_kept_as_plain_text():
    body = render_body("## Titel\n\nTyve *nordjyske*\nvirksomheder `rejste`.\n\nMere.\n", keep)
    assert body.first_paragraph == "Tyve nordjyske virksomheder rejste."


def test_words_are_counted():
    assert render_body("Tyve virksomheder var i Los Angeles.\n", keep).words == 6


def test_a_fact_box():
    out = html("::: fakta\nDKLA Partnership\n:::\n")
    assert '<aside class="factbox">' in out and "DKLA Partnership" in out


def test_nesting_past_markdown_its_limit_is_named_with_its_line():
    """markdown-it stops at 20 levels and leaves out what is deeper: say so."""
    deep = "Intro.\n\n" + ">" * 25 + " dyb tekst\n\nSlut.\n"
    body = render_body(deep, lambda target: target)
    assert "dyb tekst" not in body.html and body.too_deep == 3
    assert render_body("> > Et citat i et citat.\n", lambda target: target).too_deep is None


def test_the_build_warns_about_text_nested_too_deep(make_site, run_cli):
    from conftest import NOW

    site = make_site({"content/da/2021/dyb.md": (
        "---\ntitle: Dyb\ndate: 2021-01-01\n---\nIntro.\n\n" + "- x\n" + "".join(
            "  " * i + "- x\n" for i in range(1, 30)))})
    code, _out, err = run_cli("build", "--site", site, "--now", NOW, "-q")
    assert code == 0
    assert "content/da/2021/dyb.md:" in err and "nested 20 levels deep" in err
