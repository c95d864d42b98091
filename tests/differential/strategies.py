"""Hypothesis strategies from JSON Schema documents: mostly valid instances, and mutants.

``instances(document)`` aims at valid instances (so deep paths get exercised) but needs
not always hit: the differential test compares verdicts on whatever it draws. It knows
objects (required plus some optional properties), strings by format/pattern/length, enums,
const, bounded numbers, arrays, nullable type lists, oneOf/anyOf (discriminator values
set), allOf (merged) and $ref into the document's $defs. ``mutants`` plants one defect at
a random place of an instance, without looking at the schema: a wrong type, an invalid
format-looking string, a removed key, an out-of-enum string or an extra property.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable
from datetime import timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from generator.runtime._validation import ecma_to_python

JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 1000),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(max_size=5), inner, max_size=3),
    ),
    max_leaves=6,
)
MAX_DEPTH = 5

_WORD = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
_OFFSETS = st.sampled_from(
    [
        timezone.utc,
        timezone(timedelta(hours=5, minutes=30)),
        timezone(-timedelta(hours=8)),
    ]
)


def _date_time(value: Any) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


FORMATS: dict[str, st.SearchStrategy[str]] = {
    "uuid": st.uuids().map(str),
    "date-time": st.datetimes(timezones=_OFFSETS).map(_date_time),
    "date": st.dates().map(lambda d: d.isoformat()),
    "time": st.times(timezones=_OFFSETS).map(lambda t: t.isoformat()),
    "email": st.builds(lambda a, b: f"{a}@{b}.com", _WORD, _WORD),
    "hostname": st.builds(lambda a, b: f"{a}.{b}.net", _WORD, _WORD),
    "uri": st.builds(lambda a, b: f"https://{a}.example.com/{b}", _WORD, _WORD),
    "url": st.builds(lambda a, b: f"https://{a}.example.com/{b}", _WORD, _WORD),
    "uri-reference": st.builds(lambda a: f"/{a}?q=1", _WORD),
    "ipv4": st.ip_addresses(v=4).map(str),
    "ipv6": st.ip_addresses(v=6).map(str),
    "duration": st.integers(0, 99).map(lambda n: f"P{n}DT{n % 24}H"),
}

# Strings that break formats, and a few that probe documented oracle differences.
BAD_FORMAT_STRINGS = (
    "",
    "not a value",
    "7b61621f-62e0-4aad-ab11-9fd19e272e7",
    "7b61621f62e04aadab119fd19e272e73",
    "2021-04-16T25:46:20Z",
    "2021-04-16T09:46:20",
    "2021-02-30",
    "2021-04-16",
    "09:46:20",
    "user@@example.com",
    "a b@example.com",
    "http://exa mple.com",
    "-bad-.example",
    "256.1.1.1",
    "1::2::3",
    "P1Y2",
    # Valid for ours and RFC 3339, rejected by jsonschema: documented divergences.
    "2021-04-16T23:59:60Z",
    "0000-01-01T00:00:00Z",
    "23:59:60Z",
    "a..b@example.com",
)


class Generator:
    """Build instance strategies for the schemas of one document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = document.get("$defs", {})
        self.document = document
        # (id of a schema, depth) -> (the schema, kept alive so its id stays its own;
        # the strategy). Merged allOf/union schemas are temporaries.
        self._cache: dict[tuple[int, int], tuple[Any, st.SearchStrategy[Any]]] = {}

    def instances(self) -> st.SearchStrategy[Any]:
        """Return the strategy of (mostly) valid instances of the document."""
        return self.of(self.document, 0)

    def of(self, schema: Any, depth: int) -> st.SearchStrategy[Any]:
        """Return the strategy of one (sub)schema at an instance depth, cached."""
        key = (id(schema), depth)
        if key not in self._cache:
            self._cache[key] = (schema, self._of(schema, depth))
        return self._cache[key][1]

    def _of(self, schema: Any, depth: int) -> st.SearchStrategy[Any]:
        if depth > MAX_DEPTH + 3:
            return JSON_SCALARS  # a cycle of required references: give up on validity
        if schema is True or schema == {}:
            return ANY_JSON if depth < MAX_DEPTH else JSON_SCALARS
        if not isinstance(schema, dict):
            return st.none()  # `false`: nothing is valid, anything will do
        schema = self._flatten(schema)
        if "const" in schema:
            return st.just(copy.deepcopy(schema["const"]))
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return st.sampled_from(schema["enum"]).map(copy.deepcopy)
        for keyword in ("oneOf", "anyOf"):
            if isinstance(schema.get(keyword), list) and schema[keyword]:
                return self._union(schema, keyword, depth)
        kinds = schema.get("type")
        if isinstance(kinds, str):
            kinds = [kinds]
        if not isinstance(kinds, list) or not kinds:
            kinds = _implied_types(schema)
        return st.one_of([self._typed(schema, kind, depth) for kind in kinds])

    def schema_at(self, path: tuple[Any, ...]) -> dict[str, Any]:
        """Return the (flattened) schema governing the instance at path, as far as
        properties/items/additionalProperties tell ({} through unions)."""
        schema: Any = self.document
        for token in path:
            if not isinstance(schema, dict):
                return {}
            schema = self._flatten(schema)
            if isinstance(token, int):
                schema = schema.get("items", {})
            else:
                props = schema.get("properties")
                if isinstance(props, dict) and token in props:
                    schema = props[token]
                else:
                    schema = schema.get("additionalProperties", {})
        return self._flatten(schema) if isinstance(schema, dict) else {}

    def _resolve(self, ref: str) -> Any:
        if ref.startswith("#/$defs/"):
            return self.defs.get(ref[8:], {})
        return {}

    def _flatten(self, schema: dict[str, Any]) -> dict[str, Any]:
        """Merge $ref and allOf into one schema (good enough to aim at valid values)."""
        merged: dict[str, Any] = {}
        parts = [schema]
        seen = 0
        while parts and seen < 20:
            part = parts.pop(0)
            seen += 1
            if not isinstance(part, dict):
                continue
            if isinstance(part.get("$ref"), str):
                parts.append(self._resolve(part["$ref"]))
            if isinstance(part.get("allOf"), list):
                parts.extend(part["allOf"])
            for key, value in part.items():
                if key in ("$ref", "allOf"):
                    continue
                if key == "properties" and isinstance(value, dict):
                    props = merged.setdefault("properties", {})
                    for name, sub in value.items():
                        props[name] = (
                            {"allOf": [props[name], sub]} if name in props else sub
                        )
                elif key == "required" and isinstance(value, list):
                    merged["required"] = list(
                        dict.fromkeys([*merged.get("required", []), *value])
                    )
                elif key == "type" and "type" in merged:
                    mine = (
                        merged["type"]
                        if isinstance(merged["type"], list)
                        else [merged["type"]]
                    )
                    theirs = value if isinstance(value, list) else [value]
                    both = [k for k in mine if k in theirs] or mine
                    merged["type"] = both
                else:
                    merged.setdefault(key, value)
        return merged

    def _union(
        self, schema: dict[str, Any], keyword: str, depth: int
    ) -> st.SearchStrategy[Any]:
        rest = {k: v for k, v in schema.items() if k not in (keyword, "discriminator")}
        branches = [
            {"allOf": [branch, rest]} if rest else branch for branch in schema[keyword]
        ]
        disc = schema.get("discriminator")
        if isinstance(disc, dict) and isinstance(disc.get("mapping"), dict):
            prop = disc.get("propertyName")
            options = []
            for value, ref in disc["mapping"].items():
                target = {"allOf": [{"$ref": ref}, rest]} if rest else {"$ref": ref}
                options.append(self.of(target, depth + 1).map(_tagger(prop, value)))
            if options:
                return st.one_of(options)
        return st.one_of([self.of(branch, depth + 1) for branch in branches])

    def _typed(
        self, schema: dict[str, Any], kind: str, depth: int
    ) -> st.SearchStrategy[Any]:
        if kind == "null":
            return st.none()
        if kind == "boolean":
            return st.booleans()
        if kind in ("integer", "number"):
            return _numbers(schema, kind)
        if kind == "string":
            return _strings(schema)
        if kind == "array":
            return self._array(schema, depth)
        if kind == "object":
            return self._object(schema, depth)
        return ANY_JSON

    def _array(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        low = int(schema.get("minItems", 0))
        high = int(schema.get("maxItems", low + (2 if depth < MAX_DEPTH else 0)))
        high = max(low, min(high, low + 3))
        items = schema.get("items", True)
        unique = schema.get("uniqueItems") is True
        return st.lists(
            self.of(items, depth + 1),
            min_size=low,
            max_size=high,
            unique_by=(lambda v: json.dumps(v, sort_keys=True)) if unique else None,
        )

    def _object(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
        props = (
            schema.get("properties")
            if isinstance(schema.get("properties"), dict)
            else {}
        )
        required = [r for r in schema.get("required", []) if isinstance(r, str)]
        fixed = {name: self.of(props.get(name, True), depth + 1) for name in required}
        optional = (
            {
                name: self.of(sub, depth + 1)
                for name, sub in props.items()
                if name not in fixed
            }
            if depth < MAX_DEPTH
            else {}
        )
        return st.fixed_dictionaries(fixed, optional=optional)


def _tagger(prop: Any, value: Any) -> Callable[[Any], Any]:
    def tag(instance: Any) -> Any:
        if isinstance(instance, dict) and isinstance(prop, str):
            return {**instance, prop: value}
        return instance

    return tag


def _implied_types(schema: dict[str, Any]) -> list[str]:
    if any(k in schema for k in ("properties", "required", "additionalProperties")):
        return ["object"]
    if any(k in schema for k in ("items", "prefixItems", "minItems", "maxItems")):
        return ["array"]
    if any(k in schema for k in ("pattern", "format", "minLength", "maxLength")):
        return ["string"]
    if any(k in schema for k in ("minimum", "maximum", "multipleOf")):
        return ["number"]
    return ["any"]


def _numbers(schema: dict[str, Any], kind: str) -> st.SearchStrategy[Any]:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    step = schema.get("multipleOf")
    if kind == "integer" or isinstance(step, int):
        lo = (
            None
            if low is None
            else math.ceil(low)
            + (
                1
                if "exclusiveMinimum" in schema
                and "minimum" not in schema
                and float(low).is_integer()
                else 0
            )
        )
        hi = (
            None
            if high is None
            else math.floor(high)
            - (
                1
                if "exclusiveMaximum" in schema
                and "maximum" not in schema
                and float(high).is_integer()
                else 0
            )
        )
        if isinstance(step, int) and step > 0:
            lo_k = None if lo is None else -(-lo // step)
            hi_k = None if hi is None else hi // step
            if lo_k is not None and hi_k is not None and lo_k > hi_k:
                return st.just(lo_k * step)
            return st.integers(lo_k, hi_k).map(lambda k: k * step)
        if lo is not None and hi is not None and lo > hi:
            return st.just(lo)
        return st.integers(lo, hi)
    if low is not None and high is not None and low > high:
        return st.just(low)
    return st.floats(
        low,
        high,
        allow_nan=False,
        allow_infinity=False,
        exclude_min="exclusiveMinimum" in schema and "minimum" not in schema,
        exclude_max="exclusiveMaximum" in schema and "maximum" not in schema,
    )


def _strings(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    low = int(schema.get("minLength", 0))
    high = schema.get("maxLength")
    fmt = schema.get("format")
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        try:
            base = st.from_regex(ecma_to_python(pattern))
        except Exception:  # noqa: BLE001 - hypothesis cannot build every regex
            base = st.text(max_size=12)
    elif isinstance(fmt, str) and fmt in FORMATS:
        base = FORMATS[fmt]
    else:
        return st.text(
            min_size=low, max_size=max(low, high if high is not None else low + 12)
        )
    return base.filter(lambda s: len(s) >= low and (high is None or len(s) <= high))


# -- mutations ---------------------------------------------------------------------


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*path, index))
    return out


def _wrong_type(value: Any) -> Any:
    if isinstance(value, bool):
        return "true"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return 12345
    if isinstance(value, list):
        return {"0": value[:1]}
    if isinstance(value, dict):
        return [value]
    return 0


def _replace(root: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    root = copy.deepcopy(root)
    parent = root
    for token in path[:-1]:
        parent = parent[token]
    parent[path[-1]] = new
    return root


@st.composite
def mutants(draw: st.DrawFn, generator: Generator) -> tuple[str, Any]:
    """Return (kind of mutation, mutated instance) with one defect planted in a drawn
    instance; the schema at the chosen place (when known) steers the defect."""
    value = draw(generator.instances())
    path = draw(st.sampled_from(_paths(value)))
    here: Any = value
    for token in path:
        here = here[token]
    schema = generator.schema_at(path)
    options = ["wrong type"]
    if isinstance(here, str):
        options += ["invalid format"]
    if isinstance(schema.get("enum"), list) and isinstance(here, (str, int)):
        options += ["out of enum"]
    if isinstance(here, dict):
        options += ["extra property"] + (["removed key"] if here else [])
        required = [k for k in schema.get("required", []) if k in here]
        options += ["removed required key"] if required else []
    kind = draw(st.sampled_from(options))
    if kind == "wrong type":
        return kind, _replace(value, path, _wrong_type(here))
    if kind == "invalid format":
        return kind, _replace(value, path, draw(st.sampled_from(BAD_FORMAT_STRINGS)))
    if kind == "out of enum":
        bad = here + "-not-in-enum" if isinstance(here, str) else here + 10**6
        return kind, _replace(value, path, bad)
    if kind == "extra property":
        return kind, _replace(value, path, {**here, "zz_unexpected": 1})
    keys = required if kind == "removed required key" else sorted(here)
    key = draw(st.sampled_from(keys))
    return kind, _replace(value, path, {k: v for k, v in here.items() if k != key})
