"""Runtime for compiled validators: errors, JSON equality and format checkers.

Spec-independent and copied verbatim into every generated package; the compiled module
imports it relatively. Nothing here allocates on the success path of a check.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from fractions import Fraction
from typing import Any, Optional

__all__ = ["ValidationError"]


class ValidationError(ValueError):
    """A payload broke its schema: ``path`` points at the value, ``schema_path`` at the rule."""

    def __init__(self, message: str, path: str = "", schema_path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.schema_path = schema_path

    def __str__(self) -> str:
        return f"{self.path or '(root)'}: {self.message}"

    def __repr__(self) -> str:
        return f"ValidationError({self.message!r}, path={self.path!r})"


class Invalid(Exception):
    """Raised in quiet mode, where only validity matters and messages would be wasted."""


class _QuietSink(list[ValidationError]):
    """Marker sink: reporting to it raises Invalid instead of recording an error."""


# A sink is None (raise the first error), a list (collect them all) or QUIET.
Sink = Optional[list[ValidationError]]
QUIET: Sink = _QuietSink()


def pointer(node: Any) -> str:
    """Return the RFC 6901 pointer of a lazily built path node (parent, *segments)."""
    parts: list[Any] = []
    # Iterative on purpose: error paths of very deep payloads must not recurse.
    while node is not None:
        parts.extend(reversed(node[1:]))
        node = node[0]
    parts.reverse()
    return "".join(
        "/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts
    )


def fail(sink: Sink, node: Any, value: Any, info: tuple[str, str, Any]) -> None:
    """Report one failed rule: raise or record, building the message only when needed."""
    if sink is QUIET:
        raise Invalid
    error = ValidationError(describe(info[1], info[2], value), pointer(node), info[0])
    if sink is None:
        raise error
    sink.append(error)


def too_deep() -> ValidationError:
    """Return the error reported when a payload nests deeper than Python can recurse."""
    return ValidationError("nesting too deep to validate", "", "")


def dynamic(
    scope: tuple[int, ...], table: dict[int, Any], default: Callable[..., Any]
) -> Any:
    """Return the outermost dynamic-scope target of a $dynamicRef, else its static one."""
    for resource in scope:
        target = table.get(resource)
        if target is not None:
            return target
    return default


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def json_type(value: Any) -> str:
    """Return the JSON type name of a Python value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


FORMAT_NAMES = {
    "date-time": "date-time (RFC 3339)",
    "date": "date (RFC 3339 full-date)",
    "time": "time (RFC 3339 full-time)",
    "uuid": "UUID (8-4-4-4-12 hex digits)",
    "email": "e-mail address",
    "ipv4": "IPv4 address",
    "ipv6": "IPv6 address",
    "uri": "URI (RFC 3986)",
    "uri-reference": "URI reference (RFC 3986)",
    "hostname": "host name",
    "duration": "duration (RFC 3339 appendix A)",
    "regex": "regular expression (ECMA-262)",
    "json-pointer": "JSON pointer",
    "relative-json-pointer": "relative JSON pointer",
}

