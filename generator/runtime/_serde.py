"""Wire <-> Python helpers the generated models call: exact round trips, lenient decoding.

Hand-written and spec-independent; copied verbatim into every generated package.
Decoding never validates (the compiled validators do that) and never crashes on drift:
unknown enum values, unparseable timestamps and nulls are kept as they came.

Decoding is one pass and cheap on the common path: the generated ``from_dict`` reads each
declared key once, only an object with unknown keys or nulls pays for collecting them
(`keep_rest`), and a timestamp field is ``datetime.fromisoformat`` (C speed) with its wire text
kept in a private attribute of the model (`read_datetime`/`dump_datetime`); timestamps in
lists, maps and unions keep theirs in a `WireDateTime` unless already canonical
(`to_datetime`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)

_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))?"
)
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class DecodeError(ValueError):
    """A payload whose shape cannot become the requested model (e.g. a string for an object)."""

    def __init__(self, model: str, value: object) -> None:
        super().__init__(
            f"cannot decode {type(value).__name__} as {model}: expected a JSON object"
        )
        self.model = model
        self.value = value


class WireDateTime(datetime):
    """A timezone-aware datetime that remembers its exact wire text, so it re-encodes unchanged."""

    __slots__ = ("wire",)
    wire: str


class WireDate(date):
    """A date that remembers its exact wire text."""

    __slots__ = ("wire",)
    wire: str


class OpenStrEnum(enum.StrEnum):
    """A string enum that keeps values the spec did not list instead of failing."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member


class OpenIntEnum(enum.IntEnum):
    """An integer enum that keeps values the spec did not list instead of failing."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        member = int.__new__(cls, value)
        member._name_ = str(value)
        member._value_ = value
        return member


NO_NULLS: frozenset[str] = frozenset()
"""The null keys of an object that had none (shared: frozensets are immutable)."""


class _LazyExtras:
    """A model's ``extra_fields``: its dict is made on first access, so decoding an object
    with no unknown keys allocates none (a dict each was a tenth of the decoding cost).
    """

    __slots__ = ("slot",)

    def __init__(self, slot: Any) -> None:
        self.slot = slot

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        try:
            return self.slot.__get__(obj, owner)
        except AttributeError:  # never set: decoded with no unknown keys
            extra: dict[str, Any] = {}
            self.slot.__set__(obj, extra)
            return extra

    def __set__(self, obj: Any, value: Any) -> None:
        self.slot.__set__(obj, value)

    def __delete__(self, obj: Any) -> None:
        self.slot.__delete__(obj)


def lazy_extras(cls: type[T]) -> type[T]:
    """Make a slotted model's ``extra_fields`` slot fill itself on first access."""
    setattr(cls, "extra_fields", _LazyExtras(vars(cls)["extra_fields"]))
    return cls


fromisoformat = datetime.fromisoformat
"""What the generated ``from_dict`` parses timestamp fields with on its fast path."""
_fromisoformat = fromisoformat


def read_datetime(value: Any) -> Any:
    """Decode a timestamp *field*: the model keeps its wire text beside it (``_cg_wire_*``).

    Any text ``datetime.fromisoformat`` reads as an aware datetime (RFC 3339 and the other
    ISO 8601 spellings with an offset) becomes a plain datetime at C speed; `dump_datetime`
    gives the wire text back. Everything else goes through `to_datetime`.
    """
    if type(value) is str:
        try:
            parsed = _fromisoformat(value)
        except ValueError:
            return wire_datetime(value)
        if parsed.tzinfo is not None:
            return parsed
    return wire_datetime(value)


def dump_datetime(value: Any, wire: Any) -> Any:
    """Encode a timestamp field: its wire text while it still names the decoded instant and
    offset (so an unchanged field re-encodes byte for byte), else the RFC 3339 form."""
    if type(wire) is str:
        try:
            decoded = _fromisoformat(wire)
        except ValueError:  # odd text: the value is a WireDateTime or that text
            return dump(value)
        # A naive value never equals an aware one; "Z" always parses to the same tzinfo.
        if decoded == value and (
            decoded.tzinfo is value.tzinfo or decoded.utcoffset() == value.utcoffset()
        ):
            return wire
    if value.__class__ is datetime:
        return format_datetime(value)
    return dump(value)


def to_datetime(value: Any) -> Any:
    """Parse an RFC 3339 timestamp; anything else is returned unchanged.

    For timestamps with no model slot to keep their text (inside lists, maps, unions): the
    canonical spelling ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (fraction not all zero) is exactly what
    `format_datetime` writes, so it becomes a plain datetime; every other spelling becomes a
    `WireDateTime` that remembers its text.
    """
    if (
        type(value) is str
        and len(value) == 27
        and value[26] == "Z"
        and value[10] == "T"
        and value[19] == "."
        and value[4] == "-"
        and value[7] == "-"
        and value[13] == ":"
        and value[16] == ":"
    ):
        try:
            parsed = _fromisoformat(value)
        except ValueError:  # e.g. month 13, a leap second: not for the fast path
            return wire_datetime(value)
        if parsed.microsecond:
            return parsed
    return wire_datetime(value)


