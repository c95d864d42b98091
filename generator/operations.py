"""Stage 3, operations: paths and methods become Operations placed on client resources."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from generator import naming
from generator.config import Config
from generator.errors import Location, SpecError
from generator.ir import (
    Body,
    BodyKind,
    Operation,
    Parameter,
    PartEncoding,
    Response,
    TypeRef,
    Webhook,
)
from generator.resolve import Resolver, Target
from generator.schemas import SchemaAnalyzer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_JSON_MEDIA = re.compile(r"^application/(?:[\w.+-]+\+)?json(?:;.*)?$|^\*/\*$")
_ACTION_PATH = re.compile(r"/actions/([^/{}]+)$")
_JSON_MIME = re.compile(r"^application/(?:[\w.+-]+\+)?json$")
# Media ranges that name no format: the schema says whether JSON or bytes travel.
_WILDCARDS = frozenset({"*", "*/*", "application/*"})


def _component_name(target: Target, section: str) -> str | None:
    prefix = f"/components/{section}/"
    if target.pointer.startswith(prefix) and target.pointer.count("/") == 3:
        return target.pointer[len(prefix) :].replace("~1", "/").replace("~0", "~")
    return None


class OperationAnalyzer:
    """Read every path item into Operations, typing their schemas through a SchemaAnalyzer."""

    def __init__(
        self, resolver: Resolver, schemas: SchemaAnalyzer, config: Config
    ) -> None:
        self.resolver = resolver
        self.schemas = schemas
        self.config = config
        self.ids = self.namespace("operation", ("operation",))
        # Constructs read but not generated (they describe no call the client makes).
        self.notices: list[tuple[Location, str]] = []
        self.placements: dict[tuple[str, ...], naming.Namespace] = {}

    def operations(self) -> list[Operation]:
        """Return every operation in file order."""
        found: list[Operation] = []
        for path in self.paths():
            found.extend(self.path_item(path))
        return found

    def paths(self) -> list[str]:
        """Return the paths of the spec in file order."""
        return list(self.resolver.root.root.get("paths") or {})

    def path_item(self, path: str) -> list[Operation]:
        """Return the operations of one path item in file order."""
        root = self.resolver.root_target()
        default_security = _security(root.value.get("security"))
        item = self.resolver.deref(root.child("paths", path))
        return [
            self._operation(item, path, method, default_security)
            for method in item.value
            if method in HTTP_METHODS
        ]

    def webhooks(self) -> list[Webhook]:
        """Return every webhook (OpenAPI 3.1 ``webhooks``) in file order."""
        names = naming.Namespace("webhook")
        found: list[Webhook] = []
        for name in self.webhook_names():
            found.extend(self.webhook_item(name, names))
        return found

    def webhook_names(self) -> list[str]:
        """Return the names under ``webhooks`` in file order."""
        hooks = self.resolver.root.root.get("webhooks")
        return list(hooks) if isinstance(hooks, dict) else []

    def webhook_item(self, name: str, names: naming.Namespace) -> list[Webhook]:
        """Return the webhooks of one path item under ``webhooks``, naming them in
        ``names`` (one namespace for all of them)."""
        item = self.resolver.deref(self.resolver.root_target().child("webhooks", name))
        if not isinstance(item.value, dict):
            raise SpecError(item.location(), "a webhook must be a path item object")
        return [
            self._webhook(item, str(name), method, names)
            for method in item.value
            if method in HTTP_METHODS
        ]

    def _webhook(
        self, item: Target, name: str, method: str, names: naming.Namespace
    ) -> Webhook:
        op = item.child(method)
        raw: dict[str, Any] = op.value
        location = op.location()
        op_id = raw.get("operationId")
        base = naming.fix_identifier(naming.snake_case(name), fallback="webhook")
        snake = names.claim([base, f"{base}_{method}"], name, location)
        # Inline bodies are named after the webhook, apart from the operations' models.
        hint = f"{naming.pascal_case(snake) or 'Webhook'}Webhook"
        bodies = self._request_bodies(op, hint)
        return Webhook(
            name=name,
            snake=snake,
            method=method,
            location=location,
            operation_id=op_id if isinstance(op_id, str) else "",
            summary=str(raw.get("summary") or ""),
            description=str(raw.get("description") or ""),
            parameters=self._parameters(item, op, hint),
            body=bodies[0] if bodies else None,
            deprecated=bool(raw.get("deprecated")),
        )

    def _operation(
        self,
        item: Target,
        path: str,
        method: str,
        default_security: tuple[tuple[str, ...], ...],
    ) -> Operation:
        op = item.child(method)
        raw: dict[str, Any] = op.value
        location = op.location()
        op_id = raw.get("operationId")
        if not isinstance(op_id, str) or not op_id:
            op_id = naming.pascal_case(f"{method} {path}") or method
        base = naming.fix_identifier(naming.snake_case(op_id), fallback="operation")
        snake = self.ids.claim(
            [
                base,
                f"{base}_{method}",
                naming.fix_identifier(naming.sanitize(op_id), fallback="op"),
            ],
            op_id,
            location,
        )
        # The unique snake id, not the raw operationId, so case-only twins get distinct models.
        hint = naming.pascal_case(snake) or "Operation"
        params = self._parameters(item, op, hint)
        resource, py_name = self._placement(op_id, path, method, raw, params, location)
        bodies = self._request_bodies(op, hint)
        if raw.get("callbacks"):
            self.notices.append(
                (
                    op.child("callbacks").location(),
                    "callbacks are not generated: they are requests the API makes, "
                    "not calls of the client",
                )
            )
        return Operation(
            operation_id=op_id,
            py_name=py_name,
            resource=resource,
            snake=snake,
            method=method,
            path=path,
            location=location,
            summary=str(raw.get("summary") or ""),
            description=str(raw.get("description") or ""),
            tags=tuple(str(t) for t in raw.get("tags") or ()),
            parameters=params,
            request_body=bodies[0] if bodies else None,
            request_bodies=bodies,
            responses=self._responses(op, hint),
            security=(
                _security(raw["security"]) if "security" in raw else default_security
            ),
            deprecated=bool(raw.get("deprecated")),
        )

    # -- parameters ---------------------------------------------------------------------

    def _parameters(self, item: Target, op: Target, hint: str) -> tuple[Parameter, ...]:
        merged: dict[tuple[str, str], Target] = {}
        for owner in (item, op):
            for index in range(len(owner.value.get("parameters") or [])):
                target = self.resolver.deref(owner.child("parameters", index))
                key = (str(target.value.get("name")), str(target.value.get("in")))
                merged[key] = target
        names = naming.Namespace("parameter", naming.RESERVED_PARAMETERS)
        ordered = sorted(merged.values(), key=lambda t: t.value.get("in") != "path")
        return tuple(self._parameter(t, hint, names) for t in ordered)

    def _parameter(
        self, target: Target, hint: str, names: naming.Namespace
    ) -> Parameter:
        raw: dict[str, Any] = target.value
        wire, where = raw.get("name"), raw.get("in")
        if not isinstance(wire, str) or where not in (
            "path",
            "query",
            "header",
            "cookie",
        ):
            raise SpecError(
                target.location(), "a parameter needs a string name and a valid 'in'"
            )
        model_hint = [_component_name(target, "parameters") or f"{hint} {wire}"]
        if "schema" in raw:
            type_ = self.schemas.type_of(target.child("schema"), model_hint)
        elif isinstance(raw.get("content"), dict) and raw["content"]:
            media = next(iter(raw["content"]))
            type_ = self.schemas.type_of(
                target.child("content", media, "schema"), model_hint
            )
        else:
            type_ = TypeRef("any")
        style = raw.get("style") or (
            "simple" if where in ("path", "header") else "form"
        )
        examples = [raw["example"]] if "example" in raw else []
        schema = raw.get("schema")
        if not examples and isinstance(schema, dict) and "example" in schema:
            examples.append(schema["example"])
        return Parameter(
            wire_name=wire,
            py_name=names.claim(
                naming.field_candidates(wire, naming.RESERVED_PARAMETERS),
                wire,
                target.location(),
            ),
            location=where,
            type=type_,
            required=bool(raw.get("required")) or where == "path",
            style=str(style),
            explode=bool(raw.get("explode", style == "form" or style == "deepObject")),
            description=str(raw.get("description") or ""),
            deprecated=bool(raw.get("deprecated")),
            examples=tuple(examples),
        )

    # -- bodies -------------------------------------------------------------------------

    def _bodies(self, owner: Target, hint: list[str]) -> tuple[Body, ...]:
        content = owner.value.get("content") or {}
        media_types = sorted(content, key=lambda m: not _JSON_MEDIA.match(m))
        bodies = []
        for media in media_types:
            media_target = owner.child("content", media)
            entry = media_target.value if isinstance(media_target.value, dict) else {}
            suffix = [] if media == media_types[0] else [naming.pascal_case(media)]
            type_ = (
                self.schemas.type_of(media_target.child("schema"), [*hint, *suffix])
                if "schema" in entry
                else None
            )
            schema = (
                self.resolver.deref(media_target.child("schema"))
                if "schema" in entry
                else None
            )
            kind = media_kind(media, schema.value if schema else None)
            bodies.append(
                Body(
                    media,
                    type_,
                    True,
                    _media_examples(self.resolver, media_target),
                    kind=kind,
                    files=(
                        self._file_properties(schema)
                        if kind == "multipart" and schema
                        else ()
                    ),
                    encoding=_encoding(entry.get("encoding")),
                )
            )
        return tuple(bodies)

    def _file_properties(self, schema: Target, depth: int = 0) -> tuple[str, ...]:
        """Return the properties holding file content, in every branch of a schema."""
        value = schema.value if isinstance(schema.value, dict) else {}
        found: list[str] = []
        properties = value.get("properties")
        if isinstance(properties, dict):
            for name in properties:
                prop = self.resolver.deref(schema.child("properties", name))
                if _is_file(prop.value) or (
                    isinstance(prop.value, dict)
                    and isinstance(prop.value.get("items"), dict)
                    and _is_file(self.resolver.deref(prop.child("items")).value)
                ):
                    found.append(str(name))
        for keyword in ("allOf", "oneOf", "anyOf"):
            members = value.get(keyword)
            if isinstance(members, list) and depth < 8:
                for index in range(len(members)):
                    member = self.resolver.deref(schema.child(keyword, index))
                    found.extend(self._file_properties(member, depth + 1))
        return tuple(dict.fromkeys(found))

    def _request_bodies(self, op: Target, hint: str) -> tuple[Body, ...]:
        if "requestBody" not in op.value:
            return ()
        target = self.resolver.deref(op.child("requestBody"))
        name = _component_name(target, "requestBodies")
        required = bool(target.value.get("required"))
        bodies = self._bodies(target, [name] if name else [hint, "Request"])
        return tuple(replace(b, required=required) for b in bodies)

    def _responses(self, op: Target, hint: str) -> tuple[Response, ...]:
        responses = op.value.get("responses") or {}
        out = []
        for status in responses:
            target = self.resolver.deref(op.child("responses", status))
            name = _component_name(target, "responses")
            suffix = (
                "Response"
                if status.startswith("2") and status == _first_success(responses)
                else f"{status} Response"
            )
            bodies = self._bodies(target, [name] if name else [hint, suffix])
            if target.value.get("links"):
                self.notices.append(
                    (
                        target.child("links").location(),
                        "response links are not generated: the client does not "
                        "follow them",
                    )
                )
            out.append(
                Response(
                    str(status), str(target.value.get("description") or ""), bodies
                )
            )
        return tuple(out)

    # -- placement ----------------------------------------------------------------------

    def _placement(
        self,
        op_id: str,
        path: str,
        method: str,
        raw: dict[str, Any],
        params: tuple[Parameter, ...],
        location: Any,
    ) -> tuple[tuple[str, ...], str]:
        configured = self.config.operations.get(op_id)
        if configured is None and isinstance(raw.get("x-contractgen-name"), str):
            configured = raw["x-contractgen-name"]
        if configured is not None:
            parts = [
                naming.fix_identifier(naming.snake_case(p), fallback="r")
                for p in configured.split(".")
            ]
            if len(parts) < 2:
                raise SpecError(
                    location, f"client name {configured!r} needs 'resource.method'"
                )
            resource, candidates = tuple(parts[:-1]), [parts[-1]]
        else:
            resource, candidates = _default_placement(op_id, path, method, raw)
        scope = self.placements.get(resource)
        if scope is None:
            scope = self.placements[resource] = self.namespace(
                "client method", ("placement", *resource)
            )
        return resource, scope.claim(candidates, op_id, location)

    def namespace(self, what: str, ident: tuple[str, ...]) -> naming.Namespace:
        """Return a new namespace shared by operations (``ident`` names it for
        `generator.incremental`, which traces the claims made in it)."""
        return naming.Namespace(what)


def _default_placement(
    op_id: str, path: str, method: str, raw: dict[str, Any]
) -> tuple[tuple[str, ...], list[str]]:
    """Derive resource and method names from the first tag and the path's shape."""
    tags = raw.get("tags") or []
    segments = [s for s in path.split("/") if s]
    resource_word = (
        tags[0]
        if tags and isinstance(tags[0], str)
        else (segments[0] if segments else "api")
    )
    resource = (
        naming.fix_identifier(naming.snake_case(resource_word), fallback="api"),
    )
    fallback = naming.fix_identifier(naming.snake_case(op_id), fallback="call")
    action = _ACTION_PATH.search(path)
    ends_with_param = bool(segments) and segments[-1].startswith("{")
    if action:
        verb = naming.snake_case(action.group(1))
    elif method == "get":
        verb = "retrieve" if ends_with_param else "list"
    elif method == "post":
        verb = "create" if not ends_with_param else "update"
    elif method in ("put", "patch"):
        verb = "update"
    elif method == "delete":
        verb = "delete"
    else:
        verb = method
    tail = [s for s in segments if not s.startswith("{")]
    if not action and len(tail) > 1 and not ends_with_param:
        verb = f"{verb}_{naming.snake_case(tail[-1])}"
    return resource, [naming.fix_identifier(verb, fallback="call"), fallback]


