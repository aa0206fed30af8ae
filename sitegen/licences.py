"""The licences a picture can be given: a short, fixed list (docs/content.md).

Editors write a code (`image_licence: cc-by-4.0`); the theme names it in the page's
language (`licence_label` in _macros.html, msgctxt "licence"), and structured data and
feeds give its address. A fixed list rather than free text, because a journalist must
be able to tell at a glance what they may do, and search engines read only addresses.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Licence:
    code: str
    name: str  # English, the msgid of its label; the theme translates it
    url: str | None  # the licence's own text; None: the terms are the publisher's
    reuse: bool  # may others publish it without asking (for editorial use at least)


LICENCES: dict[str, Licence] = {lic.code: lic for lic in (
    Licence("editorial", "Free for editorial use", None, True),
    Licence("cc-by-4.0", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/", True),
    Licence("cc-by-sa-4.0", "CC BY-SA 4.0",
            "https://creativecommons.org/licenses/by-sa/4.0/", True),
    Licence("cc0", "CC0 1.0 (public domain)",
            "https://creativecommons.org/publicdomain/zero/1.0/", True),
    Licence("all-rights-reserved", "All rights reserved", None, False),
)}


def licence(code: str | None) -> Licence | None:
    return LICENCES.get(code) if code else None
