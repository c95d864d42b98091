"""Template contexts of the client: resources, methods and endpoints with every decision made.

Like `generator.views`, these dataclasses are the contract for overriding ``client.py.j2``,
``resources.py.j2`` and the ``client`` macros: each code-bearing string is an identifier from
`generator.naming`, a literal from `py_literal`, or an expression built from those two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator import naming
from generator.config import ClientConfig
from generator.ir import Api, Body, BodyKind, Model, Operation, Parameter, TypeRef
from generator.pytypes import TypeNamer, py_literal
from generator.validators_module import directional_names
from generator.views import doc_literal

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
class ParamView:
    """One method argument: ``wire`` is the literal wire name; ``default`` "" when required."""

    name: str
    wire: str
    annotation: str
    default: str
    style: str
    explode: str


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


@dataclass(frozen=True)
class PageView:
    """How a list operation pages: ``item`` is the item annotation, ``decoder`` reads one."""

    item: str
    decoder: str


@dataclass(frozen=True)
class MethodView:
    """One client method and the module-level endpoint constant it calls.

    ``returns`` is the annotation of the decoded response; ``accept`` the Accept header
    literal ("" for the default, JSON); ``page`` is set for operations
    whose responses carry ``data`` and ``meta`` page fields (the method then returns a page
    that iterates over every item of every page).
    ``spec_annotation`` types the request spec where the decoders alone cannot
    ("" for pages). ``validated`` are the responses with a validator.
    """

    name: str
    doc: str
    endpoint: str
    operation_id: str
    http_method: str
    path: str
    security: str
    positional: tuple[ParamView, ...]
    query: tuple[ParamView, ...]
    headers: tuple[ParamView, ...]
    keywords: tuple[ParamView, ...]
    body: BodyView | None
    returns: str
    responses: tuple[ResponseView, ...]
    page: PageView | None
    spec_annotation: str
    deprecated: bool
    accept: str = ""

    @property
    def validated(self) -> tuple[ResponseView, ...]:
        """Return the responses that have a validator."""
        return tuple(r for r in self.responses if r.validator)


@dataclass(frozen=True)
class ResourceView:
    """A resource class: its methods and its sub-resources (attribute, class name);
    ``typed_dicts`` are the TypedDicts its methods' annotations name."""

    class_name: str
    attribute: str
    doc: str
    methods: tuple[MethodView, ...]
    children: tuple[tuple[str, str], ...]
    typed_dicts: tuple[TypedDictView, ...] = ()


@dataclass(frozen=True)
class ResourcesView:
    """Context of ``resources.py.j2``: one top-level resource and everything under it,
    children before parents; ``exports`` are string literals for ``__all__``;
    ``typed_dicts`` the TypedDicts its methods name (multipart bodies)."""

    header: str
    doc: str
    resources: tuple[ResourceView, ...]
    exports: tuple[str, ...]
    typed_dicts: tuple[TypedDictView, ...] = ()


@dataclass(frozen=True)
class ClientView:
    """Context of ``client.py.j2``: client classes and their lazily imported resources.

    ``roots`` are (attribute, class name, module name) of the top-level resources;
    ``imports`` (module, class names) for type checkers only, so importing the package
    loads no resource module until a resource is first used.
    """

    header: str
    doc: str
    package: str
    version: str
    client_class: str
    async_client_class: str
    client_literal: str
    async_client_literal: str
    api_key_env: str
    base_url_env: str
    default_base_url: str
    security_schemes: str
    roots: tuple[tuple[str, str, str], ...]
    imports: tuple[tuple[str, tuple[str, ...]], ...]


def resource_class(path: tuple[str, ...]) -> str:
    """Return the class name of the resource at an attribute path."""
    return naming.fix_identifier(
        "".join(naming.pascal_case(p) for p in path) + "Resource", fallback="Resource"
    )


