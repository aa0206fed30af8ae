"""site.toml -> a typed, validated SiteConfig.

Strict on purpose (as Zola is): an unknown key is an error with a suggestion, because a
misspelt setting that is silently ignored costs an editor far more time than a message.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from sitegen.errors import Problem, error, suggestion
from sitegen.locations import CONFIG_NAME

LANG_CODE = re.compile(r"^[a-z]{2,3}$")

TOP_KEYS = {
    "base_url", "theme", "default_language", "feed_items", "unsafe_html", "languages",
    "publisher", "title", "logo", "icon", "deploy",
}
LANGUAGE_KEYS = {"title", "description", "locale", "timezone", "publisher"}
PUBLISHER_KEYS = {"name", "email", "phone", "url", "address"}


@dataclass(frozen=True, slots=True)
class Publisher:
    name: str = ""
    email: str = ""
    phone: str = ""
    url: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class LanguageConfig:
    """One language of the site: its folder under content/ and how to format for it."""

    code: str  # the folder under content/ and the first URL segment: "da", "no"
    title: str
    description: str
    locale: str  # Babel locale, e.g. "da_DK", "nb_NO"
    timezone: str  # IANA name, e.g. "Europe/Copenhagen"
    publisher: Publisher | None = None  # [languages.<code>.publisher]: this language's own

    @property
    def tz(self) -> tzinfo:
        return ZoneInfo(self.timezone)

    @property
    def html_lang(self) -> str:
        """BCP 47 tag for <html lang> and RSS: "no" content is Bokmål, so "nb"."""
        return _language_of(self.locale)


@lru_cache(maxsize=64)
def _language_of(locale: str) -> str:
    """Babel parses the locale's name on every call: pages ask for it dozens of times."""
    return Locale.parse(locale).language


@dataclass(frozen=True, slots=True)
class SiteConfig:
    base_url: str  # always ends with "/"
    theme: str
    default_language: str
    feed_items: int
    unsafe_html: bool
    languages: tuple[LanguageConfig, ...]
    publisher: Publisher = field(default_factory=Publisher)
    # Branding (docs/content.md): pictures under content/, "media/branding/logo.png".
    logo: str = ""  # the header, the publisher's logo in JSON-LD, the og:image fallback
    icon: str = ""  # favicon, Apple touch icon and the web manifest's icons
    logo_line: int = 1
    icon_line: int = 1

    def publisher_for(self, code: str | None) -> Publisher:
        """Who publishes the pages of a language: its own [languages.<code>.publisher],
        else the site's [publisher]."""
        for lang in self.languages:
            if lang.code == code and lang.publisher is not None:
                return lang.publisher
        return self.publisher

    def publication(self, code: str | None) -> str:
        """The one name of the language's publication: JSON-LD's publisher, Open Graph's
        site name, the news sitemap's and the feeds' (Google News wants them equal)."""
        name = self.publisher_for(code).name
        if name:
            return name
        return self.language(code).title if code in self.language_codes else (
            self.languages[0].title if self.languages else "")

    def language(self, code: str) -> LanguageConfig:
        for lang in self.languages:
            if lang.code == code:
                return lang
        raise KeyError(code)

    @property
    def language_codes(self) -> tuple[str, ...]:
        return tuple(lang.code for lang in self.languages)


