"""Template contexts: what each template receives, with every type, name and default decided.

These dataclasses are the contract for users who override templates: a template may use the
fields documented here and nothing else (the Jinja environment is StrictUndefined). Every
string field that holds code is either an identifier made by `generator.naming`, a Python
literal made by `py_literal`, or an expression assembled from those two.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.runtime import _errors
from generator.body_views import response_kinds
from generator.ir import Api, Field, Model
from generator.pytypes import TypeNamer, py_literal


@dataclass(frozen=True)
class FieldView:
    """One dataclass attribute.

    ``name``: attribute identifier; ``wire``: the JSON key as a literal; ``annotation``: type
    text; ``default``: default expression or "" when the field is required; ``local``: the
    local variable ``from_dict`` reads the wire value into; ``decode``: the expression over
    ``local`` that becomes the attribute (for a timestamp, `_s.read_datetime`, the exact
    path); ``fast`` and ``valid``: the same on the fast paths of ``from_dict`` and
    ``from_validated``; ``encode``: the expression that turns ``self.<name>`` back into JSON
    data; ``doc``: docstring literal or "". A timestamp field also has ``stamp``, the local
    its fast-path parse goes to, and ``wire_attr``, the private attribute that keeps its wire
    value so that it re-encodes exactly; both are "" for other fields.
    """

    name: str
    wire: str
    annotation: str
    default: str
    local: str
    decode: str
    fast: str
    valid: str
    encode: str
    doc: str
    stamp: str
    wire_attr: str


@dataclass(frozen=True)
class ClassView:
    """One object model rendered as a dataclass.

    ``wire_names``: a literal tuple of its JSON keys in black's layout (from two keys on,
    exploded one a line at the class body's indentation); ``fields`` in declaration order;
    ``stamps``: its timestamp fields (a subset of ``fields``). ``from_dict`` and
    ``from_validated`` have a fast path for a plain dict holding exactly the declared keys:
    every key read, every stamp parsed, then the object is built when ``check`` (for
    ``from_dict``: no null, every stamp with an offset) or ``valid_check`` (for
    ``from_validated``: no null where the schema allows one) holds, each "" when there is
    nothing to check; ``refusals`` is what the reads and parses may raise.
    """

    name: str
    snake: str
    doc: str
    fields: tuple[FieldView, ...]
    wire_names: str
    stamps: tuple[FieldView, ...]
    check: str
    valid_check: str
    refusals: str


@dataclass(frozen=True)
class MemberView:
    """One enum member: identifier and value literal."""

    name: str
    value: str


@dataclass(frozen=True)
class EnumView:
    """One open enum: ``base`` is the runtime base class expression."""

    name: str
    snake: str
    doc: str
    base: str
    members: tuple[MemberView, ...]


@dataclass(frozen=True)
class AliasView:
    """A named alias of another type: ``annotation`` is a string literal of the aliased type,
    ``decode`` a decoder expression or "" when values need no decoding."""

    name: str
    snake: str
    doc: str
    annotation: str
    decode: str


@dataclass(frozen=True)
class HelperView:
    """A module-level decoder for a composite type: ``expression`` reads ``value`` and is
    returned when ``guard`` holds (or is ""); otherwise ``value`` is returned unchanged.
    """

    name: str
    guard: str
    expression: str


@dataclass(frozen=True)
class LoopView:
    """A module-level decoder of a list of ``cls`` objects, with the fast path of
    ``from_validated`` or ``from_dict`` inline: ``check`` is that path's condition and
    ``fast`` the FieldView attribute holding its slot expressions ("valid" or "fast").
    """

    name: str
    cls: ClassView
    check: str
    fast: str


@dataclass(frozen=True)
class ModelsView:
    """Context of ``models.py.j2``: ``header`` is the comment block every file starts with;
    ``exports`` are string literals for ``__all__``."""

    header: str
    doc: str
    enums: tuple[EnumView, ...]
    classes: tuple[ClassView, ...]
    aliases: tuple[AliasView, ...]
    helpers: tuple[HelperView, ...]
    loops: tuple[LoopView, ...]
    exports: tuple[str, ...]


@dataclass(frozen=True)
class ValidatorsView:
    """Context of ``validators.py.j2``: ``body`` is the compiled validator code."""

    header: str
    doc: str
    body: str


@dataclass(frozen=True)
class PackageView:
    """Context of ``__init__.py.j2``: ``groups`` are (relative module, exported names) and
    ``submodules`` the submodule names exposed as attributes. Everything is loaded lazily
    on first use (PEP 562), so importing the package costs almost nothing; type checkers
    see explicit re-exports. ``exports`` are string literals for ``__all__``;
    ``spec_sha256`` is the literal of the spec's hash (``__spec_sha256__``)."""

    header: str
    doc: str
    version: str
    spec_sha256: str
    groups: tuple[tuple[str, tuple[str, ...]], ...]
    submodules: tuple[str, ...]
    exports: tuple[str, ...]
    lazy: tuple[tuple[str, str], ...]


