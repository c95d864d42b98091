"""Values on the wire: the not-given sentinel, parameter styles, paths, query strings, and
the JSON form of request values (models, enums, dates).

Hand-written and spec-independent; copied verbatim into every generated package.
``_runtime`` re-exports the public names (generated code says ``_r.NOT_GIVEN``); the
request-body encoders of ``_content`` build on the same rules, so a boolean is ``true`` in a
query, a form field and a multipart part alike.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final, Literal

__all__ = [
    "NOT_GIVEN",
    "NotGiven",
    "QueryStyle",
    "FORM",
    "FORM_NO_EXPLODE",
    "DEEP_OBJECT",
    "render_path",
    "serialize_query",
]


class NotGiven:
    """Sentinel for an argument not passed where None means something (``timeout=None``)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


@dataclasses.dataclass(frozen=True)
class QueryStyle:
    """OpenAPI query parameter style: form (default), deepObject, pipe/spaceDelimited."""

    style: Literal["form", "deepObject", "pipeDelimited", "spaceDelimited"] = "form"
    explode: bool = True


FORM: Final = QueryStyle()
FORM_NO_EXPLODE: Final = QueryStyle("form", explode=False)
DEEP_OBJECT: Final = QueryStyle("deepObject")


def _scalar(value: Any) -> str:
    """Format one parameter value: booleans true/false, dates ISO 8601, enums by value."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        wire = getattr(value, "wire", None)
        if isinstance(wire, str):
            return wire
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, date):
        wire = getattr(value, "wire", None)
        return wire if isinstance(wire, str) else value.isoformat()
    return str(value)


_JSON_SCALARS: Final = frozenset({str, int, float, bool})


def _plain(value: Any) -> Any:
    """Turn models (``to_dict()``) and other dataclasses into mappings; keep the rest."""
    if value is None or type(value) in _JSON_SCALARS:  # the common case: no lookups
        return value
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and not isinstance(value, type):
        return to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return value


def _json_default(value: Any) -> Any:
    """``json.dumps`` hook: models, enums and dates inside a request body."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return _scalar(value)
    plain = _plain(value)
    if plain is value:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return plain


def _omitted(value: Any) -> bool:
    return value is None or isinstance(value, NotGiven)


def _is_list(value: Any) -> bool:
    return isinstance(value, (list, tuple, set, frozenset))


_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


@functools.lru_cache(maxsize=1024)
def _path_template(template: str) -> tuple[str, ...]:
    """``template`` split into literal text and placeholder names, alternately (parsed
    once per template: generated methods pass the same one on every call)."""
    return tuple(_PLACEHOLDER.split(template))


def render_path(template: str, params: Mapping[str, Any]) -> str:
    """Fill ``{name}`` placeholders with percent-encoded values (``quote(v, safe="")``).

    Empty values, ``.`` and ``..`` raise ValueError naming the parameter, so no value can
    change which path is requested; so do missing or unused parameters.
    """
    # Imported here, not at module import: urllib.parse takes milliseconds to import.
    from urllib.parse import quote

    parts = _path_template(template)
    pieces = [parts[0]]
    used: set[str] = set()
    for index in range(1, len(parts), 2):
        name = parts[index]
        if name not in params:
            raise ValueError(f"missing path parameter `{name}`")
        used.add(name)
        value = params[name]
        if _omitted(value):
            raise ValueError(
                f"expected a non-empty value for `{name}` but received {value!r}"
            )
        value = _plain(value)
        text = (
            ",".join(_scalar(v) for v in value) if _is_list(value) else _scalar(value)
        )
        if text in ("", ".", ".."):
            raise ValueError(
                f"expected a non-empty value for `{name}` but received {text!r}"
            )
        pieces.append(quote(text, safe=""))
        pieces.append(parts[index + 1])
    if len(used) != len(params):
        unused = set(params) - used
        raise ValueError(f"unknown path parameters {sorted(unused)} for {template!r}")
    return "".join(pieces)


def _deep(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    value = _plain(value)
    if _omitted(value):
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _deep(f"{prefix}[{key}]", item, out)
    elif _is_list(value):
        for index, item in enumerate(value):
            item = _plain(item)
            if isinstance(item, Mapping):
                _deep(f"{prefix}[{index}]", item, out)
            elif not _omitted(item):
                out.append((prefix, _scalar(item)))
    else:
        out.append((prefix, _scalar(value)))


def serialize_query(
    params: Mapping[str, Any], styles: Mapping[str, QueryStyle] | None = None
) -> list[tuple[str, str]]:
    """Serialize query parameters into ordered (name, value) pairs.

    None/NOT_GIVEN are left out (also inside lists and objects). Lists: form explode repeats
    the key, form without explode joins with commas, pipe/spaceDelimited join with ``|``/space.
    Objects (mappings, models with ``to_dict()``, dataclasses): deepObject gives
    ``filter[date_created_at][gte]=2021-04-25``, which is also the default for objects without
    a style; form explode gives one pair per member.
    """
    out: list[tuple[str, str]] = []
    if not params:
        return out
    styles = styles or {}
    for name, raw in params.items():
        value = _plain(raw)
        if _omitted(value):
            continue
        style = styles.get(name)
        if isinstance(value, Mapping):
            if style is None or style.style == "deepObject":
                _deep(name, value, out)
            elif style.explode:
                out.extend(
                    (str(k), _scalar(v)) for k, v in value.items() if not _omitted(v)
                )
            else:
                flat = [
                    s
                    for k, v in value.items()
                    if not _omitted(v)
                    for s in (k, _scalar(v))
                ]
                out.append((name, ",".join(flat)))
        elif _is_list(value):
            items = [_scalar(v) for v in value if not _omitted(v)]
            style = style or FORM
            if style.style == "pipeDelimited":
                out.append((name, "|".join(items)))
            elif style.style == "spaceDelimited":
                out.append((name, " ".join(items)))
            elif style.style == "form" and not style.explode:
                out.append((name, ",".join(items)))
            else:
                out.extend((name, item) for item in items)
        else:
            out.append((name, _scalar(value)))
    return out