TABLE_HEADER = re.compile(r"^[ \t]*\[[^=\n]*$", re.MULTILINE)  # [table] or [[array]]
THEME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _line_at(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _header(text: str, table: str) -> re.Match[str] | None:
    # [ \t]* rather than \s*: \s would match the blank line before the header too.
    return re.search(rf"^[ \t]*\[[ \t]*{re.escape(table)}[ \t]*\]", text, re.MULTILINE)


def _table_line(text: str, table: str) -> int | None:
    match = _header(text, table)
    return _line_at(text, match.start()) if match else None


def _key_line(text: str, key: str, table: str = "") -> int | None:
    """The line of `key = ...` inside `table` ('' for the top level).

    Searching only the table's own lines tells apart keys that several tables share:
    an error in [languages.no] title must not point at [languages.da] title.
    """
    start = 0
    if table:
        header = _header(text, table)
        start = header.end() if header else 0
    following = TABLE_HEADER.search(text, start)
    end = following.start() if following else len(text)
    pattern = re.compile(rf"^[ \t]*\"?{re.escape(key)}\"?[ \t]*=", re.MULTILINE)
    match = pattern.search(text, start, end) or pattern.search(text)
    return _line_at(text, match.start()) if match else None


class _Reader:
    """Typed access to one TOML table, collecting problems instead of raising."""

    def __init__(self, data: dict[str, Any], text: str, where: str, problems: list[Problem]):
        self.data, self.text, self.where, self.problems = data, text, where, problems

    @property
    def table(self) -> str:
        return self.where.rstrip(".")

    def fail(self, key: str | None, message: str, hint: str = "") -> None:
        """A problem on the key's line; without a key, on the table's header line."""
        if key:
            line = _key_line(self.text, key, self.table)
        else:
            line = _table_line(self.text, self.table) if self.table else None
        self.problems.append(error(CONFIG_NAME, line, message, hint, code="config"))

    def check_keys(self, allowed: set[str]) -> None:
        for key in self.data:
            if key not in allowed:
                self.fail(key, f"unknown setting '{self.where}{key}'{suggestion(key, allowed)}",
                          "see docs/content.md for the settings site.toml accepts")

    def text_value(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if value is None:
            self.fail(None, f"missing setting '{self.where}{key}'",
                      f'add a line such as {key} = "..."')
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"'{self.where}{key}' must be a non-empty text in quotes")
            return ""
        return value.strip()


def load_config(site_dir: Path) -> tuple[SiteConfig | None, list[Problem]]:
    """Read and check site.toml; None when it is too broken to build from."""
    path = site_dir / CONFIG_NAME
    problems: list[Problem] = []
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None, [error(CONFIG_NAME, None, "site.toml not found",
                            f"run sitegen in the site's folder, or pass --site DIR ({site_dir})")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [error(CONFIG_NAME, None, f"cannot read site.toml: {exc}")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        return None, [error(CONFIG_NAME, line, f"site.toml is not valid TOML: {exc}",
                            'texts need quotes: title = "Nyheder"', code="config")]

    top = _Reader(data, text, "", problems)
    top.check_keys(TOP_KEYS)
    base_url = top.text_value("base_url")
    parts = urlsplit(base_url)
    if base_url and (parts.scheme not in ("http", "https") or not parts.netloc):
        top.fail("base_url", f"base_url must be an absolute URL, not '{base_url}'",
                 'write it with scheme and host: base_url = "https://nyheder.example.org/"')
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    theme = top.text_value("theme", "default")
    _check_theme(top, site_dir, theme)
    feed_items = data.get("feed_items", 20)
    if not isinstance(feed_items, int) or isinstance(feed_items, bool) or feed_items < 1:
        top.fail("feed_items", "feed_items must be a whole number of at least 1")
        feed_items = 20
    unsafe_html = data.get("unsafe_html", False)
    if not isinstance(unsafe_html, bool):
        top.fail("unsafe_html", "unsafe_html must be true or false (without quotes)")
        unsafe_html = False

    languages = _load_languages(data.get("languages"), text, problems)
    codes = [lang.code for lang in languages]
    default_language = top.text_value("default_language", codes[0] if codes else "")
    if default_language and codes and default_language not in codes:
        top.fail("default_language",
                 f"default_language '{default_language}' is not one of the languages "
                 f"({', '.join(codes)}){suggestion(default_language, codes)}")

    publisher = _publisher(data.get("publisher", {}), text, "publisher", top, problems) \
        or Publisher()

    branding = {}
    for key in ("logo", "icon"):
        value = data.get(key, "")
        if not isinstance(value, str):
            top.fail(key, f"{key} must be a path in quotes, e.g. {key} = \"media/{key}.png\"")
            value = ""
        branding[key] = value.strip().lstrip("/")
        branding[f"{key}_line"] = _key_line(text, key) or 1
    if "deploy" in data:  # where `sitegen deploy` publishes; checked here for `check`
        from sitegen.deploy.settings import check_deploy
        check_deploy(data["deploy"], text, problems)

    if any(p.is_error for p in problems):
        return None, problems
    return SiteConfig(base_url, theme, default_language, feed_items, unsafe_html,
                      tuple(languages), publisher, **branding), problems


def _load_languages(raw: Any, text: str, problems: list[Problem]) -> list[LanguageConfig]:
    if not isinstance(raw, dict) or not raw:
        problems.append(error(CONFIG_NAME, None, "site.toml defines no languages",
                              "add a [languages.da] table with title, locale and timezone"))
        return []
    languages = []
    for code, table in raw.items():
        where = f"languages.{code}."
        line = _table_line(text, f"languages.{code}")
        if not LANG_CODE.match(code) or not isinstance(table, dict):
            problems.append(error(CONFIG_NAME, line,
                                  f"[languages.{code}] must be a table named by a language code"))
            continue
        reader = _Reader(table, text, where, problems)
        reader.check_keys(LANGUAGE_KEYS)
        title = reader.text_value("title")
        description = table.get("description", "")
        locale = reader.text_value("locale", code)
        timezone = reader.text_value("timezone", "UTC")
        if locale and not _is_locale(locale):
            reader.fail("locale", f"unknown locale '{locale}' in [languages.{code}]",
                        'use a Babel locale such as "da_DK" or "nb_NO"')
        if timezone and not _is_timezone(timezone):
            reader.fail("timezone", f"unknown time zone '{timezone}' in [languages.{code}]",
                        'use an IANA name such as "Europe/Copenhagen"')
        publisher = _publisher(table["publisher"], text, f"languages.{code}.publisher",
                               reader, problems) if "publisher" in table else None
        languages.append(LanguageConfig(code, title, str(description), locale, timezone,
                                        publisher))
    return languages


def _publisher(raw: Any, text: str, where: str, parent: _Reader,
               problems: list[Problem]) -> Publisher | None:
    """A [publisher] table: the site's, or one language's own."""
    if not isinstance(raw, dict):
        parent.fail(where.rsplit(".", 1)[-1], f"[{where}] must be a table")
        return None
    reader = _Reader(raw, text, f"{where}.", problems)
    reader.check_keys(PUBLISHER_KEYS)
    return Publisher(**{k: v for k, v in raw.items() if k in PUBLISHER_KEYS
                        and isinstance(v, str)})


def _is_locale(name: str) -> bool:
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _is_timezone(name: str) -> bool:
    """An IANA zone name; a folder of the database such as 'Europe' raises OSError."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _check_theme(reader: _Reader, site_dir: Path, theme: str) -> None:
    """'default' ships with sitegen; any other theme is a folder in the site's themes/.

    A misspelt theme would otherwise fall back to the default one without a word, and a
    name with '/' or '..' could lead out of the site folder.
    """
    if not theme or theme == "default":
        return
    themes = site_dir / "themes"
    if THEME_NAME.match(theme) and (themes / theme).is_dir():
        return
    available = sorted(p.name for p in themes.iterdir() if p.is_dir()) \
        if themes.is_dir() else []
    reader.fail("theme", f"theme '{theme}' not found in themes/"
                f"{suggestion(theme, [*available, 'default'])}",
                'use theme = "default" or the name of a folder in themes/')
