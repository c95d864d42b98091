"""Naming rules: every identifier that reaches generated code is made here, never in templates.

Names come only from `[A-Za-z0-9_]` after these rules, so text from a spec can never become
anything but an identifier. Collisions are settled deterministically by trying candidates in
order; when every candidate is taken the spec is refused at the clashing name's location.
"""

from __future__ import annotations

import functools
import keyword
import re
import unicodedata
from collections.abc import Iterable

from generator.errors import Location, SpecError

_WORD_BOUNDARY = re.compile(
    r"[A-Z]+(?=[A-Z][a-z])"  # the HTTP in HTTPServer
    r"|[A-Z]?[a-z]+"  # Word, word
    r"|[A-Z]+"  # ID
    r"|[0-9]+"
)

# Names that would break a generated class or signature even though they are identifiers:
# dataclass fields shadowing the builtins our annotations use, our own methods, `self`.
RESERVED_ATTRIBUTES = frozenset(
    {
        "self",
        "cls",
        "str",
        "int",
        "float",
        "bool",
        "list",
        "dict",
        "object",
        "datetime",
        "date",
        "from_dict",
        "to_dict",
        "validate",
        "is_valid",
        "extra_fields",
    }
)
RESERVED_PARAMETERS = frozenset(
    {
        "self",
        "cls",
        "extra_headers",
        "extra_query",
        "timeout",
        "max_retries",
        "str",
        "int",
        "float",
        "bool",
        "list",
        "dict",
        "object",
        "datetime",
        "date",
        "body",
    }
)
# Enum pseudo-attributes that cannot be member names.
RESERVED_MEMBERS = frozenset({"name", "value", "mro", "NAME", "VALUE"})


_SYMBOLS = {
    "+": "PLUS",
    "-": "MINUS",
    "*": "STAR",
    "/": "SLASH",
    ".": "DOT",
    " ": "SPACE",
    "_": "UNDERSCORE",
    "#": "HASH",
    "@": "AT",
    "&": "AND",
    "%": "PERCENT",
    "=": "EQUALS",
    "<": "LT",
    ">": "GT",
    "!": "BANG",
    "?": "QUESTION",
    ":": "COLON",
    ",": "COMMA",
    '"': "QUOTE",
    "'": "APOSTROPHE",
    "\\": "BACKSLASH",
    "$": "DOLLAR",
    "(": "LPAREN",
    ")": "RPAREN",
    "[": "LBRACKET",
    "]": "RBRACKET",
    "{": "LBRACE",
    "}": "RBRACE",
    "|": "PIPE",
    "~": "TILDE",
    "^": "CARET",
    ";": "SEMICOLON",
    "`": "BACKTICK",
    "\n": "NEWLINE",
}


# The spelling functions are pure and a large API asks about the same few thousand names
# tens of thousands of times: each answer is computed once per process.
_memo = functools.lru_cache(maxsize=None, typed=True)


