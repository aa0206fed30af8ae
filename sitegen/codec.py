"""Records as plain data: JSON that can only ever decode into values, never into code.

The build store keeps parsed front matter, rendered bodies and build reports between
runs. They used to be pickles, and a pickle is a program: a crafted file in
`.sitegen-cache/` ran code on the machine that built the site. This encoding names only
classes from a fixed list (`RECORD_TYPES`) and rebuilds them from field values, so the
worst a tampered row can do is fail to decode, which the store treats as a miss.

The JSON is tagged so that tuples, datetimes with their zone and enums come back as
they went in (equality of records is how an incremental build recognises unchanged
input, so the round trip must be exact).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from sitegen.errors import Problem, Severity
from sitegen.report import BuildReport


class DecodeError(ValueError):
    """The text is not an encoding of known records: treat it as missing."""


# The only classes a stored value can become. Adding a record type means adding it here.
# A build's state needs only the first two; the rest (and the modules they come from,
# Markdown's among them) are imported when a record of theirs is first met, so that a
# no-op build stays light.
RECORD_TYPES: dict[str, type] = {cls.__name__: cls for cls in (Problem, BuildReport)}
ENUM_TYPES: dict[str, type[Enum]] = {"Severity": Severity}
_FIELDS: dict[type, tuple[str, ...]] = {}


def _all_records() -> None:
    from sitegen.images.probe import ImageInfo
    from sitegen.load.content import CachedFile
    from sitegen.load.fields import Ref
    from sitegen.load.records import ArticleSource, ClusterSource, PersonSource
    from sitegen.markdown import BrokenLink, RenderedBody
    from sitegen.model import Article, Asset, Cluster, Image, Listings, Person, Tag, Variant
    from sitegen.resolve.links import LinkTargets

    for cls in (ArticleSource, PersonSource, ClusterSource, Ref, CachedFile, RenderedBody,
                BrokenLink, Article, Asset, Cluster, Image, Listings, Person, Tag,
                LinkTargets, ImageInfo, Variant):
        RECORD_TYPES[cls.__name__] = cls


def _fields(cls: type) -> tuple[str, ...] | None:
    """The field names a record class is stored by; None if it is not one."""
    found = _FIELDS.get(cls)
    if found is None:
        if cls.__name__ not in RECORD_TYPES and dataclasses.is_dataclass(cls):
            _all_records()
        if RECORD_TYPES.get(cls.__name__) is not cls:
            return None
        found = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return found


def _record_type(name: str) -> type | None:
    if name not in RECORD_TYPES:
        _all_records()
    return RECORD_TYPES.get(name)


def _zone(tz: Any) -> Any:
    if isinstance(tz, ZoneInfo):
        return tz.key
    if tz is UTC:
        return "UTC"
    offset = tz.utcoffset(None) if tz is not None else None
    if offset is None:
        raise TypeError(f"cannot store the time zone {tz!r}")
    return offset.total_seconds()


def _to_data(value: Any) -> Any:
    """`value` as JSON-ready data. How a value is written depends on its type alone, so
    the way is worked out once per type (`_way_for`) and then looked up: the build
    store writes about a million values in a cold build at 5,000 articles a language."""
    cls = type(value)
    way = _WAYS.get(cls)
    if way is None:
        way = _way_for(cls, value)
        if way is None:
            raise TypeError(f"cannot store a {cls.__name__}")
        _WAYS[cls] = way
    return way(value)


def _as_is(value: Any) -> Any:
    return value


def _tuple(value: tuple[Any, ...]) -> Any:
    return {"(": [_to_data(v) for v in value]}


def _list(value: list[Any]) -> Any:
    return [_to_data(v) for v in value]


def _dict(value: dict[Any, Any]) -> Any:
    return {"{": [[_to_data(k), _to_data(v)] for k, v in value.items()]}


def _frozenset(value: frozenset[Any]) -> Any:
    return {"f": sorted(_to_data(v) for v in value)}


def _enum(value: Enum) -> Any:
    return {"e": [type(value).__name__, value.value]}


def _datetime_data(value: datetime) -> Any:
    naive = value.replace(tzinfo=None).isoformat()
    return {"t": [naive, value.fold, _zone(value.tzinfo) if value.tzinfo else None]}


def _record_way(name: str, names: tuple[str, ...]) -> Callable[[Any], Any]:
    def record(value: Any) -> Any:
        return {"@": name, "v": [_to_data(getattr(value, n)) for n in names]}
    return record


_WAYS: dict[type, Callable[[Any], Any]] = {}


def _way_for(cls: type, value: Any) -> Callable[[Any], Any] | None:
    """How values of `cls` are written; the checks in the order that decides (a str
    enum is written as its str, a record as a record even if it is also a tuple)."""
    if value is None or isinstance(value, bool | int | float | str):
        return _as_is
    if isinstance(value, Enum):
        return _enum
    names = _fields(cls) if dataclasses.is_dataclass(value) else None
    if names is not None:
        return _record_way(cls.__name__, names)
    for kind, way in ((tuple, _tuple), (list, _list), (dict, _dict), (frozenset, _frozenset),
                      (datetime, _datetime_data)):
        if isinstance(value, kind):
            return way  # type: ignore[return-value]
    return None


def _tz(spec: Any) -> Any:
    if spec is None:
        return None
    if spec == "UTC":
        return UTC
    if isinstance(spec, str):
        return ZoneInfo(spec)
    return timezone(timedelta(seconds=float(spec)))


def _record(data: dict[str, Any]) -> Any:
    cls = _record_type(data["@"]) if isinstance(data["@"], str) else None
    values = data.get("v")
    names = _fields(cls) if cls is not None else None
    if names is None or not isinstance(values, list) or len(values) != len(names):
        raise DecodeError(f"unknown record {data['@']!r}")
    return cls(*values)


def _datetime(body: list[Any]) -> datetime:
    naive, fold, zone = body
    return datetime.fromisoformat(naive).replace(tzinfo=_tz(zone), fold=int(fold))


def _enum(body: list[Any]) -> Enum:
    name, value = body
    return ENUM_TYPES[name](value)


_TAGS = {
    "(": tuple,
    "{": lambda body: {k: v for k, v in body},
    "f": frozenset,
    "t": _datetime,
    "e": _enum,
}


def _hook(data: dict[str, Any]) -> Any:
    """Called by the JSON parser for every object, innermost first: so each tagged value
    is rebuilt from parts that are already values, at the parser's speed."""
    if "@" in data:
        return _record(data)
    if len(data) != 1:
        raise DecodeError("not a stored value")
    (tag, body), = data.items()
    make = _TAGS.get(tag)
    if make is None or not isinstance(body, list):
        raise DecodeError(f"unknown tag {tag!r}")
    return make(body)


def encode(value: Any) -> str:
    """A value made of records, tuples, dicts, datetimes and scalars, as JSON text."""
    return json.dumps(_to_data(value), ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> Any:
    """The value `encode` gave `text`; DecodeError for anything else."""
    try:
        return json.loads(text, object_hook=_hook)
    except DecodeError:
        raise
    except Exception as exc:  # bad JSON, wrong shapes, unknown zones, wrong field types
        raise DecodeError(str(exc)) from exc