_MESSAGES: dict[str, Callable[[Any, Any], str]] = {
    "type": lambda arg, v: f"expected {' or '.join(arg)}, got {json_type(v)} {_show(v)}",
    "enum": lambda arg, v: f"expected one of {_show(list(arg))}, got {_show(v)}",
    "const": lambda arg, v: f"expected {_show(arg)}, got {_show(v)}",
    "format": lambda arg, v: f"expected a {FORMAT_NAMES.get(arg, arg)}, got {_show(v)}",
    "pattern": lambda arg, v: f"expected a string matching {arg!r}, got {_show(v)}",
    "minLength": lambda arg, v: f"expected at least {arg} characters, got {len(v)}",
    "maxLength": lambda arg, v: f"expected at most {arg} characters, got {len(v)}",
    "minimum": lambda arg, v: f"expected a number >= {arg}, got {_show(v)}",
    "maximum": lambda arg, v: f"expected a number <= {arg}, got {_show(v)}",
    "exclusiveMinimum": lambda arg, v: f"expected a number > {arg}, got {_show(v)}",
    "exclusiveMaximum": lambda arg, v: f"expected a number < {arg}, got {_show(v)}",
    "multipleOf": lambda arg, v: f"expected a multiple of {arg}, got {_show(v)}",
    "required": lambda arg, v: f"missing required property {arg!r}",
    "dependentRequired": lambda arg, v: f"property {arg[1]!r} is required when {arg[0]!r} is present",
    "additionalProperties": lambda arg, v: f"unexpected property {v!r}",
    "unevaluatedProperties": lambda arg, v: f"unexpected (unevaluated) property {v!r}",
    "additionalItems": lambda arg, v: f"expected at most {arg} items, got more",
    "unevaluatedItems": lambda arg, v: f"unexpected (unevaluated) item at index {v}",
    "minProperties": lambda arg, v: f"expected at least {arg} properties, got {len(v)}",
    "maxProperties": lambda arg, v: f"expected at most {arg} properties, got {len(v)}",
    "minItems": lambda arg, v: f"expected at least {arg} items, got {len(v)}",
    "maxItems": lambda arg, v: f"expected at most {arg} items, got {len(v)}",
    "uniqueItems": lambda arg, v: "expected unique items, got duplicates",
    "contains": lambda arg, v: f"expected at least {arg} matching items, got {v}",
    "maxContains": lambda arg, v: f"expected at most {arg} matching items, got {v}",
    "anyOf": lambda arg, v: f"expected a value matching any of the schemas, got {_show(v)}",
    "oneOf": lambda arg, v: f"expected a value matching exactly one schema, got {v} matches",
    "not": lambda arg, v: f"expected a value not matching the schema, got {_show(v)}",
    "false": lambda arg, v: f"no value is allowed here, got {_show(v)}",
    "discriminator": lambda arg, v: f"expected {arg[0]!r} to be one of {_show(list(arg[1]))}, got {_show(v)}",
    "discriminatorMissing": lambda arg, v: f"missing discriminator property {arg[0]!r} (one of {_show(list(arg[1]))})",
    "readOnly": lambda arg, v: f"read-only value must not be sent in a {arg}, got {_show(v)}",
    "writeOnly": lambda arg, v: f"write-only value must not appear in a {arg}, got {_show(v)}",
}


def describe(kind: str, arg: Any, value: Any) -> str:
    """Return the human-readable message for one failed rule."""
    make = _MESSAGES.get(kind)
    return make(arg, value) if make else f"failed {kind}, got {_show(value)}"


def key(value: Any) -> Any:
    """Return a hashable key under which JSON-equal values (1 == 1.0, True != 1) collide."""
    if isinstance(value, bool):
        return (bool, value)
    if isinstance(value, (int, float)):
        return (float, value)
    if isinstance(value, (list, tuple)):
        return (list, tuple([key(item) for item in value]))
    if isinstance(value, dict):
        return (dict, frozenset([(k, key(v)) for k, v in value.items()]))
    return (type(value), value)


def json_equal(left: Any, right: Any) -> bool:
    """Return whether two JSON values are equal in JSON's sense."""
    return bool(key(left) == key(right))


def enum_keys(values: tuple[Any, ...]) -> frozenset[Any]:
    """Return the keys of an enum's values, computed once at import."""
    return frozenset([key(value) for value in values])


NUMBER = (int, float)