@_memo
def words(text: str) -> tuple[str, ...]:
    """Split any spelling (camelCase, snake_case, kebab-case, spaces, brackets) into words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return tuple(_WORD_BOUNDARY.findall(ascii_text))


@_memo
def snake_case(text: str) -> str:
    """Return the snake_case spelling of a name (may be empty or start with a digit)."""
    return "_".join(w.lower() for w in words(text))


@_memo
def pascal_case(text: str) -> str:
    """Return the PascalCase spelling of a name (may be empty or start with a digit)."""
    return "".join(w[:1].upper() + w[1:] for w in words(text))


@_memo
def upper_snake(text: str) -> str:
    """Return the UPPER_SNAKE spelling of a name."""
    return "_".join(w.upper() for w in words(text))


@_memo
def sanitize(text: str) -> str:
    """Keep the spelling but replace every non-identifier character with '_'."""
    cleaned = re.sub(r"\W", "_", text, flags=re.ASCII)
    return re.sub(r"_+", "_", cleaned)


def is_keyword(name: str) -> bool:
    """Return whether a name is a hard or soft Python keyword."""
    return keyword.iskeyword(name) or keyword.issoftkeyword(name)


@_memo
def fix_identifier(
    name: str, *, fallback: str, reserved: frozenset[str] = frozenset()
) -> str:
    """Make a candidate a safe identifier: non-empty, no leading digit/underscore, no keyword."""
    name = name.strip("_")
    if not name:
        name = fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}" if fallback[:1].islower() else f"{fallback}{name}"
    if is_keyword(name) or name in reserved or name.startswith("__"):
        name += "_"
    return name


class Namespace:
    """One scope of names (a module, a class, a signature) handing out unique identifiers."""

    def __init__(self, what: str, taken: Iterable[str] = ()) -> None:
        self.what = what
        self._owners: dict[str, str] = {name: "(reserved)" for name in taken}

    def claim(self, candidates: Iterable[str], owner: str, location: Location) -> str:
        """Return the first free candidate, or refuse the spec when all are taken."""
        tried: list[str] = []
        for candidate in candidates:
            if candidate in tried:
                continue
            tried.append(candidate)
            if candidate not in self._owners:
                self._owners[candidate] = owner
                return candidate
        clash = tried[0] if tried else owner
        raise SpecError(
            location,
            f"{self.what} {owner!r} collides with {self._owners.get(clash, '?')!r}: "
            f"both are named {clash!r}",
        )

    def __contains__(self, name: str) -> bool:
        return name in self._owners


def class_candidates(*parts: str) -> list[str]:
    """Return candidate class names for a name built from parts (PascalCase first)."""
    return list(_class_candidates(parts))


@_memo
def _class_candidates(parts: tuple[str, ...]) -> tuple[str, ...]:
    joined = "".join(pascal_case(p) or sanitize(p) for p in parts)
    first = fix_identifier(joined, fallback="Model")
    verbatim = fix_identifier("_".join(sanitize(p) for p in parts), fallback="Model")
    return first, verbatim


def spell_symbols(text: str) -> str:
    """Spell out every non-alphanumeric character (``#`` -> ``HASH``), for names made of symbols."""
    return "_".join(
        c if c.isascii() and c.isalnum() else _SYMBOLS.get(c, f"U{ord(c):04X}")
        for c in text
    )


def field_candidates(
    wire_name: str, reserved: frozenset[str] = RESERVED_ATTRIBUTES
) -> list[str]:
    """Return candidate attribute names for a wire name (snake_case first, then verbatim)."""
    return list(_field_candidates(wire_name, reserved))


@_memo
def _field_candidates(wire_name: str, reserved: frozenset[str]) -> tuple[str, ...]:
    if not words(wire_name):  # nothing but symbols: spell them out
        spelled = "field_" + spell_symbols(wire_name).lower()
        return (fix_identifier(spelled, fallback="field", reserved=reserved),)
    return (
        fix_identifier(snake_case(wire_name), fallback="field", reserved=reserved),
        fix_identifier(sanitize(wire_name), fallback="field", reserved=reserved),
    )


def member_candidates(value: object) -> list[str]:
    """Return candidate enum member names for an enum value."""
    try:
        return list(_member_candidates(value))
    except TypeError:  # unhashable (an object or array as enum value)
        return list(_member_candidates.__wrapped__(value))


@_memo
def _member_candidates(value: object) -> tuple[str, ...]:
    text = str(value)
    fallback = "VALUE" if isinstance(value, str) else "V"
    upper = upper_snake(text)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        upper = sanitize(text.replace("-", "MINUS_").replace(".", "_")).upper()
    spelled = spell_symbols(text)
    spelled_name = fix_identifier(
        f"{fallback}_{sanitize(spelled)}", fallback=fallback, reserved=RESERVED_MEMBERS
    )
    if not upper:  # nothing but symbols: spell them out rather than fall back to VALUE
        return (spelled_name,)
    return (
        fix_identifier(upper, fallback=fallback, reserved=RESERVED_MEMBERS),
        fix_identifier(sanitize(text), fallback=fallback, reserved=RESERVED_MEMBERS),
        spelled_name,
    )


def function_suffix(class_name: str) -> str:
    """Return the snake_case suffix used for a model's module-level functions."""
    return fix_identifier(snake_case(class_name), fallback="model")
