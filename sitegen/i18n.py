"""Babel per language: message catalogues, dates and numbers in the page's locale.

Catalogues are kept as .po files in the theme and compiled in memory at build time,
so there are no generated .mo files to forget to commit or to let go stale.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from sitegen.config import LanguageConfig

DOMAIN = "messages"


def catalogue_language(locale: str) -> str:
    """Folder name of a locale's catalogue: 'da_DK' -> 'da', 'nb_NO' -> 'nb'."""
    return Locale.parse(locale).language


def load_translations(theme_dirs: list[Path], locale: str) -> gettext.NullTranslations:
    """The theme's catalogue for a locale; a site theme's messages win over the default's."""
    folder = catalogue_language(locale)
    result: gettext.NullTranslations | None = None
    for theme_dir in theme_dirs:  # most specific first
        po_path = theme_dir / "translations" / folder / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po_path.is_file():
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        translations = gettext.GNUTranslations(buffer)
        if result is None:
            result = translations
        else:
            result.add_fallback(translations)
    return result or gettext.NullTranslations()


@dataclass(frozen=True, slots=True)
class Formatter:
    """Dates and numbers as a reader of this language writes them.

    Each value is formatted once: an article's date is on its own page, in its teaser
    and among other articles' related news, and Babel's formatting is most of a
    teaser's cost. The memo lives as long as the build's theme that holds this."""

    language: LanguageConfig
    locale: Locale = field(init=False)  # parsed once: Babel would parse the name per call
    memo: dict[tuple[object, ...], str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "locale", Locale.parse(self.language.locale))
        object.__setattr__(self, "memo", {})

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.language.tz)

    def _once(self, key: tuple[object, ...], make: Callable[[], str]) -> str:
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = make()
        return found

    def date(self, moment: datetime, form: str = "long") -> str:
        return self._once(("date", moment, form), lambda: format_date(
            self._local(moment), form, locale=self.locale))

    def time(self, moment: datetime) -> str:
        return self._once(("time", moment), lambda: format_time(
            self._local(moment), "short", locale=self.locale))

    def datetime(self, moment: datetime, form: str = "long") -> str:
        return self._once(("datetime", moment, form), lambda: format_datetime(
            self._local(moment), form, tzinfo=self.language.tz, locale=self.locale))

    def number(self, value: float) -> str:
        return self._once(("number", type(value), value), lambda: format_decimal(
            value, locale=self.locale))

    def iso(self, moment: datetime) -> str:
        return self._local(moment).isoformat()