# What the package root re-exports from the HTTP runtime (models of the same name win):
# every error class users catch, and the sentinel and raw response they annotate with.
RUNTIME_EXPORTS = tuple(
    name for name in _errors.__all__ if name[:1].isupper() and not name.isupper()
) + ("NOT_GIVEN", "NotGiven", "RawResponse")

# ... and, when some operation streams server-sent events, what its methods return.
STREAM_EXPORTS = ("AsyncEventStream", "EventStream", "ServerSentEvent")


@dataclass(frozen=True)
class DocView:
    """Context of a module that holds only its header and docstring."""

    header: str
    doc: str


def doc_literal(text: str) -> str:
    """Return a docstring literal for spec text, or "" when there is none."""
    text = text.strip()
    return py_literal(text) if text else ""


def _field_view(field: Field, types: TypeNamer, stamp: int | None) -> FieldView:
    """``stamp``: the field's index among the model's timestamps, if it is one."""
    annotation = types.annotation(field.type)
    optional = not field.required or field.type.nullable
    if (
        not field.required
        and not field.type.nullable
        and field.type.kind not in ("any", "null")
    ):
        annotation += " | None"
    wire = py_literal(field.wire_name)
    # Distinct attributes give distinct locals, and no other name from_dict uses (cls, data,
    # raw, value, type, len, _s, _t<N>, module globals) ends with "_": this shadows nothing.
    local = f"{field.py_name}_"
    decoder = types.decoder(field.type)
    plain = field.type.kind in ("str", "int", "float", "bool", "literal", "null")
    encode = f"self.{field.py_name}" if plain else f"_s.dump(self.{field.py_name})"
    stamp_local = wire_attr = ""
    if stamp is not None:
        decoder = "_s.read_datetime"
        # Fields never start with "_", so neither name can meet a field or its local.
        wire_attr = f"_cg_wire_{field.py_name}"
        stamp_local = f"_t{stamp}"
        encode = f"_s.dump_datetime(self.{field.py_name}, self.{wire_attr})"
    decode = f"{decoder}({local})" if decoder else local
    valid = types.validated_decoder(field.type)
    return FieldView(
        name=field.py_name,
        wire=wire,
        annotation=annotation,
        default="None" if optional else "",
        local=local,
        decode=decode,
        fast=stamp_local or decode,
        valid=stamp_local or (f"{valid}({local})" if valid else local),
        encode=encode,
        doc=doc_literal(field.description),
        stamp=stamp_local,
        wire_attr=wire_attr,
    )


def _class_view(model: Model, types: TypeNamer) -> ClassView:
    """Build the view of an object model."""
    stamps_at = [f for f in model.fields if f.type.kind == "datetime"]
    fields = tuple(
        _field_view(f, types, stamps_at.index(f) if f in stamps_at else None)
        for f in model.fields
    )
    stamps = tuple(f for f in fields if f.stamp)
    # A null stamp fails its parse (TypeError), so only other fields need a null check.
    others = [(v, f) for v, f in zip(fields, model.fields) if not v.stamp]
    return ClassView(
        name=model.name,
        snake=model.snake,
        doc=doc_literal(model.description),
        fields=fields,
        wire_names=_exploded_tuple([py_literal(f.wire_name) for f in model.fields], 4),
        stamps=stamps,
        check=" and ".join(
            [f"{v.local} is not None" for v, _ in others]
            + [f"{v.stamp}.tzinfo is not None" for v in stamps]
        ),
        # The validator proved every non-nullable value non-null and every date-time an
        # RFC 3339 one, whose offset fromisoformat keeps.
        valid_check=" and ".join(
            f"{v.local} is not None" for v, f in others if types.may_be_null(f.type)
        ),
        refusals="(KeyError, TypeError, ValueError)" if stamps else "KeyError",
    )


