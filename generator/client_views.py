"""Template contexts of the client: resources, methods and endpoints with every decision made.

Like `generator.views`, these dataclasses are the contract for overriding ``client.py.j2``,
``resources.py.j2`` and the ``client`` macros: each code-bearing string is an identifier from
`generator.naming`, a literal from `py_literal`, or an expression built from those two.
The request body and response views the methods hold come from `generator.body_views`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from generator import naming
from generator.body_views import (
    BodyBuilder,
    BodyView,
    ResponseView,
    TypedDictView,
    alternate_method_name,
    response_kinds,
    response_method_name,
    tuple_literal,
)
from generator.config import ClientConfig
from generator.ir import Api, Body, BodyKind, Operation, Parameter, TypeRef
from generator.pystyle import fits
from generator.pytypes import TypeNamer, py_literal
from generator.views import doc_literal

# The indentation of a method's statements in ``macros.j2``.
_METHOD_BODY_INDENT = 8
_STREAM_DOC = (
    "\n\nStreams the text/event-stream response: iterate the result for each "
    "ServerSentEvent as it arrives; close it (or use ``with``) to release the connection "
    "early."
)


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
    ("" for pages); ``spec_declared`` puts that annotation on a line of its own.
    ``validated`` are the responses with a validator. ``stream`` makes the method return
    the server-sent events of the response as they arrive (``returns`` is then unused).
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
    stream: bool = False

    @property
    def validated(self) -> tuple[ResponseView, ...]:
        """Return the responses that have a validator."""
        return tuple(r for r in self.responses if r.validator)

    @property
    def spec_declared(self) -> bool:
        """Return whether the spec's annotation is declared apart from its assignment."""
        # On one line too long, black splits ``spec: A = B(`` in ways that turn on several
        # of its rules; a bare declaration splits like any annotation (pystyle knows it).
        line = f"spec: {self.spec_annotation} = _r.RequestSpec("
        return bool(self.spec_annotation) and not fits(line, _METHOD_BODY_INDENT)


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

    @property
    def raw_methods(self) -> tuple[MethodView, ...]:
        """Return the methods with a raw-response form (all but the event streams)."""
        return tuple(m for m in self.methods if not m.stream)


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


class _MethodBuilder(BodyBuilder):
    """Build method views: arguments and paging here, bodies and responses inherited."""

    def param(self, p: Parameter) -> ParamView:
        """Return the method argument of a path, query or header parameter."""
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
        return PageView(self.annotation(item), self.decoder(item))

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
        security = tuple_literal(
            [tuple_literal([py_literal(s) for s in alt]) for alt in op.security]
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

    def reading(self, op: Operation, kind: BodyKind, name: str) -> MethodView:
        """Return the method reading an operation's responses of another media kind
        (server-sent events: as they arrive)."""
        stream = kind == "events"
        if stream:
            responses: tuple[ResponseView, ...] = ()
            returns, more = "None", _STREAM_DOC
        else:
            responses, returns, _ = self.responses(op, kind)
            media = dict.fromkeys(b.media_type for b in response_kinds(op)[kind])
            more = f"\n\nReads the response as {', '.join(media)}."
        return dataclasses.replace(
            self.method(op),
            name=name,
            doc=doc_literal(_method_doc(op) + more),
            returns=returns,
            responses=responses,
            page=None,
            spec_annotation=f"_r.RequestSpec[{returns}]",
            accept=self.accept(op, kind),
            stream=stream,
        )

    def methods(self, op: Operation, taken: set[str]) -> list[MethodView]:
        """Return the operation's method, then one per other response media kind it
        documents (``<name>_csv``, ``_audio``..., ``_stream`` for server-sent events) and
        one per other request media kind (``_multipart``, ``_form``, ``_raw``...), where
        the name is free."""
        found = [self.method(op)]
        for kind, bodies in response_kinds(op).items():
            name = response_method_name(op, kind, bodies)
            if name not in taken:
                taken.add(name)
                found.append(self.reading(op, kind, name))
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


def _method_doc(op: Operation) -> str:
    lines = [op.summary or op.operation_id]
    if op.description and op.description != op.summary:
        lines += ["", op.description]
    documented = [p for p in op.parameters if p.description]
    if documented:
        lines += ["", "Args:"]
        lines += [f"    {p.py_name}: {p.description}" for p in documented]
    return "\n".join(lines)


def resource_groups(api: Api) -> dict[str, tuple[Operation, ...]]:
    """Return the operations of each resources module (keyed by module name), in order.

    A module's context is a function of its operations, the models, the directional
    validator names and the header alone (`resource_module`): the render stage addresses
    each module by them.
    """
    groups: dict[str, list[Operation]] = {}
    for op in api.operations:
        groups.setdefault(op.resource[0], []).append(op)
    return {root: tuple(ops) for root, ops in sorted(groups.items())}


def _resource_views(
    builder: _MethodBuilder, group: tuple[Operation, ...]
) -> dict[tuple[str, ...], ResourceView]:
    operations: dict[tuple[str, ...], list[Operation]] = {}
    for op in group:
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


# The last (api, builder): modules rendered one at a time share the builder's lookups.
_builders: list[tuple[Api, _MethodBuilder]] = []


def resource_modules(
    api: Api, header: str, roots: Iterable[str] | None = None
) -> dict[str, ResourcesView]:
    """Return the context of each resources module (or of those of ``roots``), keyed by
    module name."""
    if not (_builders and _builders[0][0] is api):
        _builders[:] = [(api, _MethodBuilder(api, TypeNamer(api.models)))]
    builder = _builders[0][1]
    groups = resource_groups(api)
    modules: dict[str, ResourcesView] = {}
    for root in groups if roots is None else roots:
        views = _resource_views(builder, groups[root])
        # Children first: a class's annotations name its children, black keeps the order.
        members = sorted(views, key=lambda p: (-len(p), p))
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
        modules[root] = ResourcesView(
            header=header,
            doc=py_literal(f"Resources under client.{root}: sync and async."),
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
        for p in sorted({op.resource[:1] for op in api.operations})
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
