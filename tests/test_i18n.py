"""Every string the default theme shows is translated into Danish and Bokmål.

The templates are read with Babel's extractor and the mapping in babel.cfg (what
`make messages` runs), then compared with the .po catalogues: a string missing from a
catalogue, left empty or marked fuzzy fails, naming the template and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parent.parent
THEME = REPO / "themes" / "default"
TRANSLATIONS = THEME / "translations"
LANGUAGES = ("da", "nb")


def template_messages() -> dict[str, list[str]]:
    """msgid -> where it is used ('article.html:12'), as `make messages` extracts them.

    A plural message (ngettext) is keyed by its singular, as in the catalogues.
    """
    with (REPO / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, list[str]] = {}
    for filename, line, message, _comments, context in extract_from_dir(
            str(THEME / "templates"), method_map=method_map, options_map=options_map):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{line}")
            if context:
                CONTEXTS[msgid] = context
    return found


CONTEXTS: dict[str, str] = {}  # msgid -> its pgettext context, filled by template_messages


def lookup(catalog: Catalog, msgid: str) -> object:
    return catalog.get(msgid, context=CONTEXTS.get(msgid))


def translated(message: object) -> bool:
    """Every form of the message has a translation (both forms of a plural)."""
    string = getattr(message, "string", "")
    forms = string if isinstance(string, (tuple, list)) else (string,)
    return bool(forms) and all(forms)


def catalogue(lang: str) -> Catalog:
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    assert path.is_file(), f"{path} is missing: run `make messages`"
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def test_the_templates_have_messages():
    messages = template_messages()
    assert "Skip to content" in messages and "Press contact" in messages
    assert "Page not found" in messages  # also what the language-neutral 404 page says


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_template_string_is_translated(lang: str):
    catalog = catalogue(lang)
    problems = []
    for msgid, places in sorted(template_messages().items()):
        message = lookup(catalog, msgid)
        where = ", ".join(places[:3])
        if message is None:
            problems.append(f"{where}: {msgid!r} is not in {lang}/messages.po "
                            "(run `make messages`, then translate it)")
        elif not translated(message):
            problems.append(f"{where}: {msgid!r} has no {lang} translation")
        elif message.fuzzy:
            problems.append(f"{where}: {msgid!r} is fuzzy in {lang}: check it, remove the flag")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_has_no_fuzzy_entries_and_placeholders_match(lang: str):
    catalog = catalogue(lang)
    assert not catalog.fuzzy, f"{lang}/messages.po: the header is marked fuzzy"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries in {lang}/messages.po: {fuzzy}"
    errors = [f"{message.id!r}: {'; '.join(str(e) for e in errs)}"
              for message, errs in catalog.check()]
    assert not errors, "\n".join(errors)


def test_template_pot_is_up_to_date():
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        pot = read_po(handle)
    ids = {m.id[0] if isinstance(m.id, tuple) else m.id for m in pot if m.id}
    missing = sorted(set(template_messages()) - ids)
    assert not missing, f"messages.pot lacks {missing}: run `make messages`"


def test_pages_speak_the_page_language(make_site, build_site):
    out = build_site(make_site())
    english = [msgid for msgid in template_messages() if len(msgid) > 3]
    danish = (out / "da/nyheder/mission-possible/index.html").read_text()
    norwegian = (out / "no/nyheter/mission/index.html").read_text()
    catalogues = [catalogue(lang) for lang in LANGUAGES]
    for msgid in english:
        strings = {str(lookup(c, msgid).string) if lookup(c, msgid) else None  # type: ignore[attr-defined]
                   for c in catalogues}
        if msgid not in strings:  # a word both languages borrow ("E-mail") may stay
            assert f">{msgid}<" not in danish and f">{msgid}<" not in norwegian, msgid
    assert "Spring til indholdet" in danish and "Hopp til innholdet" in norwegian
    assert "Læs på norsk" in danish and "Les på dansk" in norwegian


def test_numbers_in_the_page_locale(make_site, build_site):
    files: dict[str, str | bytes | None] = {
        f"content/no/2020/n-{n:02d}.md": f"---\ntitle: N {n}\ndate: 2020-01-{n:02d}\n---\nT.\n"
        for n in range(1, 12)
    }
    out = build_site(make_site(files))
    assert "Side 1 av 2" in (out / "no/nyheter/index.html").read_text()


def test_a_site_theme_adds_and_overrides_messages(make_site, build_site):
    site = make_site()
    toml = (site / "site.toml").read_text().replace('theme = "default"', 'theme = "mine"')
    po = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
          'msgid "Topics"\nmsgstr "Presse"\n')
    out = build_site(make_site({"site.toml": toml,
                                "themes/mine/translations/da/LC_MESSAGES/messages.po": po}))
    danish = (out / "da/nyheder/mission-possible/index.html").read_text()
    assert ">Presse</h2>" in danish  # the site's own message wins
    assert "Spring til indholdet" in danish  # the rest still comes from the default theme