def is_number(value: Any) -> bool:
    """Return whether a value is a JSON number (an int or float, not a bool)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_integral(value: Any) -> bool:
    """Return whether a JSON value is an integer (1.0 is; True is not)."""
    if isinstance(value, int):
        return not isinstance(value, bool)
    return isinstance(value, float) and value.is_integer()


def has_duplicates(items: list[Any]) -> bool:
    """Return whether an array holds two JSON-equal items."""
    seen: set[Any] = set()
    for item in items:
        k = key(item)
        if k in seen:
            return True
        seen.add(k)
    return False


def not_multiple(value: Any, divisor: float) -> bool:
    """Return whether value is not a multiple of a float divisor (exact on overflow)."""
    quotient = value / divisor
    try:
        return bool(int(quotient) != quotient)
    except OverflowError:
        return Fraction(value) / Fraction(divisor) % 1 != 0
    except ValueError:
        return True


# --- formats -------------------------------------------------------------------------
# Each checker takes a str and returns bool; the compiler only calls them on strings.
# The *_FAST matchers accept the common shape exactly and fall back to full checks.

_OFFSET = "[+-](?:[01][0-9]|2[0-3]):[0-5][0-9]"
# Spelled out without group repeats: sre's branch is far cheaper than an optional group.
DATE_TIME_FAST = re.compile(
    "[0-9][0-9][0-9][0-9]-(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])[Tt]"
    "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
    f"(?:\\.[0-9]+[Zz]|[Zz]|\\.[0-9]+{_OFFSET}|{_OFFSET})"
).fullmatch
UUID_FAST = re.compile(
    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
).fullmatch
_DATE = re.compile("([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIME = re.compile(
    "([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\\.[0-9]+)?(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))"
)
_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid_date(match: re.Match[str]) -> bool:
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    if not 1 <= month <= 12 or day < 1:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return day <= (29 if month == 2 and leap else _DAYS[month])


def _valid_time(match: re.Match[str]) -> bool:
    hour, minute, second = int(match[1]), int(match[2]), int(match[3])
    if hour > 23 or minute > 59 or second > 60:
        return False
    if match[4] is not None:
        off_h, off_m = int(match[5]), int(match[6])
        if off_h > 23 or off_m > 59:
            return False
        offset = (off_h * 60 + off_m) * (1 if match[4] == "+" else -1)
    else:
        offset = 0
    # A leap second only exists as the last second of a UTC day.
    return second < 60 or (hour * 60 + minute - offset) % 1440 == 23 * 60 + 59


def is_date(value: str) -> bool:
    """Check an RFC 3339 full-date."""
    match = _DATE.fullmatch(value)
    return match is not None and _valid_date(match)


def is_time(value: str) -> bool:
    """Check an RFC 3339 full-time (offset required)."""
    match = _TIME.fullmatch(value)
    return match is not None and _valid_time(match)


def is_date_time(value: str) -> bool:
    """Check an RFC 3339 date-time exactly, leap seconds included."""
    if DATE_TIME_FAST(value) is not None:
        return True
    if len(value) < 20 or value[10] not in "Tt":
        return False
    date = _DATE.fullmatch(value, 0, 10)
    time = _TIME.fullmatch(value, 11)
    return (
        date is not None
        and time is not None
        and _valid_date(date)
        and _valid_time(time)
    )


def is_uuid(value: str) -> bool:
    """Check a UUID written as 8-4-4-4-12 hex digits."""
    return UUID_FAST(value) is not None


_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = re.compile(f"{_OCTET}(?:\\.{_OCTET}){{3}}")
_HEX4 = re.compile("[0-9A-Fa-f]{1,4}")


def is_ipv4(value: str) -> bool:
    """Check a dotted-quad IPv4 address without leading zeros."""
    return _IPV4.fullmatch(value) is not None


def is_ipv6(value: str) -> bool:
    """Check an RFC 4291 IPv6 address (no zone, no brackets, no prefix)."""
    if not value.isascii():
        return False
    groups = 8
    if value and "." in value.rsplit(":", 1)[-1]:
        head, _, tail = value.rpartition(":")
        if not is_ipv4(tail):
            return False
        # "::1.2.3.4" keeps its "::"; "1:2:...:1.2.3.4" drops only the separator.
        value = head + ":" if head.endswith(":") else head
        groups = 6
    if "::" in value:
        if value.count("::") > 1:
            return False
        left, right = value.split("::")
        parts = (left.split(":") if left else []) + (right.split(":") if right else [])
        if len(parts) >= groups:
            return False
    else:
        parts = value.split(":")
        if len(parts) != groups:
            return False
    return all(_HEX4.fullmatch(part) for part in parts)


_LABEL = re.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_PVALID = frozenset("\u00df\u03c2\u06fd\u06fe\u0f0b\u3007")
_DISALLOWED = frozenset("\u0640\u07fa\u302e\u302f\u3031\u3032\u3033\u3034\u3035\u303b")


def _valid_u_label(label: str) -> bool:
    if unicodedata.normalize("NFC", label) != label:
        return False
    if label[2:4] == "--" or label[0] == "-" or label[-1] == "-":
        return False
    if unicodedata.category(label[0]) in ("Mn", "Mc", "Me"):
        return False
    arabic = any("\u0660" <= c <= "\u0669" for c in label)
    extended = any("\u06f0" <= c <= "\u06f9" for c in label)
    if arabic and extended:
        return False
    for i, c in enumerate(label):
        before = label[i - 1] if i else ""
        after = label[i + 1] if i + 1 < len(label) else ""
        if c in _PVALID or c == "-" or ("\u0660" <= c <= "\u0669"):
            continue
        if c in _DISALLOWED:
            return False
        if c == "\u00b7":
            if before != "l" or after != "l":
                return False
        elif c == "\u0375":
            if not ("\u0370" <= after <= "\u03ff" or "\u1f00" <= after <= "\u1fff"):
                return False
        elif c in "\u05f3\u05f4":
            if not "\u0590" <= before <= "\u05ff":
                return False
        elif c == "\u30fb":
            if not any(
                ("\u3040" <= o <= "\u30ff" and o != "\u30fb")
                or "\u4e00" <= o <= "\u9fff"
                for o in label
            ):
                return False
        elif c == "\u200d":
            if not before or unicodedata.combining(before) != 9:
                return False
        elif c == "\u200c":
            if not before or (
                unicodedata.combining(before) != 9
                and unicodedata.bidirectional(before) not in ("AL", "R")
            ):
                return False
        elif unicodedata.category(c) not in ("Ll", "Lo", "Lm", "Mn", "Mc", "Nd"):
            return False
    return True


def is_hostname(value: str) -> bool:
    """Check an RFC 1123 host name; xn-- labels must decode to valid IDNA 2008 labels."""
    if not value or len(value) > 253 or not value.isascii():
        return False
    for label in value.split("."):
        if _LABEL.fullmatch(label) is None:
            return False
        if label[2:4] == "--":
            if label[:2].lower() != "xn":
                return False
            try:
                decoded = codecs.decode(label[4:].encode("ascii"), "punycode")
            except (UnicodeError, ValueError):
                return False
            if not isinstance(decoded, str) or not decoded:
                return False
            if not _valid_u_label(decoded):
                return False
    return True


_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(f'{_ATOM}(?:\\.{_ATOM})*|"(?:[^"\\\\\\r\\n]|\\\\.)*"')


def is_email(value: str) -> bool:
    """Check an RFC 5321 mailbox: dot-atom or quoted local part, host or address literal."""
    local, at, domain = value.rpartition("@")
    if not at or _LOCAL.fullmatch(local) is None:
        return False
    if domain.startswith("[") and domain.endswith("]"):
        inner = domain[1:-1]
        if inner[:5].lower() == "ipv6:":
            return is_ipv6(inner[5:])
        return is_ipv4(inner)
    return is_hostname(domain)


_DUR_TIME = "T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S)"
_DURATION = re.compile(
    f"P(?:(?:[0-9]+D|[0-9]+M(?:[0-9]+D)?|[0-9]+Y(?:[0-9]+M(?:[0-9]+D)?)?)(?:{_DUR_TIME})?"
    f"|{_DUR_TIME}|[0-9]+W)"
)


def is_duration(value: str) -> bool:
    """Check an RFC 3339 appendix A duration."""
    return _DURATION.fullmatch(value) is not None


_JSON_POINTER = re.compile("(?:/(?:[^~/]|~[01])*)*")
_RELATIVE_POINTER = re.compile("(?:0|[1-9][0-9]*)(?:#|(?:/(?:[^~/]|~[01])*)*)")


def is_json_pointer(value: str) -> bool:
    """Check an RFC 6901 JSON pointer."""
    return _JSON_POINTER.fullmatch(value) is not None


def is_relative_json_pointer(value: str) -> bool:
    """Check a relative JSON pointer."""
    return _RELATIVE_POINTER.fullmatch(value) is not None


_UNRESERVED = "A-Za-z0-9\\-._~"
_SUB = "!$&'()*+,;="
_PCT = "%[0-9A-Fa-f]{2}"
_PCHAR = f"(?:[{_UNRESERVED}{_SUB}:@]|{_PCT})"
_SEGMENT_NC = f"(?:[{_UNRESERVED}{_SUB}@]|{_PCT})"
_AUTHORITY = (
    f"(?:(?:[{_UNRESERVED}{_SUB}:]|{_PCT})*@)?"
    f"(?:\\[(?P<ip>[^\\]/?#@]*)\\]|(?:[{_UNRESERVED}{_SUB}]|{_PCT})*)"
    "(?::[0-9]*)?"
)
_TAIL = f"(?:\\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?"
_URI = re.compile(
    f"[A-Za-z][A-Za-z0-9+\\-.]*:"
    f"(?://{_AUTHORITY}(?:/{_PCHAR}*)*|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?"
    f"|{_PCHAR}+(?:/{_PCHAR}*)*|){_TAIL}"
)
_RELATIVE = re.compile(
    f"(?://{_AUTHORITY}(?:/{_PCHAR}*)*|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?"
    f"|{_SEGMENT_NC}+(?:/{_PCHAR}*)*|){_TAIL}"
)
_IPVFUTURE = re.compile(f"[vV][0-9A-Fa-f]+\\.[{_UNRESERVED}{_SUB}:]+")


def _valid_ip_literal(match: re.Match[str]) -> bool:
    ip = match["ip"]
    return ip is None or is_ipv6(ip) or _IPVFUTURE.fullmatch(ip) is not None


def is_uri(value: str) -> bool:
    """Check an absolute RFC 3986 URI."""
    match = _URI.fullmatch(value)
    return match is not None and _valid_ip_literal(match)


def is_uri_reference(value: str) -> bool:
    """Check an RFC 3986 URI or relative reference."""
    match = _URI.fullmatch(value) or _RELATIVE.fullmatch(value)
    return match is not None and _valid_ip_literal(match)


def is_regex(value: str) -> bool:
    """Check an ECMA-262 regular expression (as far as Python's re can express it)."""
    try:
        re.compile(ecma_to_python(value))
    except (re.error, ValueError, OverflowError):
        return False
    return True


# --- ECMA-262 regular expressions --------------------------------------------------------
# Shared with the compiler (which imports this module) so pattern and format "regex" agree.
# Character classes are built as explicit code point ranges: \p{...}/\P{...} (General_Category
# values, Any, ASCII, ASCII_Hex_Digit, Assigned) expand to the ranges of this interpreter's
# unicodedata, and negated classes (\D, \W, \S, \P{...}) to their complements, so they also
# work inside [...] and no third-party regex module is needed.

_MAX = 0x10FFFF
_Ranges = tuple[tuple[int, int], ...]
_SPACE_RANGES: _Ranges = (
    (0x09, 0x0D),
    (0x20, 0x20),
    (0xA0, 0xA0),
    (0x1680, 0x1680),
    (0x2000, 0x200A),
    (0x2028, 0x2029),
    (0x202F, 0x202F),
    (0x205F, 0x205F),
    (0x3000, 0x3000),
    (0xFEFF, 0xFEFF),
)
_CLASS_RANGES: dict[str, _Ranges] = {
    "d": ((0x30, 0x39),),
    "w": ((0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)),
    "s": _SPACE_RANGES,
}
_CONTROL = {
    "n": "\\n",
    "r": "\\r",
    "t": "\\t",
    "v": "\\x0b",
    "f": "\\x0c",
    "0": "\\x00",
}
_SYNTAX = set("^$\\.*+?()[]{}|/-")

# ECMA-262 table "Value aliases and canonical values for General_Category": every name
# (canonical, short, alias) -> the two-letter categories it covers.
_GC_VALUES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("Cased_Letter", "LC"), ("Lu", "Ll", "Lt")),
    (("Close_Punctuation", "Pe"), ("Pe",)),
    (("Connector_Punctuation", "Pc"), ("Pc",)),
    (("Control", "Cc", "cntrl"), ("Cc",)),
    (("Currency_Symbol", "Sc"), ("Sc",)),
    (("Dash_Punctuation", "Pd"), ("Pd",)),
    (("Decimal_Number", "Nd", "digit"), ("Nd",)),
    (("Enclosing_Mark", "Me"), ("Me",)),
    (("Final_Punctuation", "Pf"), ("Pf",)),
    (("Format", "Cf"), ("Cf",)),
    (("Initial_Punctuation", "Pi"), ("Pi",)),
    (("Letter", "L"), ("Lu", "Ll", "Lt", "Lm", "Lo")),
    (("Letter_Number", "Nl"), ("Nl",)),
    (("Line_Separator", "Zl"), ("Zl",)),
    (("Lowercase_Letter", "Ll"), ("Ll",)),
    (("Mark", "M", "Combining_Mark"), ("Mn", "Mc", "Me")),
    (("Math_Symbol", "Sm"), ("Sm",)),
    (("Modifier_Letter", "Lm"), ("Lm",)),
    (("Modifier_Symbol", "Sk"), ("Sk",)),
    (("Nonspacing_Mark", "Mn"), ("Mn",)),
    (("Number", "N"), ("Nd", "Nl", "No")),
    (("Open_Punctuation", "Ps"), ("Ps",)),
    (("Other", "C"), ("Cc", "Cf", "Cs", "Co", "Cn")),
    (("Other_Letter", "Lo"), ("Lo",)),
    (("Other_Number", "No"), ("No",)),
    (("Other_Punctuation", "Po"), ("Po",)),
    (("Other_Symbol", "So"), ("So",)),
    (("Paragraph_Separator", "Zp"), ("Zp",)),
    (("Private_Use", "Co"), ("Co",)),
    (("Punctuation", "P", "punct"), ("Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po")),
    (("Separator", "Z"), ("Zs", "Zl", "Zp")),
    (("Space_Separator", "Zs"), ("Zs",)),
    (("Spacing_Mark", "Mc"), ("Mc",)),
    (("Surrogate", "Cs"), ("Cs",)),
    (("Symbol", "S"), ("Sm", "Sc", "Sk", "So")),
    (("Titlecase_Letter", "Lt"), ("Lt",)),
    (("Unassigned", "Cn"), ("Cn",)),
    (("Uppercase_Letter", "Lu"), ("Lu",)),
)
_GENERAL_CATEGORIES = {name: cats for names, cats in _GC_VALUES for name in names}
_BINARY: dict[str, _Ranges] = {
    "Any": ((0, _MAX),),
    "ASCII": ((0, 0x7F),),
    "ASCII_Hex_Digit": ((0x30, 0x39), (0x41, 0x46), (0x61, 0x66)),
    "AHex": ((0x30, 0x39), (0x41, 0x46), (0x61, 0x66)),
}
_CATEGORY_RANGES: dict[str, list[tuple[int, int]]] = {}


