"""Typed readers for front-matter values, one per kind of field.

Each reader takes the YAML node as the editor wrote it and either returns a value of the
right type or records a problem naming the key and its line. Scalars are read from the
text the editor typed, so YAML's guesses (yes/no as booleans, 2021 as a number) never
reach the site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

import yaml

from sitegen.errors import Problem, error, warning
from sitegen.load.frontmatter import Entry
from sitegen.slugs import is_slug

NULL_TAG = "tag:yaml.org,2002:null"
# Plausible years for news: anything else is a typing error (0221 for 2021), and the
# extremes (0001, 9999) cannot even be moved to another time zone without overflowing.
YEARS = (1900, 2999)
DATE_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference to a person or cluster id, with the line it was written on."""

    id: str
    line: int


# Characters no text of a page or a contact card may hold: C0 controls but tab and
# newline, DEL, and the two non-characters. YAML lets them in through escapes in quoted
# texts ("\u0007"), and they would reach every page and vCard as they are.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


class FieldReader:
    """Reads the fields of one file; problems accumulate in `problems`."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def fail(self, entry: Entry, message: str, hint: str = "", line: int | None = None) -> None:
        self.problems.append(error(self.path, line or entry.line, message, hint))

    @staticmethod
    def _is_null(node: yaml.Node) -> bool:
        """Nothing, '~' or 'null' written plain (not in quotes): the key has no value.

        PyYAML marks a plain scalar with style None, libyaml's composer with ''.
        """
        return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG and not node.style

    def text(self, entry: Entry | None, required: bool = False) -> str | None:
        """A one-line or multi-line text; numbers and yes/no stay as written."""
        if entry is None or self._is_null(entry.node):
            if entry is not None and required:
                self.fail(entry, f"'{entry.key}' is empty", f"write a value after '{entry.key}:'")
            return None
        if not isinstance(entry.node, yaml.ScalarNode):
            self.fail(entry, f"'{entry.key}' must be a text, not a list or a table",
                      f"write it on one line: {entry.key}: ...")
            return None
        value = str(entry.node.value).strip()
        if value and not self.clean(entry, value):
            return None  # the control character is reported
        if not value:
            if required:
                self.fail(entry, f"'{entry.key}' is empty", f"write a value after '{entry.key}:'")
            return None
        return value

    def clean(self, entry: Entry, value: str, line: int | None = None) -> str:
        """The value, or "" with an error when it holds a control character."""
        found = CONTROL.search(value)
        if found is None:
            return value
        self.fail(entry, f"'{entry.key}' contains a control character "
                  f"(U+{ord(found.group()):04X})", "delete it: such characters come with "
                  "text copied from other programs, or from an escape such as \\u0007",
                  line=line)
        return ""

    def localized(self, entry: Entry | None, languages: tuple[str, ...]) -> dict[str, str]:
        """A text for all languages, or a table with one text per language code."""
        if entry is None or self._is_null(entry.node):
            return {}
        if isinstance(entry.node, yaml.MappingNode):
            result: dict[str, str] = {}
            for key_node, value_node in entry.node.value:
                code = str(key_node.value)
                line = key_node.start_mark.line + 2
                if code not in languages:
                    self.fail(entry, f"'{entry.key}' has a text for unknown language '{code}'",
                              f"use one of: {', '.join(languages)}", line=line)
                elif not isinstance(value_node, yaml.ScalarNode):
                    self.fail(entry, f"'{entry.key}.{code}' must be a text", line=line)
                elif text := self.clean(entry, str(value_node.value).strip(), line):
                    result[code] = text
            return result
        value = self.text(entry)
        return {code: value for code in languages} if value else {}

    def flag(self, entry: Entry | None) -> bool:
        if entry is None or self._is_null(entry.node):
            return False
        raw = str(getattr(entry.node, "value", "")).strip().lower()
        if isinstance(entry.node, yaml.ScalarNode) and raw in ("true", "false", "yes", "no"):
            return raw in ("true", "yes")
        self.fail(entry, f"'{entry.key}' must be true or false", f"write {entry.key}: true")
        return False

    def words(self, entry: Entry | None) -> tuple[tuple[str, int], ...]:
        """A list of words: `[a, b]`, a '- a' list, or one word (never split into letters)."""
        if entry is None or self._is_null(entry.node):
            return ()
        node = entry.node
        if isinstance(node, yaml.ScalarNode):
            items = [(part.strip(), entry.line) for part in str(node.value).split(",")]
        elif isinstance(node, yaml.SequenceNode):
            items = []
            for item in node.value:
                line = item.start_mark.line + 2
                if not isinstance(item, yaml.ScalarNode):
                    self.fail(entry, f"each item of '{entry.key}' must be a single word",
                              line=line)
                    continue
                items.append((str(item.value).strip(), line))
        else:
            self.fail(entry, f"'{entry.key}' must be a list such as [a, b]")
            return ()
        cleaned = [(self.clean(entry, word, line), line) for word, line in items if word]
        return tuple((word, line) for word, line in cleaned if word)

    def ids(self, entry: Entry | None) -> tuple[Ref, ...]:
        """A list of person or cluster ids, each checked to be a valid id."""
        refs = []
        for word, line in self.words(entry):
            if is_slug(word):
                refs.append(Ref(word, line))
            else:
                assert entry is not None
                self.fail(entry, f"'{word}' in '{entry.key}' is not a valid id",
                          "ids are the file names in content/people or content/clusters "
                          "without '.md': lower-case letters, digits and '-'", line=line)
        return tuple(refs)

    def slug(self, entry: Entry | None) -> str | None:
        value = self.text(entry)
        if value is not None and not is_slug(value):
            assert entry is not None
            self.fail(entry, f"slug '{value}' is not a valid slug",
                      "use lower-case a-z, digits and '-', e.g. slug: mission-possible")
            return None
        return value

    def moment(self, entry: Entry | None, tz: tzinfo, required: bool = False) -> datetime | None:
        """A date or date and time, made timezone-aware in the language's zone."""
        if entry is None or self._is_null(entry.node):
            return None
        value = self.text(entry, required=required)
        if value is None:
            return None
        parsed = parse_moment(value, tz)
        if parsed is None:
            self.fail(entry, f"'{entry.key}: {value}' is not a valid date",
                      "write it as 2021-11-01 or 2021-11-01 09:00 (optionally +01:00 or Z)")
        elif not YEARS[0] <= parsed.year <= YEARS[1]:
            self.fail(entry, f"'{entry.key}: {value}' has a year outside {YEARS[0]}-{YEARS[1]}",
                      "check the year for a typing error")
            return None
        else:
            self._check_clock(entry, value, parsed, tz)
        return parsed

    def _check_clock(self, entry: Entry, value: str, parsed: datetime, tz: tzinfo) -> None:
        """Warn when the time written is not the time the editor meant: an offset that
        is not the zone's at that moment (+02:00 written in a Copenhagen winter), or a
        local time the clocks skip when summer time begins."""
        place = zone_place(tz)
        if parsed.tzinfo is not tz:  # an offset was written
            local = parsed.astimezone(tz)
            if local.utcoffset() != parsed.utcoffset():
                match = DATE_RE.match(value.strip())
                written = match.group(7) if match else "the offset"
                self.problems.append(warning(
                    self.path, entry.line,
                    f"'{entry.key}: {value}': {written} on {local.day} {local:%B} is "
                    f"{local:%H:%M} in {place}, not {parsed:%H:%M}",
                    "write the time without an offset: it is then taken in the "
                    f"language's time zone ({place})", code="time-offset"))
            return
        real = datetime.fromtimestamp(parsed.timestamp(), tz)
        if (real.hour, real.minute) != (parsed.hour, parsed.minute):
            self.problems.append(warning(
                self.path, entry.line,
                f"'{entry.key}: {value}': {parsed:%H:%M} does not exist in {place} on "
                f"that day (the clocks go forward); it is taken as {real:%H:%M}",
                "choose a time before or after the change of clocks", code="time-skipped"))


def zone_place(tz: tzinfo) -> str:
    """'Europe/Copenhagen' -> 'Copenhagen', for messages."""
    name = str(getattr(tz, "key", tz))
    return name.rsplit("/", 1)[-1].replace("_", " ")


def parse_moment(value: str, tz: tzinfo) -> datetime | None:
    """Parse the date forms of the content format; None when it is not one."""
    match = DATE_RE.match(value.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, offset = match.groups()
    try:
        moment = datetime.combine(
            date(int(year), int(month), int(day)),
            time(int(hour or 0), int(minute or 0), int(second or 0)),
        )
    except ValueError:
        return None
    if offset is None:
        return moment.replace(tzinfo=tz)
    if offset == "Z":
        return moment.replace(tzinfo=UTC)
    sign = 1 if offset[0] == "+" else -1
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        return None
    return moment.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))