class _MethodBuilder:
    def __init__(self, api: Api, types: TypeNamer) -> None:
        self.models = {m.name: m for m in api.models}
        self.types = types
        self.directed = directional_names(api)
        # TypedDicts the methods built so far name: each resources module declares its own.
        self.typed_dicts: dict[str, TypedDictView] = {}

    def validator(self, model: Model, direction: str) -> str:
        """Return the validator of a model for a request or response payload: the
        direction's own (readOnly/writeOnly aware) one when the model has it."""
        stem = self.directed.get(model.name, {}).get(direction, model.snake)
        return f"_v.validate_{stem}"

    def annotation(self, t: TypeRef) -> str:
        text = self.types.annotation(_qualified(t, self.models))
        # Resource classes have methods named ``list``: inside them the builtin needs its
        # module name (model names are all ``_m.``-qualified, so only builtins match).
        return _BUILTIN_GENERIC.sub(r"builtins.\1[", text)

    def param(self, p: Parameter) -> ParamView:
        annotation = self.annotation(p.type)
        if p.type.kind == "model" and self.models[p.type.name].kind == "object":
            annotation += " | Mapping[str, Any]"
        if not p.required and not annotation.endswith("| None"):
            annotation += " | None"
        return ParamView(
            name=p.py_name,
            wire=py_literal(p.wire_name),
            annotation=annotation,
            default="" if p.required else "None",
            style=py_literal(p.style),
            explode=repr(p.explode),
        )

    def body(self, body: Body | None, taken: set[str]) -> BodyView | None:
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
            args.append(f"files={_tuple_literal([py_literal(f) for f in body.files])}")
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
        self, op: Operation
    ) -> tuple[tuple[ResponseView, ...], str, TypeRef | None]:
        views: list[ResponseView] = []
        annotations: list[str] = []
        primary: TypeRef | None = None
        for response in op.responses:
            if not response.status.startswith("2"):
                continue
            status = py_literal(response.status)
            body = response.bodies[0] if response.bodies else None
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
            decoder = self._decoder(t)
            validator = ""
            if t.kind == "model":
                validator = self.validator(self.models[t.name], "response")
            views.append(ResponseView(status, decoder, validator))
            annotations.append(self.annotation(t))
        unique = list(dict.fromkeys(annotations)) or ["None"]
        return tuple(views), " | ".join(unique), primary

    def accept(self, op: Operation) -> str:
        """Return the Accept header literal: the media types of the documented success
        bodies the method reads ("" for JSON alone, the runtime's default)."""
        accepted: list[str] = []
        for response in op.responses:
            if response.status.startswith("2") and response.bodies:
                body = response.bodies[0]
                media = body.media_type.split(";", 1)[0].strip()
                if body.kind == "json":
                    media = _JSON_ACCEPT
                elif media in ("*", "*/*"):
                    media = "*/*"  # "*" is no media range: servers may choke on it
                accepted.append(media)
        unique = list(dict.fromkeys(accepted))
        if not unique or unique == [_JSON_ACCEPT]:
            return ""
        return py_literal(", ".join(unique))

    def _decoder(self, t: TypeRef) -> str:
        if t.kind == "model" and self.models[t.name].kind == "object":
            return f"_m.{t.name}.from_dict"
        return "_s.identity"

    def page(self, primary: TypeRef | None, op: Operation) -> PageView | None:
        """Return paging info when the response is a ``data`` list with page ``meta``."""
        if primary is None or primary.kind != "model" or op.method != "get":
            return None
        fields = {f.wire_name: f for f in self.models[primary.name].fields}
        data, meta = fields.get("data"), fields.get("meta")
        if data is None or meta is None or data.type.kind != "list":
            return None
        if meta.type.kind != "model":
            return None
        meta_fields = {f.wire_name for f in self.models[meta.type.name].fields}
        if not {"page_number", "total_pages"} <= meta_fields:
            return None
        if not any(
            p.wire_name == "page" and p.style == "deepObject" for p in op.parameters
        ):
            return None
        item = data.type.args[0]
        return PageView(self.annotation(item), self._decoder(item))

    def method(
        self, op: Operation, body: Body | None = None, name: str = ""
    ) -> MethodView:
        """Return the method of an operation; ``body``/``name`` make the method that
        sends one of its other request media types."""
        doc = _method_doc(op)
        if body is None:
            body = op.request_body
        else:
            doc += f"\n\nSends the request body as {body.media_type}."
        positional = tuple(self.param(p) for p in op.parameters if p.location == "path")
        query = tuple(self.param(p) for p in op.parameters if p.location == "query")
        headers = tuple(self.param(p) for p in op.parameters if p.location == "header")
        taken = {p.name for p in (*positional, *query, *headers)}
        responses, returns, primary = self.responses(op)
        security = _tuple_literal(
            [_tuple_literal([py_literal(s) for s in alt]) for alt in op.security]
        )
        page = self.page(primary, op)
        return MethodView(
            name=name or op.py_name,
            doc=doc_literal(doc),
            endpoint="_" + op.snake.upper(),
            operation_id=py_literal(op.operation_id),
            http_method=py_literal(op.method.upper()),
            path=py_literal(op.path),
            security=security,
            positional=positional,
            query=query,
            headers=headers,
            keywords=(*query, *headers),
            body=self.body(body, taken),
            returns=returns,
            responses=responses,
            page=page,
            spec_annotation="" if page else f"_r.RequestSpec[{returns}]",
            deprecated=op.deprecated,
            accept=self.accept(op),
        )

    def methods(self, op: Operation, taken: set[str]) -> list[MethodView]:
        """Return the operation's method, then one per other request media kind it
        documents (``<name>_multipart``, ``_form``, ``_raw``...) whose name is free."""
        found = [self.method(op)]
        kinds = {op.request_body.kind} if op.request_body else set()
        for body in op.request_bodies[1:]:
            if body.kind in kinds:
                continue
            kinds.add(body.kind)
            name = alternate_method_name(op, body)
            if name not in taken:
                taken.add(name)
                found.append(self.method(op, body, name))
        return found


def alternate_method_name(op: Operation, body: Body) -> str:
    """Return the name of the method sending one of an operation's other request media
    types (offered unless the name is taken on its resource)."""
    return naming.fix_identifier(
        f"{op.py_name}_{_ALTERNATE_SUFFIX[body.kind]}", fallback="call"
    )


