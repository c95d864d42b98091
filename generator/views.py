"""Template contexts: what each template receives, with every type, name and default decided.

These dataclasses are the contract for users who override templates: a template may use the
fields documented here and nothing else (the Jinja environment is StrictUndefined). Every
string field that holds code is either an identifier made by `generator.naming`, a Python
literal made by `py_literal`, or an expression assembled from those two.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.runtime import _errors
from generator.ir import Api, Field, Model
from generator.pytypes import TypeNamer, py_literal


@dataclass(frozen=True)
class FieldView:
    """One dataclass attribute.

    ``name``: attribute identifier; ``wire``: the JSON key as a literal; ``annotation``: type
    text; ``default``: default expression or "" when the field is required; ``local``: the
    local variable ``from_dict`` reads the wire value into (``raw.get(wire)``); ``decode``: the
    expression over ``local`` that becomes the attribute; ``encode``: the expression that turns
    ``self.<name>`` back into JSON data; ``doc``: docstring literal or "". ``stamp``: for a
    timestamp field, the local that holds it parsed on the fast path (see `ClassView`), else
    "" (its ``decode`` is then the exact path that `_s.read_stamps` also takes).
    """

    name: str
    wire: str
    annotation: str
    default: str
    local: str
    decode: str
    encode: str
    doc: str
    stamp: str


@dataclass(frozen=True)
class ClassView:
    """One object model rendered as a dataclass.

    ``wire_names``: a literal tuple of its JSON keys; ``fields`` in declaration order;
    ``complete``: the condition, over the fields' locals and ``raw``, under which the object
    has exactly the declared keys and no nulls (so no unknown keys or nulls to remember).

    Timestamp fields (``stamps``, a subset of ``fields``) keep their wire values in
    ``_cg_wire`` so that they re-encode exactly: ``wire_keep`` is the tuple expression of
    their locals, ``wire_default`` its value for objects made in Python, ``stamp_names`` a
    literal tuple of their attribute names; all "" when there are none. On the complete path
    they are parsed by ``_s.fromisoformat`` into their ``stamp`` locals and ``naive`` is the
    condition that one of those lacks an offset (then, or on a parse error, `_s.read_stamps`
    decodes them the exact way).
    """

    name: str
    snake: str
    doc: str
    fields: tuple[FieldView, ...]
    wire_names: str
    complete: str
    stamps: tuple[FieldView, ...]
    wire_keep: str
    wire_default: str
    stamp_names: str
    naive: str


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
    """A module-level decoder for a composite type: ``expression`` reads ``value``."""

    name: str
    expression: str


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
    see explicit re-exports. ``exports`` are string literals for ``__all__``."""

    header: str
    doc: str
    version: str
    groups: tuple[tuple[str, tuple[str, ...]], ...]
    submodules: tuple[str, ...]
    exports: tuple[str, ...]
    lazy: tuple[tuple[str, str], ...]


# What the package root re-exports from the HTTP runtime (models of the same name win):
# every error class users catch, and the sentinel and raw response they annotate with.
RUNTIME_EXPORTS = tuple(
    name for name in _errors.__all__ if name[:1].isupper() and not name.isupper()
) + ("NOT_GIVEN", "NotGiven", "RawResponse")


@dataclass(frozen=True)
class DocView:
    """Context of a module that holds only its header and docstring."""

    header: str
    doc: str


def doc_literal(text: str) -> str:
    """Return a docstring literal for spec text, or "" when there is none."""
    text = text.strip()
    return py_literal(text) if text else ""


def _field_view(field: Field, types: TypeNamer, wire_slot: int | None) -> FieldView:
    """``wire_slot``: the field's index in ``_cg_wire`` when it is a timestamp."""
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
    # raw, value, len, object, _s, _decode_*) ends with "_", so this local shadows nothing.
    local = f"{field.py_name}_"
    decoder = types.decoder(field.type)
    plain = field.type.kind in ("str", "int", "float", "bool", "literal", "null")
    encode = f"self.{field.py_name}" if plain else f"_s.dump(self.{field.py_name})"
    stamp = ""
    if wire_slot is not None:
        decoder = "_s.read_datetime"
        encode = f"_s.dump_datetime(self.{field.py_name}, self._cg_wire[{wire_slot}])"
        # Fields never start with "_" and no global from_dict uses is named _t<N>.
        stamp = f"_t{wire_slot}"
    return FieldView(
        name=field.py_name,
        wire=wire,
        annotation=annotation,
        default="None" if optional else "",
        local=local,
        decode=f"{decoder}({local})" if decoder else local,
        encode=encode,
        doc=doc_literal(field.description),
        stamp=stamp,
    )


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
            timestamps = [f for f in model.fields if f.type.kind == "datetime"]
            fields = tuple(
                _field_view(f, types, timestamps.index(f) if f in timestamps else None)
                for f in model.fields
            )
            wire_names = (
                "("
                + "".join(py_literal(f.wire_name) + ", " for f in model.fields)
                + ")"
            )
            complete = " and ".join(
                [f"len(raw) == {len(fields)}"]
                + [f"{f.local} is not None" for f in fields]
            )
            stamps = tuple(f for f in fields if f.stamp)
            classes.append(
                ClassView(
                    name=model.name,
                    snake=model.snake,
                    doc=doc_literal(model.description),
                    fields=fields,
                    wire_names=wire_names,
                    complete=complete,
                    stamps=stamps,
                    wire_keep=_tuple([f.local for f in stamps]),
                    wire_default=_tuple(["None"] * len(stamps)),
                    stamp_names=_tuple([py_literal(f.name) for f in stamps]),
                    naive=" or ".join(f"{f.stamp}.tzinfo is None" for f in stamps),
                )
            )
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
    return ModelsView(
        header=header,
        doc=py_literal(
            f"Data classes for {api.title or 'the API'}: one per schema, exact wire round trips."
        ),
        enums=tuple(enums),
        classes=tuple(classes),
        aliases=tuple(aliases),
        helpers=tuple(HelperView(n, e) for n, e in types.helpers.items()),
        exports=tuple(py_literal(name) for name in model_names(api.models)),
    )


def _tuple(items: list[str]) -> str:
    """Return a tuple display of expressions ("" for none), with no trailing comma for black."""
    if not items:
        return ""
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


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
        groups.append(
            ("._runtime", tuple(sorted(n for n in RUNTIME_EXPORTS if n not in taken)))
        )
    groups.append((".models", models))
    if "ValidationError" not in models:  # a model of that name wins, as above
        groups.append((".validators", ("ValidationError",)))
    names = sorted({n for _, group in groups for n in group} | {"validators", "models"})
    return PackageView(
        header=header,
        doc=doc,
        version=py_literal(api.version or "0"),
        groups=tuple(groups),
        submodules=("models", "validators"),
        exports=tuple(py_literal(n) for n in names),
        lazy=tuple(
            [(py_literal(m), py_literal("")) for m in ("models", "validators")]
            + [(py_literal(n), py_literal(m)) for m, group in groups for n in group]
        ),
    )