def _category_ranges() -> dict[str, list[tuple[int, int]]]:
    """Return every general category's code point ranges (one pass, computed once)."""
    if not _CATEGORY_RANGES:
        category = unicodedata.category
        current, start = category("\x00"), 0
        for code in range(1, _MAX + 1):
            cat = category(chr(code))
            if cat != current:
                _CATEGORY_RANGES.setdefault(current, []).append((start, code - 1))
                current, start = cat, code
        _CATEGORY_RANGES.setdefault(current, []).append((start, _MAX))
    return _CATEGORY_RANGES


def _merge(ranges: list[tuple[int, int]]) -> _Ranges:
    out: list[tuple[int, int]] = []
    for low, high in sorted(ranges):
        if out and low <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], high))
        else:
            out.append((low, high))
    return tuple(out)


def _complement(ranges: _Ranges) -> _Ranges:
    out: list[tuple[int, int]] = []
    start = 0
    for low, high in ranges:
        if low > start:
            out.append((start, low - 1))
        start = high + 1
    if start <= _MAX:
        out.append((start, _MAX))
    return tuple(out)


def unicode_property(name: str) -> tuple[tuple[int, int], ...]:
    """Return the code point ranges of an ECMA-262 \\p{name}; raise ValueError if unknown."""
    key, eq, value = name.partition("=")
    if eq:
        if key in ("Script", "sc", "Script_Extensions", "scx"):
            raise ValueError(
                f"unicode script property \\p{{{name}}} is not supported"
                " (Python's unicodedata has no script data)"
            )
        if key not in ("General_Category", "gc"):
            raise ValueError(f"unknown unicode property \\p{{{name}}}")
        if value not in _GENERAL_CATEGORIES:
            raise ValueError(f"unknown General_Category value \\p{{{name}}}")
        key = value
    if key in _BINARY:
        return _BINARY[key]
    if key == "Assigned":
        return _complement(_merge(_category_ranges().get("Cn", [])))
    cats = _GENERAL_CATEGORIES.get(key)
    if cats is None:
        raise ValueError(
            f"unicode property \\p{{{name}}} is not supported (only General_Category "
            "values, Any, ASCII, ASCII_Hex_Digit and Assigned)"
        )
    table = _category_ranges()
    return _merge([r for cat in cats for r in table.get(cat, [])])