def _qualified(t: TypeRef, models: dict[str, Model]) -> TypeRef:
    """Return the type with model names prefixed by the models module alias."""
    args = tuple(_qualified(a, models) for a in t.args)
    if t.kind == "model":
        return TypeRef(
            "model", args, f"_m.{t.name}", t.value, t.nullable, t.discriminator
        )
    return TypeRef(t.kind, args, t.name, t.value, t.nullable, t.discriminator)


def _method_doc(op: Operation) -> str:
    lines = [op.summary or op.operation_id]
    if op.description and op.description != op.summary:
        lines += ["", op.description]
    documented = [p for p in op.parameters if p.description]
    if documented:
        lines += ["", "Args:"]
        lines += [f"    {p.py_name}: {p.description}" for p in documented]
    return "\n".join(lines)


def _resource_views(api: Api) -> dict[tuple[str, ...], ResourceView]:
    builder = _MethodBuilder(api, TypeNamer(api.models))
    operations: dict[tuple[str, ...], list[Operation]] = {}
    for op in api.operations:
        operations.setdefault(op.resource, []).append(op)
    paths: set[tuple[str, ...]] = set()
    for resource in operations:
        paths.update(resource[:i] for i in range(1, len(resource) + 1))
    ordered = sorted(paths)
    views: dict[tuple[str, ...], ResourceView] = {}
    for path in ordered:
        children = tuple(
            (child[-1], resource_class(child))
            for child in ordered
            if len(child) == len(path) + 1 and child[: len(path)] == path
        )
        ops = operations.get(path, [])
        # Extra media-type methods must not shadow a method, a sub-resource or the
        # raw-response view of the class.
        taken = {op.py_name for op in ops} | {a for a, _ in children}
        taken.add("with_raw_response")
        builder.typed_dicts = {}
        methods = [m for op in ops for m in builder.methods(op, taken)]
        views[path] = ResourceView(
            class_name=resource_class(path),
            attribute=path[-1],
            doc=py_literal(f"Operations on {'.'.join(path)}."),
            methods=tuple(methods),
            children=children,
            typed_dicts=tuple(builder.typed_dicts.values()),
        )
    return views


def resource_modules(api: Api, header: str) -> dict[str, ResourcesView]:
    """Return the context of each resources module, keyed by module name."""
    views = _resource_views(api)
    modules: dict[str, ResourcesView] = {}
    for root in sorted(p for p in views if len(p) == 1):
        # Children first: a class's annotations name its children, black keeps the order.
        members = sorted(
            (p for p in views if p[:1] == root), key=lambda p: (-len(p), p)
        )
        resources = tuple(views[p] for p in members)
        typed_dicts = {t.name: t for r in resources for t in r.typed_dicts}
        names = [r.class_name for r in resources]
        exports = sorted(
            [
                n
                for name in names
                for n in (
                    name,
                    f"Async{name}",
                    f"{name}WithRawResponse",
                    f"Async{name}WithRawResponse",
                )
            ]
            + list(typed_dicts)
        )
        modules[root[0]] = ResourcesView(
            header=header,
            doc=py_literal(f"Resources under client.{root[0]}: sync and async."),
            resources=resources,
            exports=tuple(py_literal(n) for n in exports),
            typed_dicts=tuple(typed_dicts[n] for n in sorted(typed_dicts)),
        )
    return modules


def client_view(
    api: Api, package: str, config: ClientConfig, header: str
) -> ClientView:
    """Build the context of the client module."""
    roots = tuple(
        (p[0], resource_class(p), p[0])
        for p in sorted(_resource_views(api))
        if len(p) == 1
    )
    schemes = (
        "{"
        + "".join(
            f"{py_literal(s.name)}: ({py_literal(s.type)}, {py_literal(s.scheme)}, "
            f"{py_literal(s.location)}, {py_literal(s.param_name)}), "
            for s in api.security_schemes
        )
        + "}"
    )
    return ClientView(
        header=header,
        doc=py_literal(f"Sync and async clients for {api.title or 'the API'}."),
        package=py_literal(package),
        version=py_literal(api.version or "0"),
        client_class=config.client_class,
        async_client_class=config.async_client_class,
        client_literal=py_literal(config.client_class),
        async_client_literal=py_literal(config.async_client_class),
        api_key_env=py_literal(config.api_key_env),
        base_url_env=py_literal(config.base_url_env),
        default_base_url=py_literal(api.servers[0] if api.servers else ""),
        security_schemes=schemes,
        roots=roots,
        imports=tuple((module, (name, f"Async{name}")) for _, name, module in roots),
    )


def _concrete(media: str) -> bool:
    """Whether a media type names one type to send (no wildcard, no list)."""
    return bool(media) and "*" not in media and "," not in media


def _tuple_literal(items: list[str]) -> str:
    """Return a tuple display of literals as black writes it on one line."""
    if len(items) == 1:
        return f"({items[0]},)"
    return "(" + ", ".join(items) + ")"
