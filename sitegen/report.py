"""Build statistics as data; the CLI turns them into the summary table.

Every number means the same on every build of the same sources, whichever path the
engine took (a full build, an incremental one, the quick path or a no-op that returns
the stored report): counts of what the site holds, never of what this run happened to
redo. The one exception, `copied`, is not in the summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sitegen.errors import Problem

LABEL = 20  # the width of the summary's first column


@dataclass(frozen=True, slots=True)
class BuildReport:
    pages: dict[str, int] = field(default_factory=dict)  # language code ('-' for neutral)
    # The content's articles per language, by what they are at the build's moment
    # (whatever a preview shows): public, `draft: true`, or held by the clock (a date in
    # the future or the story's `embargo:`).
    articles: dict[str, int] = field(default_factory=dict)
    drafts: dict[str, int] = field(default_factory=dict)
    embargoed: dict[str, int] = field(default_factory=dict)
    feeds: int = 0
    people: int = 0
    clusters: int = 0
    # Files this run copied (an incremental build copies only changes, a no-op reports
    # the last run's): not in the summary, where `files` says what the site holds.
    copied: int = 0
    seconds: float = 0.0
    output: str = ""
    problems: tuple[Problem, ...] = ()
    files: int = 0  # files published as they are (media, static/, theme): all of them
    # Drafts and embargoed articles a preview (--drafts, --future) shows, with a banner.
    shown_drafts: int = 0
    shown_embargoed: int = 0
    # Article bodies by parser: "" markdown-it-pyrs, else why markdown-it-py parsed them.
    parsers: dict[str, int] = field(default_factory=dict)

    def parser_line(self) -> str:
        """`--verbose`: how many bodies the fast parser took, and why others not."""
        total = sum(self.parsers.values())
        if not total:
            return ""
        fast = self.parsers.get("", 0)
        others = sorted(((n, why) for why, n in self.parsers.items() if why),
                        key=lambda item: (-item[0], item[1]))
        reasons = ", ".join(f"{why}: {n:,}" for n, why in others)
        return (f"Markdown: {total:,} bodies; {fast:,} parsed by markdown-it-pyrs, "
                f"{total - fast:,} by markdown-it-py{f' ({reasons})' if reasons else ''}")

    @property
    def warnings(self) -> int:
        return sum(not p.is_error for p in self.problems)

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    def summary(self) -> str:
        codes = [c for c in self.pages if c != "-"]
        by_language = [("Articles: published", self.articles), ("          drafts", self.drafts),
                       ("          embargoed", self.embargoed), ("Pages", self.pages)]
        singles = [("Site-wide files", str(self.pages.get("-", 0))),
                   ("Feeds", str(self.feeds)), ("People", str(self.people)),
                   ("Clusters", str(self.clusters)),
                   ("Files copied as-is", f"{self.files} (media, static and theme files)")]
        width = max([len(c) for c in codes]
                    + [len(str(values.get(c, 0))) for _, values in by_language for c in codes]
                    + [4])
        head = " " * LABEL + " | ".join(c.upper().rjust(width) for c in codes)
        lines = [head, "-" * len(head)]
        for label, values in by_language:
            lines.append(label.ljust(LABEL) + " | ".join(
                str(values.get(c, 0)).rjust(width) for c in codes))
        for label, value in singles:
            number, _, note = value.partition(" ")
            lines.append((label.ljust(LABEL) + number.rjust(width) + " " + note).rstrip())
        lines += ["", *self._notes(), f"Built in {self.seconds * 1000:.0f} ms, "
                  f"{_count(self.warnings, 'warning')}"
                  + (" (printed above)" if self.warnings else "")]
        return "\n".join(lines)

    def _notes(self) -> list[str]:
        """What the counts of drafts and embargoed articles mean for this build."""
        if self.shown_drafts or self.shown_embargoed:
            shown = [_count(n, what) for n, what in ((self.shown_drafts, "draft"),
                                                     (self.shown_embargoed, "embargoed article"))
                     if n]
            each = "each " if self.shown_drafts + self.shown_embargoed > 1 else ""
            return [f"A preview: it shows {' and '.join(shown)}, {each}with a banner. "
                    "Do not publish it."]
        if sum(self.drafts.values()) or sum(self.embargoed.values()):
            return ["Drafts and embargoed articles are not published: sitegen status "
                    "lists them."]
        return []


def _count(n: int, what: str) -> str:
    """'1 warning', '2 warnings'; 'embargoed article' -> 'embargoed articles'."""
    return f"{n} {what}" if n == 1 else f"{n} {what}s"
