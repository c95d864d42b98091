"""Stage 3, schemas as documents: OpenAPI schema objects -> JSON Schema 2020-12.

Each model's schema is converted once, with references rewritten to ``#/$defs/<Model>``;
documents then carry the transitive closure of what they reference. OpenAPI 3.0's dialect
(``nullable``, boolean ``exclusiveMinimum``/``exclusiveMaximum``, ``example``) is translated
so one validator compiler and the jsonschema oracle see the same 2020-12 meaning.
"""

from __future__ import annotations

import json
from typing import Any

from generator.errors import SpecError
from generator.validation.errors import IMPLICIT_MAPPING
from generator.resolve import Resolver, Target
from generator.schemas import SchemaAnalyzer

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_SCHEMA_MAPS = (
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
_SCHEMA_ONE = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
    "contentSchema",
)
# OpenAPI-only keywords that mean nothing to JSON Schema and would only confuse readers.
_DROPPED = ("xml", "externalDocs", "nullable", "example")


class SchemaConverter:
    """Convert spec schemas into 2020-12 bodies keyed by model name."""

    def __init__(
        self, resolver: Resolver, schemas: SchemaAnalyzer, openapi: str
    ) -> None:
        self.resolver = resolver
        self.schemas = schemas
        self.legacy = openapi.startswith("3.0") or openapi.startswith("2.")
        self._stack: list[tuple[str, str]] = []

    def bodies(self) -> dict[str, Any]:
        """Return the converted schema of every model, in model order."""
        out: dict[str, Any] = {}
        for draft in self.schemas.drafts.values():
            out[draft.name] = self.convert(draft.target, top=True)
        return out

    def convert(self, target: Target, *, top: bool = False) -> Any:
        """Return the 2020-12 form of one schema node."""
        value = target.value
        if not isinstance(value, dict):
            return value if isinstance(value, bool) else {}
        if not top:
            name = self.schemas.name_of(target)
            if name is not None:
                return self._nullable({"$ref": f"#/$defs/{name}"}, value)
        if "$ref" in value:
            return self._reference(target)
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in _DROPPED or key.startswith("x-"):
                continue
            if key in _SCHEMA_MAPS and isinstance(item, dict):
                out[key] = {k: self.convert(target.child(key, k)) for k in item}
            elif key in _SCHEMA_LISTS and isinstance(item, list):
                out[key] = [
                    self.convert(target.child(key, i)) for i in range(len(item))
                ]
            elif key in _SCHEMA_ONE and isinstance(item, (dict, bool)):
                out[key] = self.convert(target.child(key))
            elif key in _SCHEMA_ONE and key == "items" and isinstance(item, list):
                out["prefixItems"] = [
                    self.convert(target.child(key, i)) for i in range(len(item))
                ]
            elif key == "discriminator" and isinstance(item, dict):
                out[key] = self._discriminator(target.child(key), value)
            else:
                out[key] = item
        if "example" in value and "examples" not in value:
            out["examples"] = [value["example"]]
        if self.legacy:
            _legacy_bounds(out, value)
        return self._nullable(out, value)

    def _reference(self, target: Target) -> Any:
        ref_target = self.resolver.deref(target)
        name = self.schemas.name_of(ref_target)
        if name is not None:
            converted: Any = {"$ref": f"#/$defs/{name}"}
        else:
            if ref_target.key in self._stack:
                raise SpecError(
                    target.location(),
                    "unsupported: a cycle of $refs through unnamed schemas",
                )
            self._stack.append(ref_target.key)
            converted = self.convert(ref_target)
            self._stack.pop()
        siblings = {k: v for k, v in target.value.items() if k != "$ref"}
        if siblings and not self.legacy:
            rest = self.convert(Target(target.doc, target.pointer, siblings), top=True)
            rest.pop("$ref", None)
            if rest:
                converted = (
                    {"$ref": converted["$ref"], **rest}
                    if "$ref" in converted
                    else {"allOf": [converted], **rest}
                )
        return self._nullable(converted, target.value)

    def _nullable(self, converted: Any, raw: dict[str, Any]) -> Any:
        if raw.get("nullable") is not True or not isinstance(converted, dict):
            return converted
        kind = converted.get("type")
        if isinstance(kind, str):
            converted["type"] = [kind, "null"]
        elif isinstance(kind, list) and "null" not in kind:
            converted["type"] = [*kind, "null"]
        elif kind is None:
            return {"anyOf": [converted, {"type": "null"}]}
        if isinstance(converted.get("enum"), list) and None not in converted["enum"]:
            converted["enum"] = [*converted["enum"], None]
        return converted

    def _discriminator(self, target: Target, parent: dict[str, Any]) -> dict[str, Any]:
        """Rewrite the mapping to model references and spell out the implicit one.

        OpenAPI maps a ``$ref`` branch of the oneOf/anyOf no explicit entry names by its
        component name; models may be renamed, so the converted mapping lists it too.
        """
        out = {k: v for k, v in target.value.items() if k != "mapping"}
        mapping = target.value.get("mapping")
        rewritten: dict[str, str] = {}
        if isinstance(mapping, dict):
            for key, ref in mapping.items():
                at = target.child("mapping", key)
                name = self.schemas.name_of(
                    self.resolver.deref(self.resolver.lookup(ref, at))
                )
                rewritten[key] = f"#/$defs/{name}" if name else ref
        explicit = set(rewritten.values())
        parent_target = Target(target.doc, target.pointer.rsplit("/", 1)[0], parent)
        for keyword in ("oneOf", "anyOf"):
            branches = parent.get(keyword)
            for i, branch in enumerate(branches if isinstance(branches, list) else []):
                if not isinstance(branch, dict) or not isinstance(
                    branch.get("$ref"), str
                ):
                    continue
                ref_target = self.resolver.deref(parent_target.child(keyword, i))
                name = self.schemas.name_of(ref_target)
                component = ref_target.pointer.rsplit("/", 1)[-1]
                component = component.replace("~1", "/").replace("~0", "~")
                if name and f"#/$defs/{name}" not in explicit:
                    rewritten.setdefault(component, f"#/$defs/{name}")
        if rewritten or isinstance(mapping, dict):
            out["mapping"] = rewritten
        if not isinstance(mapping, dict) and rewritten:
            # Only the implicit by-name mapping: real specs often put enum values there
            # instead (Telnyx's SummaryLine sends "comparative"), so validators must not
            # reject what the oneOf itself accepts.
            out[IMPLICIT_MAPPING] = True
        return out


