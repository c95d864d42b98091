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
    text; ``default``: default expression or "" when the field is required; ``decode``: the
    expression that reads it from the mapping ``raw``; ``encode``: the expression that turns
    ``self.<name>`` back into JSON data; ``doc``: docstring literal or "".
    """

    name: str
    wire: str
    annotation: str
    default: str
    decode: str
    encode: str
    doc: str


@dataclass(frozen=True)
class ClassView:
    """One object model rendered as a dataclass.

    ``wire_names``: a literal tuple of its JSON keys; ``fields`` in declaration order.
    """

    name: str
    snake: str
    doc: str
    fields: tuple[FieldView, ...]
    wire_names: str


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


def _field_view(field: Field, types: TypeNamer) -> FieldView:
    annotation = types.annotation(field.type)
    optional = not field.required or field.type.nullable
    if (
        not field.required
        and not field.type.nullable
        and field.type.kind not in ("any", "null")
    ):
        annotation += " | None"
    wire = py_literal(field.wire_name)
    read = f"raw.get({wire})"
    decoder = types.decoder(field.type)
    plain = field.type.kind in ("str", "int", "float", "bool", "literal", "null")
    return FieldView(
        name=field.py_name,
        wire=wire,
        annotation=annotation,
        default="None" if optional else "",
        decode=f"{decoder}({read})" if decoder else read,
        encode=f"self.{field.py_name}" if plain else f"_s.dump(self.{field.py_name})",
        doc=doc_literal(field.description),
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
            fields = tuple(_field_view(f, types) for f in model.fields)
            wire_names = (
                "("
                + "".join(py_literal(f.wire_name) + ", " for f in model.fields)
                + ")"
            )
            classes.append(
                ClassView(
                    model.name,
                    model.snake,
                    doc_literal(model.description),
                    fields,
                    wire_names,
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
