"""Build statistics as data; the CLI turns them into the summary table."""

from __future__ import annotations

from dataclasses import dataclass, field

from sitegen.errors import Problem


@dataclass(frozen=True, slots=True)
class BuildReport:
    pages: dict[str, int] = field(default_factory=dict)  # language code ('-' for neutral)
    articles: dict[str, int] = field(default_factory=dict)
    feeds: int = 0
    people: int = 0
    clusters: int = 0
    copied: int = 0
    seconds: float = 0.0
    output: str = ""
    problems: tuple[Problem, ...] = ()

    @property
    def warnings(self) -> int:
        return sum(not p.is_error for p in self.problems)

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    def summary(self) -> str:
        codes = [c for c in self.pages if c != "-"]
        width = max([len(c) for c in codes] + [2])
        head = " " * 20 + " | ".join(c.upper().rjust(width + 2) for c in codes)
        rows = [
            ("Articles", self.articles), ("Pages", self.pages),
        ]
        lines = [head, "-" * len(head)]
        for label, values in rows:
            lines.append(label.ljust(20) + " | ".join(
                str(values.get(c, 0)).rjust(width + 2) for c in codes))
        lines += [
            f"{'Other files':20}{self.pages.get('-', 0)}",
            f"{'Feeds':20}{self.feeds}",
            f"{'People':20}{self.people}",
            f"{'Clusters':20}{self.clusters}",
            f"{'Files copied':20}{self.copied}",
            f"{'Warnings':20}{self.warnings}",
            "",
            f"Built in {self.seconds * 1000:.0f} ms",
        ]
        return "\n".join(lines)
