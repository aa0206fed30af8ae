"""The templates' kept messages (sitegen/render/messages.py) give what Jinja's own
newstyle gettext gives, with and without values, escaped or not, in every language."""

from __future__ import annotations

import pytest
from conftest import REPO
from jinja2 import DictLoader, Environment, StrictUndefined, select_autoescape

from sitegen.i18n import load_translations
from sitegen.render.messages import install_messages

THEME = [REPO / "themes" / "default"]
SOURCE = """\
{{ _("Share") }}|{{ _("Share") }}|{{ gettext("Press contact") }}
{{ _("Photo: %(name)s", name=credit) }}|{{ _("%(size)s MB", size="2,4") }}
{{ pgettext("licence", "CC BY 4.0") }}|{{ pgettext("licence", "CC0 1.0 (public domain)") }}
{{ ngettext("Picture for the press", "Pictures for the press", 2) }}
{% trans %}Share{% endtrans %}|{% trans name=credit %}Photo: {{ name }}{% endtrans %}
{{ _("100%% sure") }}|{{ _("Not in the catalogue <b>") }}
"""


def environment(locale: str, ours: bool) -> Environment:
    env = Environment(loader=DictLoader({"page.html": SOURCE, "page.txt": SOURCE}),
                      autoescape=select_autoescape(["html"]), undefined=StrictUndefined,
                      extensions=["jinja2.ext.i18n"], trim_blocks=True)
    translations = load_translations(THEME, locale)
    if ours:
        install_messages(env, translations)
    else:
        env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    return env


@pytest.mark.parametrize("locale", ["da", "nb", "en"])
@pytest.mark.parametrize("name", ["page.html", "page.txt"])
def test_the_same_text_as_jinjas_gettext(locale: str, name: str) -> None:
    ours = environment(locale, ours=True).get_template(name)
    jinjas = environment(locale, ours=False).get_template(name)
    for credit in ("Anja Lillerud", "<script>&", "Åse Ørn"):
        for _ in range(2):  # made once, then kept: the second time too
            assert ours.render(credit=credit) == jinjas.render(credit=credit)


def test_messages_are_translated_and_escaped() -> None:
    text = environment("da", ours=True).get_template("page.html").render(credit="<b>")
    assert "Pressekontakt" in text.splitlines()[0]  # "Press contact" in Danish
    assert "Foto: &lt;b&gt;" in text  # a value is escaped, the message is not
    assert "100% sure" in text