def _loop_view(name: str, cls: ClassView, validated: bool) -> LoopView:
    if validated:
        return LoopView(name, cls, cls.valid_check, "valid")
    return LoopView(name, cls, cls.check, "fast")


def _exploded_tuple(items: list[str], indent: int) -> str:
    """Return a tuple display in black's layout whatever its length: from two items on,
    exploded with a magic trailing comma, which black always keeps exploded."""
    if len(items) < 2:
        return f"({items[0]},)" if items else "()"
    inner = " " * (indent + 4)
    return "(\n" + "".join(f"{inner}{item},\n" for item in items) + " " * indent + ")"


def models_view(api: Api, header: str) -> ModelsView:
    """Build the context of the models module."""
    types = TypeNamer(api.models)
    enums, classes, aliases = [], [], []
    for model in api.models:
        if model.kind == "enum":
            base = "_s.OpenIntEnum" if model.enum_base == "int" else "_s.OpenStrEnum"
            members = tuple(
                MemberView(m.py_name, py_literal(m.value)) for m in model.members
            )
            enums.append(
                EnumView(
                    model.name,
                    model.snake,
                    doc_literal(model.description),
                    base,
                    members,
                )
            )
        elif model.kind == "object":
            classes.append(_class_view(model, types))
        else:
            assert model.alias is not None
            aliases.append(
                AliasView(
                    model.name,
                    model.snake,
                    doc_literal(model.description),
                    py_literal(types.annotation(model.alias)),
                    types.decoder(model.alias) or "",
                )
            )
    by_name = {c.name: c for c in classes}
    return ModelsView(
        header=header,
        doc=py_literal(
            f"Data classes for {api.title or 'the API'}: one per schema, exact wire round trips."
        ),
        enums=tuple(enums),
        classes=tuple(classes),
        aliases=tuple(aliases),
        helpers=tuple(HelperView(n, g, e) for n, (g, e) in types.helpers.items()),
        loops=tuple(
            _loop_view(name, by_name[model], validated)
            for name, (model, validated) in types.loops.items()
        ),
        exports=tuple(py_literal(name) for name in model_names(api.models)),
    )


def model_names(models: tuple[Model, ...]) -> tuple[str, ...]:
    """Return the exported names of the models module, sorted."""
    return tuple(sorted(m.name for m in models))


def package_view(
    api: Api, header: str, doc: str, client: tuple[str, str] | None
) -> PackageView:
    """Build the context of the package ``__init__``; ``client`` names the client classes."""
    models = model_names(api.models)
    groups: list[tuple[str, tuple[str, ...]]] = []
    if client is not None:
        groups.append(("._client", tuple(sorted(client))))
        taken = set(models)
        streaming = any("events" in response_kinds(op) for op in api.operations)
        exported = RUNTIME_EXPORTS + (STREAM_EXPORTS if streaming else ())
        groups.append(
            ("._runtime", tuple(sorted(n for n in exported if n not in taken)))
        )
    groups.append((".models", models))
    if "ValidationError" not in models:  # a model of that name wins, as above
        groups.append((".validators", ("ValidationError",)))
    submodules = ("models", "validators", *(("webhooks",) if api.webhooks else ()))
    names = sorted({n for _, group in groups for n in group} | set(submodules))
    return PackageView(
        header=header,
        doc=doc,
        version=py_literal(api.version or "0"),
        spec_sha256=py_literal(api.spec_sha256),
        groups=tuple(groups),
        submodules=submodules,
        exports=tuple(py_literal(n) for n in names),
        lazy=tuple(
            [(py_literal(m), py_literal("")) for m in submodules]
            + [(py_literal(n), py_literal(m)) for m, group in groups for n in group]
        ),
    )