def media_kind(media: str, schema: Any) -> BodyKind:
    """Return how a body of a media type travels; wildcards are JSON for a schema that
    is not a string (an object, say) and bytes otherwise."""
    mime = media.split(";", 1)[0].strip().lower()
    if _JSON_MIME.match(mime):
        return "json"
    if mime == "application/x-www-form-urlencoded":
        return "form"
    if mime.startswith("multipart/"):
        return "multipart"
    if mime == "text/event-stream":
        return "events"
    if mime.startswith("text/"):
        return "text"
    if mime in _WILDCARDS and isinstance(schema, dict) and schema:
        types = schema.get("type")
        types = types if isinstance(types, list) else [types]
        if "string" not in types:
            return "json"
    return "binary"


def _is_file(schema: Any) -> bool:
    """Whether a property schema is file content: a binary string (3.0), or one with a
    contentMediaType or contentEncoding (3.1)."""
    if not isinstance(schema, dict):
        return False
    types = schema.get("type")
    if "string" not in (types if isinstance(types, list) else [types]):
        return False
    return (
        schema.get("format") == "binary"
        or "contentMediaType" in schema
        or "contentEncoding" in schema
    )


def _encoding(raw: Any) -> tuple[PartEncoding, ...]:
    if not isinstance(raw, dict):
        return ()
    found = []
    for name, entry in raw.items():
        if not isinstance(entry, dict):
            continue
        explode = entry.get("explode")
        found.append(
            PartEncoding(
                str(name),
                str(entry.get("contentType") or ""),
                str(entry.get("style") or ""),
                explode if isinstance(explode, bool) else None,
            )
        )
    return tuple(found)


def _first_success(responses: dict[str, Any]) -> str | None:
    return next((s for s in responses if str(s).startswith("2")), None)


def _security(raw: Any) -> tuple[tuple[str, ...], ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(tuple(str(k) for k in req) for req in raw if isinstance(req, dict))


def _media_examples(resolver: Resolver, media: Target) -> tuple[Any, ...]:
    raw = media.value if isinstance(media.value, dict) else {}
    found: list[Any] = []
    if "example" in raw:
        found.append(raw["example"])
    for name in raw.get("examples") or {}:
        example = resolver.deref(media.child("examples", name)).value
        if isinstance(example, dict) and "value" in example:
            found.append(example["value"])
    return tuple(found)
