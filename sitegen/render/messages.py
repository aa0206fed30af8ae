"""The templates' `_()`, `gettext()` and `pgettext()`: Jinja's newstyle gettext, with
each message that takes no values made once per language and template kind, and kept.

An article page asks for about thirty interface messages ("Share", "Press contact", a
licence's name), the same on every page of a language. Jinja's newstyle gettext makes
each one anew on every call: two calls through the template context, the catalogue's
lookup, a Markup and a `%` format. Here a message without values is made that same way
the first time and then looked up, so the bytes are the same; one with values (a
name, a count) is made each time, as Jinja makes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup


def _made(rv: str, autoescape: bool, variables: dict[str, Any]) -> str:
    """What Jinja's newstyle gettext returns for the translation `rv`."""
    if autoescape:
        rv = Markup(rv)
    return rv % variables  # always a format string, as in Jinja: "%%" is "%"


def _message(kept: dict[tuple[Any, ...], str], autoescape: bool, words: tuple[str, ...],
             translate: Callable[..., str], variables: dict[str, Any], plain: bool) -> str:
    """The message `translate(*words)` formats with `variables`; kept when it is
    `plain` (the template gives it no values), made each time otherwise."""
    if not plain:
        return _made(translate(*words), autoescape, variables)
    key = (autoescape, *words)
    found = kept.get(key)
    if found is None:
        found = kept[key] = _made(translate(*words), autoescape, variables)
    return found


def _gettext(translate: Callable[[str], str]) -> Callable[..., str]:
    kept: dict[tuple[Any, ...], str] = {}

    @pass_context
    def gettext(__context: Context, __string: str, **variables: Any) -> str:
        return _message(kept, __context.eval_ctx.autoescape, (__string,), translate,
                        variables, plain=not variables)

    return gettext


def _pgettext(translate: Callable[[str, str], str]) -> Callable[..., str]:
    kept: dict[tuple[Any, ...], str] = {}

    @pass_context
    def pgettext(__context: Context, __string_ctx: str, __string: str,
                 **variables: Any) -> str:
        plain = not variables
        variables.setdefault("context", __string_ctx)  # as Jinja's pgettext does
        return _message(kept, __context.eval_ctx.autoescape, (__string_ctx, __string),
                        translate, variables, plain)

    return pgettext


def install_messages(env: Environment, translations: Any) -> None:
    """Jinja's i18n extension with `translations` (newstyle: the templates' `{% trans %}`
    and `_()` work as Jinja documents them), then the kept `gettext` and `pgettext`
    in place of Jinja's own; `_` calls `gettext` directly instead of looking it up."""
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    gettext = _gettext(translations.gettext)
    env.globals.update(gettext=gettext, _=gettext, pgettext=_pgettext(translations.pgettext))
