"""Template contexts of what a client method sends and reads: request bodies and responses.

Builds the request body argument (its annotation, validator and ``_r.BodyEncoding``), the
TypedDicts of multipart bodies, the decoder and validator of each success response and the
Accept header, under the same contract as `generator.client_views`, which builds the
methods around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator import naming
from generator.ir import Api, Body, BodyKind, Model, Operation, Response, TypeRef
from generator.pytypes import TypeNamer, py_literal
from generator.validators_module import directional_names

_BUILTIN_GENERIC = re.compile(r"(?<![\w.])(list|dict)\[")
_JSON_ACCEPT = "application/json"
# The suffix of the extra method that sends an operation's other request media kind.
_ALTERNATE_SUFFIX: dict[BodyKind, str] = {
    "json": "json",
    "form": "form",
    "multipart": "multipart",
    "text": "text",
    "events": "text",
    "binary": "raw",
}
# The runtime reader of a success body of each kind that is not JSON, and its annotation.
_READERS: dict[BodyKind, tuple[str, str]] = {
    "text": ("_r.TextBody", "str"),
    "events": ("_r.EventStreamBody", "str"),
    "binary": ("_r.BinaryBody", "bytes"),
}


@dataclass(frozen=True)
class BodyView:
    """The request body argument, validated before any I/O where a validator exists.

    ``model`` is the dataclass name ("" for a body without a model); ``validator`` the
    compiled validator function name ("" when there is none); ``value`` the expression
    sent as the body (an optional body left out sends none). ``argument`` is the
    RequestSpec field it goes in (``json_body``, or ``body`` for other media types);
    ``encoding`` the keyword arguments of its ``_r.BodyEncoding`` (empty for JSON).
    """

    name: str
    annotation: str
    default: str
    model: str
    validator: str
    media_type: str
    value: str
    argument: str = "json_body"
    encoding: tuple[str, ...] = ()


@dataclass(frozen=True)
class TypedDictView:
    """A TypedDict declared in a resources module (the parts of a multipart body):
    ``fields`` are (key literal, annotation), ``Required[...]`` for required keys."""

    name: str
    name_literal: str
    fields: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ResponseView:
    """A documented success status: ``decoder`` reads parsed JSON, ``validator`` checks it."""

    status: str
    decoder: str
    validator: str


class BodyBuilder:
    """Build the body and response views of one API's methods.

    ``typed_dicts`` collects the TypedDicts the bodies built so far name; the caller
    resets it per resources module, since each module declares its own.
    """

    def __init__(self, api: Api, types: TypeNamer) -> None:
        self.models = {m.name: m for m in api.models}
        self.types = types
        self.directed = directional_names(api)
        self.typed_dicts: dict[str, TypedDictView] = {}

    def validator(self, model: Model, direction: str) -> str:
        """Return the validator of a model for a request or response payload: the
        direction's own (readOnly/writeOnly aware) one when the model has it."""
        stem = self.directed.get(model.name, {}).get(direction, model.snake)
        return f"_v.validate_{stem}"

    def annotation(self, t: TypeRef) -> str:
        """Return the annotation of a type as a resources module spells it."""
        text = self.types.annotation(_qualified(t, self.models))
        # Resource classes have methods named ``list``: inside them the builtin needs its
        # module name (model names are all ``_m.``-qualified, so only builtins match).
        return _BUILTIN_GENERIC.sub(r"builtins.\1[", text)

    def decoder(self, t: TypeRef) -> str:
        """Return the function that turns parsed JSON of a type into its Python value."""
        if t.kind == "model" and self.models[t.name].kind == "object":
            return f"_m.{t.name}.from_dict"
        return "_s.identity"

    def body(self, body: Body | None, taken: set[str]) -> BodyView | None:
        """Return the body argument of a method, named clear of the ``taken`` names."""
        if body is None:
            return None
        name = next(n for n in ("body", "body_", "request_body") if n not in taken)
        model = ""
        validator = ""
        target = self._object_model(body.type)
        if target is not None:
            validator = self.validator(target, "request")
            if body.kind == "multipart":
                # Files make the dataclass untruthful: the parts are a TypedDict.
                model = ""
            else:
                model = f"_m.{target.name}"
        annotation = self.body_annotation(body, model)
        value = name
        if not body.required:
            if annotation != "Any":
                annotation += " | None"
            # Left out means no body at all, not a JSON null.
            value = f"_r.NOT_GIVEN if {name} is None else {name}"
        return BodyView(
            name=name,
            annotation=annotation,
            default="" if body.required else "None",
            model=model,
            validator=validator,
            media_type=py_literal(body.media_type),
            value=value,
            argument="json_body" if body.kind == "json" else "body",
            encoding=self._encoding(body),
        )

    def _object_model(self, t: TypeRef | None) -> Model | None:
        if t is not None and t.kind == "model":
            target = self.models[t.name]
            if target.kind == "object":
                return target
        return None

    def body_annotation(self, body: Body, model: str) -> str:
        """Return the annotation of a request body argument of any media kind."""
        if body.kind == "binary":
            return "_r.BinaryContent"
        if body.kind in ("text", "events"):
            return "str | _r.BinaryContent"
        if body.kind == "multipart":
            parts = self.parts(body)
            return " | ".join(p.name for p in parts) if parts else "Mapping[str, Any]"
        return f"{model} | Mapping[str, Any]" if model else "Any"

    def parts(self, body: Body) -> list[TypedDictView]:
        """Return the TypedDicts of a multipart body: one per object model it may be
        (none when it is not made of object models), remembered for the module."""
        t = body.type
        if t is not None and t.kind == "model" and self.models[t.name].kind == "alias":
            t = self.models[t.name].alias
        options = t.args if t is not None and t.kind == "union" else (t,)
        models = [self._object_model(o) for o in options]
        views: list[TypedDictView] = []
        for target in models:
            if target is None:
                return []
            views.append(self.typed_dict(target, set(body.files)))
        for view in views:
            self.typed_dicts.setdefault(view.name, view)
        return views

    def typed_dict(self, model: Model, files: set[str]) -> TypedDictView:
        """Return the TypedDict of an object model's multipart parts; ``files`` are file parts."""
        fields: list[tuple[str, str]] = []
        for f in model.fields:
            if f.wire_name in files:
                annotation = "_r.FileTypes"
                if f.type.kind == "list":
                    annotation = "builtins.list[_r.FileTypes]"
            else:
                annotation = self.annotation(f.type)
                if f.type.kind == "model" and self.models[f.type.name].kind == "object":
                    annotation += " | Mapping[str, Any]"
            if f.required:
                annotation = f"Required[{annotation}]"
            fields.append((py_literal(f.wire_name), annotation))
        name = f"{model.name}Parts"
        return TypedDictView(name, py_literal(name), tuple(fields))

    def _encoding(self, body: Body) -> tuple[str, ...]:
        """Return the keyword arguments of the body's ``_r.BodyEncoding`` ("" for JSON)."""
        if body.kind == "json":
            return ()
        kind = "text" if body.kind == "events" else body.kind
        media = body.media_type.split(";", 1)[0].strip()
        if kind == "binary" and "*" in media:
            media = "application/octet-stream"  # a range names no type to send
        args = [f"media_type={py_literal(media)}", f"kind={py_literal(kind)}"]
        if body.kind == "multipart" and body.files:
            args.append(f"files={tuple_literal([py_literal(f) for f in body.files])}")
        part_types = [
            (e.name, e.content_type)
            for e in body.encoding
            if body.kind == "multipart" and _concrete(e.content_type)
        ]
        if part_types:
            items = ", ".join(
                f"{py_literal(k)}: {py_literal(v)}" for k, v in part_types
            )
            args.append(f"part_types={{{items}}}")
        styles = [
            (e.name, e.style or "form", e.explode)
            for e in body.encoding
            if body.kind == "form" and (e.style or e.explode is not None)
        ]
        if styles:
            items = ", ".join(
                f"{py_literal(k)}: _r.QueryStyle({py_literal(style)}, "
                f"{explode if explode is not None else style == 'form'!r})"
                for k, style, explode in styles
            )
            args.append(f"styles={{{items}}}")
        return tuple(args)

    def responses(
        self, op: Operation, kind: BodyKind | None = None
    ) -> tuple[tuple[ResponseView, ...], str, TypeRef | None]:
        """Return the success responses, the return annotation and the first JSON type:
        of what each documents first, or with ``kind`` of the statuses documenting it.
        """
        views: list[ResponseView] = []
        annotations: list[str] = []
        primary: TypeRef | None = None
        for response in op.responses:
            if not response.status.startswith("2"):
                continue
            status = py_literal(response.status)
            body = _read_body(response, kind)
            if kind is not None and body is None:
                continue
            reader = _READERS.get(body.kind) if body is not None else None
            if body is not None and reader is not None:
                # Text or bytes, whatever the schema says of the string.
                documented = [
                    py_literal(b.media_type)
                    for b in response.bodies
                    if b.kind == body.kind
                ]
                views.append(
                    ResponseView(status, f"{reader[0]}({', '.join(documented)})", "")
                )
                annotations.append(reader[1])
                continue
            if body is None or body.type is None:
                views.append(ResponseView(status, "None", ""))
                annotations.append("None")
                continue
            t = body.type
            primary = primary or t
            decoder = self.decoder(t)
            validator = ""
            if t.kind == "model":
                validator = self.validator(self.models[t.name], "response")
            views.append(ResponseView(status, decoder, validator))
            annotations.append(self.annotation(t))
        unique = list(dict.fromkeys(annotations)) or ["None"]
        return tuple(views), " | ".join(unique), primary

    def accept(self, op: Operation, kind: BodyKind | None = None) -> str:
        """Return the Accept header literal: the media types of the documented success
        bodies the method reads ("" for JSON alone, the runtime's default)."""
        accepted: list[str] = []
        for response in op.responses:
            body = (
                _read_body(response, kind) if response.status.startswith("2") else None
            )
            if body is None:
                continue
            # Every documented type of the kind read: its reader takes any of them.
            for same in (b for b in response.bodies if b.kind == body.kind):
                media = same.media_type.split(";", 1)[0].strip()
                if same.kind == "json":
                    media = _JSON_ACCEPT
                elif media in ("*", "*/*"):
                    media = "*/*"  # "*" is no media range: servers may choke on it
                accepted.append(media)
        unique = list(dict.fromkeys(accepted))
        if not unique or unique == [_JSON_ACCEPT]:
            return ""
        return py_literal(", ".join(unique))


