"""Problems found in a site, reported to editors as `path:line: message`.

Every step collects problems instead of raising, so that one run shows an editor
all that is wrong at once. Only the CLI prints them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):  # noqa: UP042 (str values print as themselves in JSON)
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with the site, located as precisely as we can.

    `path` is relative to the site root (posix separators) so that the message reads
    the same on every machine; `line` is 1-based, or None when no line applies.
    """

    path: str
    line: int | None
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR
    code: str = "error"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "" if self.is_error else "warning: "
        text = f"{where}: {prefix}{self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


def error(
    path: str, line: int | None, message: str, hint: str = "", code: str = "error"
) -> Problem:
    return Problem(path, line, message, hint, Severity.ERROR, code)


def warning(
    path: str, line: int | None, message: str, hint: str = "", code: str = "warning"
) -> Problem:
    return Problem(path, line, message, hint, Severity.WARNING, code)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest choice to a misspelt word, for 'did you mean ...?' hints.

    Two-letter words get a lower bar: 'dk' for 'da' or 'nb' for 'no' share one letter of
    two, a ratio of 0.5, and are exactly the language folders editors get wrong.
    """
    cutoff = 0.5 if len(word) <= 2 else 0.6
    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def suggestion(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' or '' when nothing is close."""
    close = did_you_mean(word, choices)
    return f" (did you mean '{close}'?)" if close else ""


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Stable, readable order: by file, then line; duplicates dropped."""
    unique = set(problems)
    return sorted(unique, key=lambda p: (p.path, p.line or 0, p.message))


class BuildFailed(Exception):
    """Raised between pipeline steps when errors make going on pointless."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{sum(p.is_error for p in problems)} error(s)")
        self.problems = problems
