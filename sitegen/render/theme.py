"""The theme: Jinja environments (one per language) over the site's and the default theme.

A site's `themes/<name>/` overrides any template, static file or message of the default
theme that ships with sitegen (ChoiceLoader, most specific first).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale
from jinja2 import (
    BytecodeCache,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    select_autoescape,
)
from jinja2.bccache import Bucket

from sitegen import urls
from sitegen.config import LanguageConfig, SiteConfig
from sitegen.i18n import Formatter, load_translations
from sitegen.licences import LICENCES
from sitegen.locations import DEFAULT_THEME
from sitegen.render.context import initials
from sitegen.render.messages import install_messages
from sitegen.render.once import ByIdentity, render_once


def theme_dirs(site_root: Path, name: str) -> list[Path]:
    """Folders to look in, most specific first, each once."""
    dirs = [site_root / "themes" / name, DEFAULT_THEME]
    unique: list[Path] = []
    for folder in dirs:
        if folder.is_dir() and folder.resolve() not in [d.resolve() for d in unique]:
            unique.append(folder)
    return unique


def language_name(language: LanguageConfig, in_locale: str, own: bool = False) -> str:
    """A language's name for readers: 'norsk' in a Danish sentence; 'Dansk' as its own label.

    Bokmål is called by its everyday name, "norsk", as readers do. With own=True the name
    is given in the language itself and capitalised, for a language switcher.
    """
    code = Locale.parse(language.locale).language
    locale = Locale.parse(language.locale if own else in_locale)
    name = locale.languages.get("no" if code == "nb" else code) or language.title
    return name[:1].upper() + name[1:] if own else name


@dataclass(frozen=True)
class Theme:
    """Built once per build; afterwards only read, so pages can render in any order."""

    dirs: tuple[Path, ...]
    environments: dict[str, Environment]
    # Pieces of pages made once and reused within this build (feed items): a cache of
    # pure results, so reading the theme stays reading. A new theme each build.
    memos: dict[str, ByIdentity[Any]] = field(default_factory=dict)

    def memo(self, name: str) -> ByIdentity[Any]:
        return self.memos.setdefault(name, ByIdentity())

    def env(self, lang: str | None) -> Environment:
        return self.environments[lang or next(iter(self.environments))]

    def preload(self) -> None:
        """Compile every template now, once: forked render workers then inherit them
        instead of each compiling its own copy."""
        for env in self.environments.values():
            for name in env.list_templates(extensions=["html", "xml", "txt"]):
                try:
                    env.get_template(name)
                except TemplateError:
                    pass  # reported, with its file and line, by the page that uses it

    def static_files(self, site_root: Path | None = None) -> dict[str, Path]:
        """URL path under /theme/ -> file, the site's theme overriding the default;
        never a file a symbolic link leads to outside the site or the theme."""
        return self._static(site_root)[0]

    def refused_static(self, site_root: Path) -> list[Path]:
        """The theme's static files that are links leading outside the site (a
        `static/leak.txt -> /etc/passwd` would be published): left out, with a warning."""
        return self._static(site_root)[1]

    def _static(self, site_root: Path | None) -> tuple[dict[str, Path], list[Path]]:
        files: dict[str, Path] = {}
        refused: list[Path] = []
        for folder in reversed(self.dirs):
            static = folder / "static"
            if not static.is_dir():
                continue
            allowed = [folder.resolve()] + ([site_root.resolve()] if site_root else [])
            for path in sorted(static.rglob("*")):
                if not path.is_file() or path.name.startswith("."):
                    continue
                real = path.resolve()
                if site_root is not None and not any(real.is_relative_to(root)
                                                     for root in allowed):
                    refused.append(path)
                    continue
                files[path.relative_to(static).as_posix()] = path
        return files, refused


class SharedCompiled(BytecodeCache):
    """Compiled templates shared by the languages' environments, in memory only.

    The environments differ only in their translations and filters, which templates
    look up when they run, so a template compiled for one language is the same code for
    the other: compiling it once halves the cost of an edit's first pages. Nothing is
    kept on disk (a bytecode cache there would be code loaded from the site folder)."""

    def __init__(self) -> None:
        self._code: dict[tuple[str, str], Any] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get((bucket.key, bucket.checksum))
        if code is not None:
            bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[(bucket.key, bucket.checksum)] = bucket.code


class _Environment(Environment):
    """Jinja's Environment, with each template's globals a plain dict of the
    environment's as they are when it loads (Jinja's own is a ChainMap over them).

    Every page render copies its template's globals into a new context, and every
    `{% from ... import %}` compares the page's globals with the macros' template's:
    over a ChainMap both walk it key by key in Python, about a tenth of an article
    page's time. The theme sets every global before it loads a template (as Jinja asks
    of any environment: "avoid modifying any globals after a template is loaded")."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return {**self.globals, **(d or {})}


def load_theme(site_root: Path, config: SiteConfig) -> Theme:
    """Templates are compiled from their source in every process, never loaded as
    bytecode from a cache: Jinja's bytecode cache unpickles what it finds, and anything
    under the site folder may have been planted there."""
    dirs = theme_dirs(site_root, config.theme)
    loader = ChoiceLoader([FileSystemLoader(str(d / "templates")) for d in dirs])
    compiled = SharedCompiled()
    environments = {}
    catalogues = {lang.code: load_translations(dirs, lang.locale) for lang in config.languages}
    for language in config.languages:
        env = _Environment(
            loader=loader,
            autoescape=select_autoescape(["html", "xml"], default_for_string=True),
            undefined=StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,
            bytecode_cache=compiled,
        )
        install_messages(env, catalogues[language.code])
        formatter = Formatter(language)
        env.filters.update(
            date=formatter.date, time=formatter.time, datetime=formatter.datetime,
            number=formatter.number, iso=formatter.iso,
            absolute=lambda url, base=config.base_url: urls.absolute(base, url),
            language_name=lambda other, own=False, here=language.locale: language_name(
                other, here, own),
            initials=initials,
        )
        env.globals.update(urls=urls, config=config, translator=catalogues.__getitem__,
                           licences=LICENCES, once=render_once())
        environments[language.code] = env
    return Theme(tuple(dirs), environments)
