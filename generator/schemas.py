"""Stage 3, schemas: turn OpenAPI schema objects into TypeRefs and named Models.

Every object schema (component or inline), every enum of more than one value and every
component schema becomes a Model. Names are claimed in a fixed order (components first, in
file order, then inline schemas as operations reach them) so output never depends on hashing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from generator import naming
from generator.errors import Location
from generator.ir import Discriminator, EnumMember, Field, Model, TypeKind, TypeRef
from generator.resolve import Resolver, Target

ANY = TypeRef("any")
_PRIMITIVES: dict[str, TypeKind] = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "null": "null",
}
_FORMATS: dict[str, TypeKind] = {"date-time": "datetime", "date": "date"}
_COMPONENT_PREFIX = "/components/schemas/"


@dataclass
class _Draft:
    """A model whose name is fixed but whose body may still be under construction."""

    name: str
    snake: str
    target: Target
    component: bool
    model: Model | None = None
    building: bool = False


@dataclass
class SchemaAnalyzer:
    """Give every schema a type, creating Models for the ones that need a name."""

    resolver: Resolver
    classes: naming.Namespace = field(
        default_factory=lambda: naming.Namespace("class name")
    )
    functions: naming.Namespace = field(
        default_factory=lambda: naming.Namespace("model")
    )
    drafts: dict[tuple[str, str], _Draft] = field(default_factory=dict)
    unsupported: list[tuple[Location, str]] = field(default_factory=list)

    def declare_components(self) -> None:
        """Name every component schema up front so references can be typed in any order."""
        self.name_components()
        for name in self.component_names():
            self.build_component(name)

    def component_names(self) -> list[str]:
        """Return the names of the component schemas in file order."""
        return list(self.resolver.root.root.get("components", {}).get("schemas", {}))

    def name_components(self) -> None:
        """Claim the names of every component schema, in file order (built later)."""
        base = self.resolver.root_target()
        for name in self.component_names():
            target = base.child("components", "schemas", name)
            self._declare(target, [name], component=True)

    def build_component(self, name: str) -> None:
        """Build the model of one component schema (named by `name_components`)."""
        target = self.resolver.root_target().child("components", "schemas", name)
        self._build(self.drafts[target.key])

    def models(self) -> tuple[Model, ...]:
        """Return all models in declaration order."""
        return tuple(d.model for d in self.drafts.values() if d.model is not None)

    def name_of(self, target: Target) -> str | None:
        """Return the model name given to the schema at a target, if it has one."""
        draft = self.drafts.get(target.key)
        return draft.name if draft else None

    # -- naming -------------------------------------------------------------------------

    def _declare(self, target: Target, hint: list[str], *, component: bool) -> _Draft:
        existing = self.drafts.get(target.key)
        if existing is not None:
            return existing
        location = target.location()
        owner = "/".join(hint)
        candidates = naming.class_candidates(*hint) + naming.class_candidates(
            *hint, _location_word(target.pointer)
        )
        name = self.classes.claim(candidates, owner, location)
        snake = self.functions.claim(
            [naming.function_suffix(name), name, naming.function_suffix(name) + "_"],
            owner,
            location,
        )
        draft = _Draft(name, snake, target, component)
        self.drafts[target.key] = draft
        return draft

    def _model_ref(self, draft: _Draft, nullable: bool) -> TypeRef:
        return TypeRef("model", name=draft.name, nullable=nullable)

    # -- typing -------------------------------------------------------------------------

    def type_of(self, target: Target, hint: list[str]) -> TypeRef:
        """Return the type of the schema at a target; ``hint`` names models made for it."""
        schema = target.value
        if isinstance(schema, bool) or schema is None:
            return ANY
        if not isinstance(schema, dict):
            self._unsupported(target, "a schema must be an object or a boolean")
            return ANY
        if "$ref" in schema:
            ref_target = self.resolver.deref(target)
            draft = self.drafts.get(ref_target.key)
            nullable = schema.get("nullable") is True
            if draft is not None:
                return self._model_ref(draft, nullable)
            inner = self.type_of(ref_target, hint)
            return _with_null(inner) if nullable else inner
        draft = self.drafts.get(target.key)
        if draft is not None:
            return self._model_ref(draft, _is_nullable(schema))
        return self._structural(target, hint)

    def _structural(self, target: Target, hint: list[str]) -> TypeRef:
        schema: dict[str, Any] = target.value
        nullable = _is_nullable(schema)
        if "const" in schema:
            return _literal(schema["const"], nullable)
        if "enum" in schema:
            return self._enum_type(target, hint, nullable)
        for keyword in ("allOf", "oneOf", "anyOf"):
            if (
                keyword in schema
                and isinstance(schema[keyword], list)
                and schema[keyword]
            ):
                return self._composite(target, keyword, hint, nullable)
        types = _types(schema)
        if len(types) > 1:
            options = [self._single_type(target, t, hint) for t in types]
            return _union(options, nullable)
        return self._single_type(target, types[0] if types else "", hint, nullable)

    def _single_type(
        self, target: Target, kind: str, hint: list[str], nullable: bool = False
    ) -> TypeRef:
        schema: dict[str, Any] = target.value
        if kind == "string":
            fmt = schema.get("format")
            kind_of: TypeKind = (
                _FORMATS.get(fmt, "str") if isinstance(fmt, str) else "str"
            )
            return TypeRef(kind_of, nullable=nullable)
        if kind in _PRIMITIVES:
            return TypeRef(_PRIMITIVES[kind], nullable=nullable)
        if kind == "array" or (not kind and "items" in schema):
            items = schema.get("items")
            item_type = (
                self.type_of(target.child("items"), [*hint, "Item"])
                if isinstance(items, (dict, bool))
                else ANY
            )
            return TypeRef("list", (item_type,), nullable=nullable)
        if kind == "object" or (not kind and "properties" in schema):
            return self._object_type(target, hint, nullable)
        return TypeRef("any", nullable=nullable)

    def _object_type(self, target: Target, hint: list[str], nullable: bool) -> TypeRef:
        schema: dict[str, Any] = target.value
        if schema.get("properties"):
            draft = self._declare(target, hint, component=False)
            self._build(draft)
            return self._model_ref(draft, nullable)
        extra = schema.get("additionalProperties", True)
        value = (
            self.type_of(target.child("additionalProperties"), [*hint, "Value"])
            if isinstance(extra, dict)
            else ANY
        )
        return TypeRef("map", (value,), nullable=nullable)

    def _enum_type(self, target: Target, hint: list[str], nullable: bool) -> TypeRef:
        values = [v for v in target.value["enum"] if v is not None]
        nullable = nullable or len(values) < len(target.value["enum"])
        if len(values) == 1:
            return _literal(values[0], nullable)
        base = _enum_base(values)
        if not base:
            return _union([_literal(v, False) for v in values], nullable)
        draft = self._declare(target, hint, component=False)
        self._build(draft)
        return self._model_ref(draft, nullable)

    def _composite(
        self, target: Target, keyword: str, hint: list[str], nullable: bool
    ) -> TypeRef:
        members = [target.child(keyword, i) for i in range(len(target.value[keyword]))]
        non_null = [m for m in members if not _is_null_schema(m.value)]
        nullable = nullable or len(non_null) < len(members)
        if keyword == "allOf":
            if len(non_null) == 1 and not target.value.get("properties"):
                inner = self.type_of(non_null[0], hint)
                return _with_null(inner) if nullable else inner
            if self._all_objects(target):
                draft = self._declare(target, hint, component=False)
                self._build(draft)
                return self._model_ref(draft, nullable)
            return self.type_of(non_null[0], hint) if non_null else ANY
        options = [
            self.type_of(m, [*hint, _option_hint(m, i)]) for i, m in enumerate(non_null)
        ]
        return _union(options, nullable, self._discriminator(target))

    def _discriminator(self, target: Target) -> Discriminator | None:
        raw = target.value.get("discriminator")
        if not isinstance(raw, dict) or not isinstance(raw.get("propertyName"), str):
            return None
        mapping: list[tuple[str, str]] = []
        for value, ref in (raw.get("mapping") or {}).items():
            at = target.child("discriminator", "mapping", value)
            name = self.name_of(self.resolver.deref(self.resolver.lookup(ref, at)))
            if name is not None:
                mapping.append((str(value), name))
        return Discriminator(raw["propertyName"], tuple(mapping))

    def _all_objects(self, target: Target) -> bool:
        for member in self._flatten_all_of(target):
            if _types(member.value) not in ([], ["object"]) or "enum" in member.value:
                return False
        return True

    def _flatten_all_of(self, target: Target) -> list[Target]:
        """Return the allOf members (refs followed, nested allOf flattened) plus the node itself."""
        out: list[Target] = []
        stack = [target]
        seen: set[tuple[str, str]] = set()
        while stack:
            node = self.resolver.deref(stack.pop(0))
            if node.key in seen or not isinstance(node.value, dict):
                continue
            seen.add(node.key)
            out.append(node)
            members = node.value.get("allOf")
            if isinstance(members, list):
                stack[0:0] = [node.child("allOf", i) for i in range(len(members))]
        return out

    # -- models -------------------------------------------------------------------------

    def _build(self, draft: _Draft) -> None:
        if draft.model is not None or draft.building:
            return
        draft.building = True
        target = draft.target
        schema = target.value if isinstance(target.value, dict) else {}
        common = dict(
            name=draft.name,
            snake=draft.snake,
            pointer=target.pointer,
            location=target.location(),
            component=draft.component,
            description=str(schema.get("description") or ""),
            examples=_examples(schema),
        )
        resolved = self.resolver.deref(target) if "$ref" in schema else target
        body = resolved.value if isinstance(resolved.value, dict) else {}
        values = (
            [v for v in body.get("enum", []) if v is not None] if "enum" in body else []
        )
        if len(values) > 1 and _enum_base(values):
            draft.model = self._enum_model(resolved, values, common)
        elif _is_object_like(body) and (
            "allOf" not in body or self._all_objects(resolved)
        ):
            draft.model = self._object_model(resolved, [draft.name], common)
        else:
            # The draft must be named before typing so recursive aliases end at the name.
            alias = (
                self._structural(resolved, [draft.name])
                if "$ref" not in schema
                else (self.type_of(resolved, [draft.name]))
            )
            draft.model = Model(kind="alias", alias=alias, **common)  # type: ignore[arg-type]

    def _enum_model(
        self, target: Target, values: list[Any], common: dict[str, Any]
    ) -> Model:
        members = naming.Namespace("enum member", naming.RESERVED_MEMBERS)
        out = []
        for value in values:
            at = target.child("enum", target.value["enum"].index(value))
            py = members.claim(
                naming.member_candidates(value), repr(value), at.location()
            )
            out.append(EnumMember(py, value))
        return Model(
            kind="enum", enum_base=_enum_base(values), members=tuple(out), **common
        )

    def _object_model(
        self, target: Target, hint: list[str], common: dict[str, Any]
    ) -> Model:
        properties: dict[str, Target] = {}
        required: set[str] = set()
        additional: Any = True
        for part in self._flatten_all_of(target):
            props = part.value.get("properties") or {}
            for wire in props:
                properties[wire] = part.child("properties", wire)
            required.update(
                r for r in part.value.get("required", []) if isinstance(r, str)
            )
            if "additionalProperties" in part.value:
                additional = part.child("additionalProperties")
        names = naming.Namespace("property", naming.RESERVED_ATTRIBUTES)
        # Wire names already in snake_case keep their spelling; others adapt around them.
        py_names: dict[str, str] = {}
        for wire in sorted(properties, key=lambda w: naming.snake_case(w) != w):
            py_names[wire] = names.claim(
                naming.field_candidates(wire), wire, properties[wire].location()
            )
        fields = [
            self._field(properties[w], w, py_names[w], w in required, hint)
            for w in properties
        ]
        extra_type: TypeRef | None = None
        closed = False
        if isinstance(additional, Target):
            if additional.value is False:
                closed = True
            elif isinstance(additional.value, dict) and additional.value:
                extra_type = self.type_of(additional, [*hint, "Value"])
        return Model(
            kind="object",
            fields=tuple(fields),
            additional=extra_type,
            closed=closed,
            **common,
        )

    def _field(
        self, target: Target, wire: str, py: str, required: bool, hint: list[str]
    ) -> Field:
        schema = target.value if isinstance(target.value, dict) else {}
        described = self.resolver.deref(target).value if "$ref" in schema else schema
        described = described if isinstance(described, dict) else {}
        return Field(
            wire_name=wire,
            py_name=py,
            type=self.type_of(target, [*hint, wire]),
            required=required,
            description=str(
                schema.get("description") or described.get("description") or ""
            ),
            default=schema.get("default"),
            has_default="default" in schema,
            read_only=bool(schema.get("readOnly") or described.get("readOnly")),
            write_only=bool(schema.get("writeOnly") or described.get("writeOnly")),
            deprecated=bool(schema.get("deprecated")),
            example=schema.get("example", described.get("example")),
            has_example="example" in schema or "example" in described,
        )

    def _unsupported(self, target: Target, message: str) -> None:
        self.unsupported.append((target.location(), message))


def _location_word(pointer: str) -> str:
    """Return a word naming the kind of place a schema stands in, to tell apart equal hints."""
    for prefix, word in (
        ("/components/parameters/", "Parameter"),
        ("/components/responses/", "Response"),
        ("/components/requestBodies/", "RequestBody"),
        ("/components/headers/", "Header"),
        ("/components/schemas/", "Schema"),
        ("/paths/", "Inline"),
    ):
        if pointer.startswith(prefix):
            return word
    return "Schema"


def _is_object_like(schema: dict[str, Any]) -> bool:
    return _types(schema) in ([], ["object"]) and bool(
        schema.get("properties")
        or "allOf" in schema
        or (
            _types(schema) == ["object"]
            and "additionalProperties" not in schema
            and "oneOf" not in schema
            and "anyOf" not in schema
        )
    )


def _types(schema: dict[str, Any]) -> list[str]:
    raw = schema.get("type")
    found = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
    return [t for t in found if t != "null"]


def _is_nullable(schema: dict[str, Any]) -> bool:
    raw = schema.get("type")
    return schema.get("nullable") is True or (isinstance(raw, list) and "null" in raw)


def _is_null_schema(schema: Any) -> bool:
    return isinstance(schema, dict) and (
        schema.get("type") == "null" or schema.get("enum") == [None]
    )


def _with_null(t: TypeRef) -> TypeRef:
    return TypeRef(t.kind, t.args, t.name, t.value, True, t.discriminator)


def _literal(value: Any, nullable: bool) -> TypeRef:
    if value is None:
        return TypeRef("null")
    if isinstance(value, (dict, list)):
        return TypeRef("any", nullable=nullable)
    return TypeRef("literal", value=value, nullable=nullable)


def _union(
    options: list[TypeRef], nullable: bool, disc: Discriminator | None = None
) -> TypeRef:
    flat: list[TypeRef] = []
    for option in options:
        nullable = nullable or option.nullable or option.kind == "null"
        plain = TypeRef(
            option.kind,
            option.args,
            option.name,
            option.value,
            False,
            option.discriminator,
        )
        if option.kind != "null" and plain not in flat:
            flat.append(plain)
    if any(o.kind == "any" for o in flat):
        return TypeRef("any", nullable=nullable)
    if len(flat) == 1:
        return _with_null(flat[0]) if nullable else flat[0]
    if not flat:
        return TypeRef("null")
    return TypeRef("union", tuple(flat), nullable=nullable, discriminator=disc)


def _enum_base(values: list[Any]) -> Literal["str", "int", ""]:
    if values and all(isinstance(v, str) for v in values):
        return "str"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "int"
    return ""


def _option_hint(member: Target, index: int) -> str:
    title = member.value.get("title") if isinstance(member.value, dict) else None
    return title if isinstance(title, str) and title.strip() else f"Option{index + 1}"


def _examples(schema: dict[str, Any]) -> tuple[Any, ...]:
    found: list[Any] = []
    if "example" in schema:
        found.append(schema["example"])
    if isinstance(schema.get("examples"), list):
        found.extend(schema["examples"])
    return tuple(found)