def _char(code: int) -> str:
    if code < 0x80 and (chr(code).isalnum() or code == 0x5F):
        return chr(code)
    if code < 0x100:
        return "\\x%02x" % code
    if code < 0x10000:
        return "\\u%04x" % code
    return "\\U%08x" % code


def _class_body(ranges: _Ranges) -> str:
    """Return the inside of a Python character class matching exactly these ranges."""
    return "".join(
        _char(low) if low == high else f"{_char(low)}-{_char(high)}"
        for low, high in ranges
    )


def _class(ranges: _Ranges, in_class: bool) -> str:
    if in_class:
        return _class_body(ranges)
    # An empty class ([] in ECMA) matches nothing; Python needs it spelled out.
    return f"[{_class_body(ranges)}]" if ranges else "[^\\x00-\\U0010ffff]"


def ecma_to_python(pattern: str) -> str:
    """Translate an ECMA-262 pattern to Python re syntax; raise ValueError if impossible."""
    out: list[str] = []
    i, n, in_class = 0, len(pattern), False
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise ValueError("pattern ends with a lone backslash")
            i, piece = _escape(pattern, i + 1, in_class)
            out.append(piece)
            continue
        if in_class:
            if c == "]":
                in_class = False
                out.append("]")
            elif c in "[&~|":
                # Python warns about (and may one day give meaning to) these in sets.
                out.append("\\" + c)
            else:
                out.append(c)
        elif c == "[":
            if pattern.startswith("[]", i):
                out.append(_class((), False))
                i += 2
                continue
            if pattern.startswith("[^]", i):
                out.append("[\\s\\S]")
                i += 3
                continue
            in_class = True
            out.append("[")
            if pattern.startswith("[^", i):
                out.append("^")
                i += 1
        elif c == "$":
            out.append("\\Z")
        elif c == ".":
            out.append("[^\\n\\r\\u2028\\u2029]")
        elif (
            c == "("
            and pattern.startswith("(?<", i)
            and pattern[i + 3 : i + 4]
            not in (
                "=",
                "!",
            )
        ):
            out.append("(?P<")
            i += 3
            continue
        elif (
            c == "("
            and pattern.startswith("(?", i)
            and pattern[i + 2 : i + 3]
            not in (
                ":",
                "=",
                "!",
                "<",
            )
        ):
            raise ValueError("unsupported group syntax")
        else:
            out.append(c)
        i += 1
    if in_class:
        raise ValueError("unterminated character class")
    return "".join(out)


