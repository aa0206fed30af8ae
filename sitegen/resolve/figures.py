"""Pictures in an article's text: their size and copies, written into its HTML.

Markdown makes `<img src="/media/x.jpg" alt="...">`. A browser that does not know a
picture's size reserves no room for it, and the text jumps as it loads; it also loads
the full original on a phone. So once the body is rendered, each picture of
content/media/ in it gets `width`, `height`, lazy loading and a `<picture>` with its
copies (sitegen/images/variants.py). The body's HTML is made in Python already (by
markdown-it), so this is part of making it, not of the theme.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from urllib.parse import unquote

from sitegen.fingerprint import digest
from sitegen.images.probe import ImageInfo
from sitegen.markdown import RenderedBody
from sitegen.model import Image
from sitegen.resolve.references import picture

IMG = re.compile(r'<img src="(/media/[^"]+)" alt="([^"]*)"( title="[^"]*")?\s*/?>')
# How wide a picture in the text is shown: the text column (docs/themes.md).
SIZES = "(min-width: 46rem) 42rem, calc(100vw - 2.5rem)"


def body_figures(body: RenderedBody, images: Mapping[str, ImageInfo]) -> tuple[Image, ...]:
    """The pictures of content/media/ the body shows, each once, in order."""
    found: dict[str, Image] = {}
    for match in IMG.finditer(body.html):
        path = unquote(match.group(1)).lstrip("/")
        info = images.get(path)
        if info is not None and path not in found:
            found[path] = picture(info, "")
    return tuple(found.values())


def figure_markup(image: Image, alt: str, title: str = "", src: str = "") -> str:
    """One picture of the text, with its size, copies and lazy loading."""
    size = f' width="{image.width}" height="{image.height}"' if image.width else ""
    webp = image.srcset("image/webp")
    fallback = image.srcset(image.fallback) if image.fallback != "image/webp" else ""
    srcset = f' srcset="{fallback}" sizes="{SIZES}"' if fallback else ""
    tag = (f'<img src="{src or html.escape(image.src)}" alt="{alt}"{title}{size}{srcset} '
           'loading="lazy" decoding="async">')
    if not webp:
        return tag
    return f'<picture><source type="image/webp" srcset="{webp}" sizes="{SIZES}">{tag}</picture>'


def with_figures(body_html: str, figures: tuple[Image, ...]) -> str:
    """The body's HTML with every picture of `figures` given its markup."""
    if not figures:
        return body_html
    by_src = {image.src: image for image in figures}

    def replace(match: re.Match[str]) -> str:
        image = by_src.get(unquote(match.group(1)))
        if image is None:
            return match.group(0)
        return figure_markup(image, match.group(2), match.group(3) or "", match.group(1))

    return IMG.sub(replace, body_html)


def figures_digest(body_digest: str, figures: tuple[Image, ...]) -> str:
    """The body's digest, changed when a picture in it changes."""
    if not figures:
        return body_digest
    return digest([body_digest, *(f"{f.path}:{f.hash}" for f in figures)])