def _read_body(response: Response, kind: BodyKind | None) -> Body | None:
    """Return the body a method reads from a response: the first documented, or with
    ``kind`` the first of that kind (None when there is none)."""
    if kind is None:
        return response.bodies[0] if response.bodies else None
    return next((b for b in response.bodies if b.kind == kind), None)


def response_kinds(op: Operation) -> dict[BodyKind, tuple[Body, ...]]:
    """Return the media kinds of success responses the plain method does not read (and
    server-sent events, which it reads whole), with their bodies, in documented order.
    """
    success = [r for r in op.responses if r.status.startswith("2") and r.bodies]
    read = {r.bodies[0].kind for r in success}
    kinds: dict[BodyKind, tuple[Body, ...]] = {}
    for response in success:
        for body in response.bodies:
            if body.kind not in read or body.kind == "events":
                kinds[body.kind] = (*kinds.get(body.kind, ()), body)
    return kinds


def response_method_name(
    op: Operation, kind: BodyKind, bodies: tuple[Body, ...]
) -> str:
    """Return the name of the method reading an operation's responses of another media
    kind: ``_stream`` (events), ``_csv``, ``_text``, ``_audio``/``_image``/``_video``,
    ``_pdf``, ``_bytes``, ``_json`` (offered unless the name is taken on its resource).
    """
    media = {b.media_type.split(";", 1)[0].strip().lower() for b in bodies}
    types = {m.split("/", 1)[0] for m in media}
    if kind == "events":
        suffix = "stream"
    elif kind == "text":
        suffix = "csv" if media == {"text/csv"} else "text"
    elif kind == "binary":
        only = next(iter(types)) if len(types) == 1 else ""
        if only in ("audio", "image", "video"):
            suffix = only
        else:
            suffix = "pdf" if media == {"application/pdf"} else "bytes"
    else:
        suffix = str(kind)
    return naming.fix_identifier(f"{op.py_name}_{suffix}", fallback="call")


def alternate_method_name(op: Operation, body: Body) -> str:
    """Return the name of the method sending one of an operation's other request media
    types (offered unless the name is taken on its resource)."""
    return naming.fix_identifier(
        f"{op.py_name}_{_ALTERNATE_SUFFIX[body.kind]}", fallback="call"
    )


def tuple_literal(items: list[str]) -> str:
    """Return a tuple display of literals as black writes it on one line."""
    if len(items) == 1:
        return f"({items[0]},)"
    return "(" + ", ".join(items) + ")"


def _qualified(t: TypeRef, models: dict[str, Model]) -> TypeRef:
    """Return the type with model names prefixed by the models module alias."""
    args = tuple(_qualified(a, models) for a in t.args)
    if t.kind == "model":
        return TypeRef(
            "model", args, f"_m.{t.name}", t.value, t.nullable, t.discriminator
        )
    return TypeRef(t.kind, args, t.name, t.value, t.nullable, t.discriminator)


def _concrete(media: str) -> bool:
    """Whether a media type names one type to send (no wildcard, no list)."""
    return bool(media) and "*" not in media and "," not in media