def _legacy_bounds(out: dict[str, Any], raw: dict[str, Any]) -> None:
    """Rewrite OpenAPI 3.0's boolean exclusive bounds into 2020-12's numeric ones."""
    for exclusive, bound in (
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ):
        flag = raw.get(exclusive)
        if isinstance(flag, bool):
            del out[exclusive]
            if flag and bound in out:
                out[exclusive] = out.pop(bound)


def references(schema: Any) -> list[str]:
    """Return the model names a converted schema refers to, in first-seen order."""
    found: list[str] = []
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and ref[8:] not in found:
            found.append(ref[8:])
        children: list[Any] = []
        for key, item in node.items():
            if key in _SCHEMA_MAPS and isinstance(item, dict):
                children.extend(item.values())
            elif key in _SCHEMA_LISTS and isinstance(item, list):
                children.extend(item)
            elif key in _SCHEMA_ONE:
                children.append(item)
        stack.extend(reversed(children))
    return found


def document(name: str, bodies: dict[str, Any], comment: str) -> dict[str, Any]:
    """Build the self-contained document of one model: its schema plus every definition it needs.

    A model that references itself (directly or through others) is its own definition too:
    references are ``#/$defs/<Model>`` everywhere, the document root included.
    """
    body = bodies[name]
    closure: list[str] = []
    pending = [name]
    while pending:
        current = pending.pop(0)
        for ref in references(bodies[current]):
            if ref not in closure:
                closure.append(ref)
                pending.append(ref)
    doc: dict[str, Any] = {"$comment": comment, "$schema": DIALECT}
    if isinstance(body, dict):
        doc.update(body)
        doc.setdefault("title", name)
    elif body is False:
        doc["not"] = {}
    if closure:
        doc["$defs"] = {ref: bodies[ref] for ref in sorted(closure)}
    return doc


def document_text(doc: dict[str, Any], encoded: dict[str, str]) -> str:
    """Return ``json.dumps(doc, indent=2, ensure_ascii=False)`` plus a newline.

    ``encoded`` maps definition names to their indented JSON text and is filled as a side
    effect: the documents of a large API share most definitions, so each is encoded once.
    """
    defs = doc.get("$defs")
    if not defs or next(reversed(doc)) != "$defs":
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    head = json.dumps({k: v for k, v in doc.items() if k != "$defs"}, **_JSON)
    parts = []
    for name, schema in defs.items():
        text = encoded.get(name)
        if text is None:
            # At depth two in every document: its lines move four columns right.
            text = json.dumps(schema, **_JSON).replace("\n", "\n    ")
            encoded[name] = text
        parts.append(f"    {json.dumps(name, ensure_ascii=False)}: {text}")
    body = ",\n".join(parts)
    return f'{head[:-2]},\n  "$defs": {{\n{body}\n  }}\n}}\n'


_JSON: dict[str, Any] = {"indent": 2, "ensure_ascii": False}