def wire_datetime(value: Any) -> Any:
    """Parse an RFC 3339 timestamp into a `WireDateTime` keeping its exact text (a bare time
    is read as UTC); anything else is returned unchanged."""
    if not isinstance(value, str):
        return value
    match = _DATETIME.fullmatch(value)
    if match is None:
        return value
    year, month, day, hour, minute, second, fraction, zulu, sign, oh, om = (
        match.groups()
    )
    if fraction is None:
        micro = 0
    else:
        micro = int(fraction[:6].ljust(6, "0"))
    leap = (
        second == "60"
    )  # datetime cannot hold a leap second; keep the wire text exact
    try:
        if sign is not None:  # an offset of 24 hours or more is refused here
            offset = timedelta(hours=int(oh), minutes=int(om))
            tz = timezone(-offset if sign == "-" else offset)
        else:
            tz = timezone.utc  # RFC 3339 requires an offset; a bare time is read as UTC
        parsed = WireDateTime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            59 if leap else int(second),
            micro,
            tz,
        )
    except ValueError:
        return value
    parsed.wire = value
    return parsed


def to_date(value: Any) -> Any:
    """Parse a full-date (YYYY-MM-DD); anything else is returned unchanged."""
    if not isinstance(value, str) or _DATE.fullmatch(value) is None:
        return value
    try:
        parsed = WireDate(int(value[:4]), int(value[5:7]), int(value[8:10]))
    except ValueError:
        return value
    parsed.wire = value
    return parsed


def to_enum(cls: type[E], value: Any) -> Any:
    """Return the enum member for a value (unknown values become open members or stay raw)."""
    if value is None:
        return None
    try:
        return cls(value)
    except ValueError:
        return value


def keep_rest(value: Any, data: Mapping[str, Any], declared: frozenset[str]) -> None:
    """Record what a decoded object needs beyond its fields: unknown keys and null keys."""
    if not data.keys() <= declared:  # else extra_fields is made when first read
        value.extra_fields = {k: v for k, v in data.items() if k not in declared}
    if None in data.values():
        value._cg_nulls = frozenset([k for k, v in data.items() if v is None])
    else:
        value._cg_nulls = NO_NULLS


def to_model(decode: Callable[[Mapping[str, Any]], T], value: Any) -> Any:
    """Decode a nested object, passing null (and non-objects) through untouched."""
    if isinstance(value, Mapping):
        return decode(value)
    return value


def to_list(value: Any, item: Callable[[Any], Any]) -> Any:
    """Decode every item of a JSON array; non-arrays are returned unchanged."""
    if isinstance(value, list):
        return [item(x) for x in value]
    return value


def to_map(value: Any, item: Callable[[Any], Any]) -> Any:
    """Decode every value of a JSON object; non-objects are returned unchanged."""
    if isinstance(value, Mapping):
        return {k: item(v) for k, v in value.items()}
    return value


def to_union(
    value: Any,
    options: tuple[tuple[Callable[[Any], bool], Callable[[Any], Any]], ...],
) -> Any:
    """Decode with the first option whose shape test accepts the value."""
    for accepts, decode in options:
        if accepts(value):
            return decode(value)
    return value


def by_discriminator(
    value: Any, prop: str, mapping: Mapping[str, Callable[[Any], Any]]
) -> Any:
    """Decode an object by the model its discriminator property names."""
    if isinstance(value, Mapping):
        decode = mapping.get(value.get(prop))  # type: ignore[arg-type]
        if decode is not None:
            return decode(value)
    return value


def best_object(
    value: Any, candidates: tuple[tuple[frozenset[str], Callable[[Any], Any]], ...]
) -> Any:
    """Decode an object as the candidate model sharing the most keys with it (first on ties)."""
    if not isinstance(value, Mapping) or not candidates:
        return value
    keys = value.keys()
    best = max(candidates, key=lambda c: len(c[0] & keys))
    return best[1](value)


def is_int(value: Any) -> bool:
    """Return whether a JSON value is an integer (booleans are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """Return whether a JSON value is a number (booleans are not)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def format_datetime(value: datetime) -> str:
    """Encode a datetime as RFC 3339, reusing the wire text when the value is unchanged."""
    wire = getattr(value, "wire", None)
    if wire is not None:
        return str(wire)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def dump(value: Any) -> Any:
    """Encode any decoded value back to plain JSON data."""
    if (
        value is None
        or isinstance(value, (bool, int, float, str))
        and not isinstance(value, enum.Enum)
    ):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None:
        return to_dict()
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return getattr(value, "wire", None) or value.isoformat()
    if isinstance(value, list):
        return [dump(x) for x in value]
    if isinstance(value, Mapping):
        return {k: dump(v) for k, v in value.items()}
    return value


def identity(value: T) -> T:
    """Return the value unchanged (the decoder of plain JSON types)."""
    return value


def is_str(value: Any) -> bool:
    """Return whether a JSON value is a string."""
    return isinstance(value, str)


def is_bool(value: Any) -> bool:
    """Return whether a JSON value is a boolean."""
    return isinstance(value, bool)


def is_list(value: Any) -> bool:
    """Return whether a JSON value is an array."""
    return isinstance(value, list)


def is_object(value: Any) -> bool:
    """Return whether a JSON value is an object."""
    return isinstance(value, Mapping)


def is_any(value: Any) -> bool:
    """Accept any JSON value."""
    return True


def keys_of(model: Any) -> frozenset[str]:
    """Return the wire names a generated model declares."""
    return frozenset(model.WIRE_NAMES)


def load_json(payload: bytes | bytearray | str | Mapping[str, Any]) -> Any:
    """Return the JSON data of a payload: parsed from text or bytes, else as given.

    Malformed JSON raises ``json.JSONDecodeError`` (a ValueError naming line and column).
    """
    if isinstance(payload, (bytes, bytearray, str)):
        import json  # only webhook parsing needs it: keeps the models' import cheap

        return json.loads(payload)
    return payload
