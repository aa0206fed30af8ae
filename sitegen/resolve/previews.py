"""Embargo previews: a story under embargo, built for sign-off at a secret address.

A story whose front matter says `preview: true` gets, while it is held, each of its
versions built at `/<lang>/forhaandsvisning/<token>/` (Norwegian: `forhandsvisning`).
The token is an HMAC of the story's key under a secret that only the build's
environment holds (SITEGEN_PREVIEW_SECRET), so that reading the repository does not
reveal the address. Nothing links to a preview: the previews live in `Site.previews`,
which only the preview page kind reads (no list, feed, sitemap, search index or
hreflang looks there), and a preview's pictures that only embargoed stories use are
copied under the preview's own address, never to /media/ before the lift.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sitegen import urls
from sitegen.errors import Problem, error
from sitegen.load.records import ArticleSource
from sitegen.model import Article, Asset
from sitegen.resolve.links import LinkTargets
from sitegen.resolve.schedule import Schedule, translation_key

SECRET_VARIABLE = "SITEGEN_PREVIEW_SECRET"
SECRET_MINIMUM = 16  # characters: shorter secrets can be guessed from the addresses
SECRET_HINT = (f"set {SECRET_VARIABLE} in the environment of the build to a long random "
               f"text kept out of the repository, e.g. export {SECRET_VARIABLE}="
               "$(openssl rand -hex 32); or remove 'preview: true'")


def token(secret: str, story: str) -> str:
    """The story's preview token: 26 characters (130 bits) of HMAC-SHA256."""
    mac = hmac.new(secret.encode("utf-8"), f"sitegen-preview\0{story}".encode(),
                   hashlib.sha256).digest()
    return base64.b32encode(mac).decode("ascii").lower()[:26]


def wanted(articles: Sequence[ArticleSource], schedule: Schedule,
           now: datetime) -> list[ArticleSource]:
    """The versions that get a preview: held by the clock (not drafts), in a story of
    which some version asks for one."""
    asked = {translation_key(a) for a in articles if a.preview}
    return sorted((a for a in articles if translation_key(a) in asked
                   and schedule.embargoed(a, now)), key=lambda a: a.path)


def address(secret: str, article: ArticleSource) -> str:
    return urls.preview(article.lang, token(secret, translation_key(article)))


def usable(secret: str | None) -> bool:
    return secret is not None and len(secret) >= SECRET_MINIMUM


def secret_problems(versions: Sequence[ArticleSource], secret: str | None) -> list[Problem]:
    """An error on each file asking for a preview when there is no usable secret."""
    if usable(secret):
        return []
    reason = ("there is no secret to make its address from" if not secret else
              f"the secret in {SECRET_VARIABLE} is shorter than {SECRET_MINIMUM} characters")
    return [error(a.path, a.preview_line, f"'preview: true' asks for an embargo preview, "
                  f"but {reason}", SECRET_HINT, code="preview-secret")
            for a in versions if a.preview]


@dataclass(frozen=True, slots=True)
class PreviewInputs:
    """What making the previews needs from resolve."""

    targets: LinkTargets  # the published site's link table
    withheld: frozenset[str]  # media only unpublished stories use
    media_paths: Mapping[str, tuple[str, ...]]  # source path -> media its body or image uses
    sizes: Mapping[str, int]  # media path -> bytes


MakeArticle = Callable[[ArticleSource, LinkTargets], "Article | None"]


def previews(versions: Sequence[ArticleSource], secret: str, inputs: PreviewInputs,
             make: MakeArticle) -> tuple[dict[str, Article], tuple[Asset, ...]]:
    """Preview articles (keyed "preview:<lang>/<rel>") and the media copied for them.

    `make(source, targets)` is resolve's own article maker, given the preview's link
    table: links to other previewed stories lead to their previews, links to other
    embargoed ones wait, and withheld media lead to the copies under the preview."""
    addresses = {a.path.removeprefix("content/"): address(secret, a) for a in versions}
    found: dict[str, Article] = {}
    assets: list[Asset] = []
    for source in versions:
        url = addresses[source.path.removeprefix("content/")]
        moved = {path: f"{url}{path}" for path in inputs.media_paths.get(source.path, ())
                 if path in inputs.withheld}
        targets = replace(inputs.targets,
                          article_urls={**inputs.targets.article_urls, **addresses},
                          waiting=inputs.targets.waiting - set(addresses),
                          media_urls=moved)
        article = make(source, targets)
        if article is None:
            continue
        image = article.image
        if image is not None and source.image in moved:
            # No copies: they would be published under /images/ before the lift.
            image = replace(image, src=moved[source.image], variants=())
        found["preview:" + article.key] = replace(
            article, key="preview:" + article.key, url=url, image=image, translations={})
        assets += [Asset(target, f"content/{path}", inputs.sizes[path])
                   for path, target in sorted(moved.items())]
    return found, tuple(assets)