_UHEX = re.compile("[0-9A-Fa-f]{4}")
_BRACED_HEX = re.compile("\\{([0-9A-Fa-f]{1,6})\\}")


def _code_point(pattern: str, i: int) -> tuple[int, int] | None:
    """Read the code point of \\uXXXX, a \\uHHHH\\uLLLL surrogate pair or \\u{X...} at i
    (just after the "u"); return (next index, code point) or None if it is none of them.
    """
    braced = _BRACED_HEX.match(pattern, i)
    if braced is not None:
        code = int(braced[1], 16)
        if code > _MAX:
            raise ValueError(f"\\u{{{braced[1]}}} is beyond U+10FFFF")
        return braced.end(), code
    if _UHEX.fullmatch(pattern, i, i + 4) is None:
        return None
    code = int(pattern[i : i + 4], 16)
    low = pattern[i + 4 : i + 6] == "\\u" and _UHEX.fullmatch(pattern, i + 6, i + 10)
    if 0xD800 <= code <= 0xDBFF and low:
        trail = int(pattern[i + 6 : i + 10], 16)
        if 0xDC00 <= trail <= 0xDFFF:
            # Unicode mode reads an escaped surrogate pair as one code point.
            return i + 10, 0x10000 + ((code - 0xD800) << 10) + (trail - 0xDC00)
    return i + 4, code


