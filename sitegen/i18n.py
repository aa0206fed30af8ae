"""Babel per language: message catalogues, dates and numbers in the page's locale.

Catalogues are kept as .po files in the theme and compiled in memory at build time,
so there are no generated .mo files to forget to commit or to let go stale.
"""

from __future__ import annotations

import gettext
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
    """Dates and numbers as a reader of this language writes them."""

    language: LanguageConfig
    locale: Locale = field(init=False)  # parsed once: Babel would parse the name per call

    def __post_init__(self) -> None:
        object.__setattr__(self, "locale", Locale.parse(self.language.locale))

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.language.tz)

    def date(self, moment: datetime, form: str = "long") -> str:
        return format_date(self._local(moment), form, locale=self.locale)

    def time(self, moment: datetime) -> str:
        return format_time(self._local(moment), "short", locale=self.locale)

    def datetime(self, moment: datetime, form: str = "long") -> str:
        return format_datetime(self._local(moment), form, tzinfo=self.language.tz,
                               locale=self.locale)

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def iso(self, moment: datetime) -> str:
        return self._local(moment).isoformat()
