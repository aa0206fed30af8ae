"""Clusters and organisations: the index, a cluster's page and its feed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sitegen import urls
from sitegen.kinds.base import Frame, Reads, Slice
from sitegen.kinds.feeds import SubjectFeed
from sitegen.kinds.html import HtmlKind
from sitegen.model import Article, Cluster, Site
from sitegen.plan.pages import Page
from sitegen.render import queries
from sitegen.render.context import Feed, text_view


@dataclass(frozen=True, slots=True)
class ClustersReads(Reads):
    clusters: Slice  # every cluster, by name


class Clusters(HtmlKind[ClustersReads]):
    name = "clusters"
    section, section_index = "clusters", True
    index = staticmethod(urls.clusters_index)

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        yield self.page(urls.clusters_index(lang or ""), lang)

    def reads(self, site: Site, page: Page) -> ClustersReads:
        return ClustersReads(Slice("clusters", tuple(
            sorted(site.clusters.values(), key=lambda c: c.name.casefold()))))

    def context(self, frame: Frame, page: Page, reads: ClustersReads) -> dict[str, Any]:
        return {"clusters": list(reads.clusters.items)}


@dataclass(frozen=True, slots=True)
class ClusterReads(Reads):
    cluster: Cluster
    members: Slice  # its people, by name
    articles: Slice  # its news in the page's language, newest first


class ClusterKind(HtmlKind[ClusterReads]):
    name = "cluster"
    section = "clusters"

    def plan(self, site: Site, lang: str | None) -> Iterator[Page]:
        for ident, cluster in sorted(site.clusters.items()):
            yield self.page(urls.cluster(lang or "", ident), lang, subject=ident,
                            source=cluster.source)

    def reads(self, site: Site, page: Page) -> ClusterReads:
        lang = page.lang or ""
        return ClusterReads(site.clusters[page.subject],
                            Slice(f"members:{page.subject}",
                                  queries.cluster_people(site, page.subject)),
                            Slice(f"list:{lang}:cluster:{page.subject}",
                                  queries.cluster_articles(site, lang, page.subject)))

    def context(self, frame: Frame, page: Page, reads: ClusterReads) -> dict[str, Any]:
        return {"cluster": reads.cluster, "articles": reads.articles.items,
                "people": reads.members.items,
                "text": text_view(frame.config, reads.cluster.text_in(page.lang or ""),
                                  page.lang or "")}

    def shown(self, reads: ClusterReads) -> Sequence[Article]:
        return reads.articles.items  # type: ignore[return-value]

    def alternate(self, code: str, page: Page, reads: ClusterReads) -> tuple[str, bool]:
        return urls.cluster(code, page.subject), True

    def own_feeds(self, frame: Frame, page: Page, reads: ClusterReads) -> list[Feed]:
        return [Feed(reads.cluster.name, urls.cluster_feed(page.lang or "", page.subject))]

    def title(self, frame: Frame, page: Page, reads: ClusterReads) -> str:
        return reads.cluster.name

    def description(self, frame: Frame, page: Page, reads: ClusterReads) -> str:
        return reads.cluster.description_in(page.lang or "")


class ClusterFeed(SubjectFeed):
    name = "cluster_feed"
    subject_kind = "cluster"
    feed_url = staticmethod(urls.cluster_feed)
    html_url = staticmethod(urls.cluster)

    def subjects(self, site: Site) -> Mapping[str, Cluster]:
        return site.clusters

    def articles(self, site: Site, lang: str, ident: str) -> tuple[Article, ...]:
        return queries.cluster_articles(site, lang, ident)

    def about(self, subject: Cluster, lang: str) -> str:
        return subject.description_in(lang)


CLUSTERS = Clusters()
CLUSTER = ClusterKind()
CLUSTER_FEED = ClusterFeed()