def _escape(pattern: str, i: int, in_class: bool) -> tuple[int, str]:
    c = pattern[i]
    if c in _CLASS_RANGES:
        return i + 1, _class(_CLASS_RANGES[c], in_class)
    if c.lower() in _CLASS_RANGES and c.isupper():
        return i + 1, _class(_complement(_CLASS_RANGES[c.lower()]), in_class)
    if c in "pP":
        end = pattern.find("}", i)
        if pattern[i + 1 : i + 2] != "{" or end == -1:
            raise ValueError(f"\\{c} must be followed by {{property}}")
        ranges = unicode_property(pattern[i + 2 : end])
        return end + 1, _class(_complement(ranges) if c == "P" else ranges, in_class)
    if c in "bB":
        return i + 1, ("\\x08" if in_class and c == "b" else "\\" + c)
    if c in _CONTROL and not (c == "0" and pattern[i + 1 : i + 2].isdigit()):
        return i + 1, _CONTROL[c]
    if (
        c == "c"
        and i + 1 < len(pattern)
        and pattern[i + 1].isascii()
        and pattern[i + 1].isalpha()
    ):
        return i + 2, "\\x%02x" % (ord(pattern[i + 1]) % 32)
    if c == "x" and re.fullmatch("[0-9A-Fa-f]{2}", pattern[i + 1 : i + 3]):
        return i + 3, "\\x" + pattern[i + 1 : i + 3]
    if c == "u":
        found = _code_point(pattern, i + 1)
        if found is not None:
            return found[0], _char(found[1])
    if c == "k" and pattern[i + 1 : i + 2] == "<" and ">" in pattern[i:]:
        end = pattern.index(">", i)
        return end + 1, f"(?P={pattern[i + 2 : end]})"
    if c.isdigit():
        j = i
        while j < len(pattern) and pattern[j].isdigit():
            j += 1
        return j, "\\" + pattern[i:j]
    if c in _SYNTAX:
        return i + 1, "\\" + c
    # Identity escape: the character itself, made literal for Python.
    return i + 1, re.escape(c)
