"""Stage 3 data: the intermediate representation. Frozen dataclasses; nothing here returns code.

The IR says what the API *is* (types, fields, operations) with every name already decided by
`generator.naming`; the render stage decides how that looks in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from generator.errors import Location

TypeKind = Literal[
    "any",  # anything JSON
    "str",
    "int",
    "float",
    "bool",
    "null",
    "datetime",  # string, format date-time
    "date",  # string, format date
    "literal",  # one fixed JSON scalar (single-value enum or const)
    "model",  # a Model by name (object, enum or alias)
    "list",  # args[0] is the item type
    "map",  # args[0] is the value type (additionalProperties)
    "union",  # args are the options
]


@dataclass(frozen=True)
class Discriminator:
    """OpenAPI discriminator: the property and the mapping from its values to model names."""

    property: str
    mapping: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TypeRef:
    """A use of a type: a primitive, a container of types, or a reference to a named Model."""

    kind: TypeKind
    args: tuple[TypeRef, ...] = ()
    name: str = ""  # the Model's class name when kind == "model"
    value: Any = None  # the fixed value when kind == "literal"
    nullable: bool = False
    discriminator: Discriminator | None = None


@dataclass(frozen=True)
class Field:
    """One property of an object model."""

    wire_name: str
    py_name: str
    type: TypeRef
    required: bool
    description: str = ""
    default: Any = None
    has_default: bool = False
    read_only: bool = False
    write_only: bool = False
    deprecated: bool = False
    example: Any = None
    has_example: bool = False


@dataclass(frozen=True)
class EnumMember:
    """One value of an enum model, with its Python member name."""

    py_name: str
    value: Any


ModelKind = Literal["object", "enum", "alias"]


@dataclass(frozen=True)
class Model:
    """A named type: an object (dataclass), an open enum, or an alias of another type."""

    name: str  # Python class name, unique in the package
    snake: str  # snake_case form for function names (validate_<snake>), unique
    kind: ModelKind
    pointer: str  # JSON pointer of the schema in its document
    location: Location
    component: bool  # declared under components/schemas (gets a JSON Schema document)
    description: str = ""
    fields: tuple[Field, ...] = ()
    additional: TypeRef | None = None  # value type of additionalProperties, when typed
    closed: bool = False  # additionalProperties: false
    enum_base: Literal["str", "int", "float", ""] = ""
    members: tuple[EnumMember, ...] = ()
    alias: TypeRef | None = None
    examples: tuple[Any, ...] = ()


ParamLocation = Literal["path", "query", "header", "cookie"]


@dataclass(frozen=True)
class Parameter:
    """One operation parameter."""

    wire_name: str
    py_name: str
    location: ParamLocation
    type: TypeRef
    required: bool
    style: str
    explode: bool
    description: str = ""
    deprecated: bool = False
    examples: tuple[Any, ...] = ()


# How a body travels, from its media type (and, for wildcards, its schema): JSON text;
# form-urlencoded fields; multipart parts; text (``text/*``); server-sent events; bytes.
BodyKind = Literal["json", "form", "multipart", "text", "events", "binary"]


@dataclass(frozen=True)
class PartEncoding:
    """An OpenAPI Encoding Object entry: how one property of a form or multipart body is
    sent ("" / None where the spec says nothing)."""

    name: str
    content_type: str = ""
    style: str = ""
    explode: bool | None = None


@dataclass(frozen=True)
class Body:
    """A request or response body for one media type."""

    media_type: str
    type: TypeRef | None  # None: no schema, raw bytes
    required: bool = True
    examples: tuple[Any, ...] = ()
    kind: BodyKind = "json"
    # Wire names of the properties holding file content (format binary, contentMediaType,
    # contentEncoding), in any branch of the schema: multipart bodies send them as files.
    files: tuple[str, ...] = ()
    encoding: tuple[PartEncoding, ...] = ()


@dataclass(frozen=True)
class Response:
    """A documented response: status is '200', '4XX' or 'default'."""

    status: str
    description: str
    bodies: tuple[Body, ...] = ()


@dataclass(frozen=True)
class Operation:
    """One HTTP operation with its parameters, body, responses and client placement."""

    operation_id: str
    py_name: str  # method name on its resource, e.g. "retrieve"
    resource: tuple[
        str, ...
    ]  # attribute path of its resource, e.g. ("rooms", "sessions")
    snake: str  # unique snake_case id of the operation, e.g. "view_room_session"
    method: str  # lower case
    path: str
    location: Location
    summary: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    request_body: Body | None = None
    # Every documented media type of the request body, the default (request_body) first.
    request_bodies: tuple[Body, ...] = ()
    responses: tuple[Response, ...] = ()
    security: tuple[
        tuple[str, ...], ...
    ] = ()  # alternatives of scheme names; () = no auth
    deprecated: bool = False


@dataclass(frozen=True)
class Webhook:
    """A request the API sends to its users (OpenAPI 3.1 ``webhooks``): they parse its body."""

    name: str  # its key under ``webhooks``
    snake: str  # unique snake_case id, e.g. "call_answered"
    method: str  # lower case
    location: Location
    operation_id: str = ""
    summary: str = ""
    description: str = ""
    parameters: tuple[
        Parameter, ...
    ] = ()  # what comes with it (e.g. signature headers)
    body: Body | None = None
    deprecated: bool = False


@dataclass(frozen=True)
class SecurityScheme:
    """A security scheme from components/securitySchemes."""

    name: str
    type: str
    scheme: str = ""
    location: str = ""  # for apiKey: header/query/cookie
    param_name: str = ""  # for apiKey
    description: str = ""


@dataclass(frozen=True)
class Api:
    """The whole API: what every later stage reads."""

    title: str
    version: str
    description: str
    openapi: str
    servers: tuple[str, ...]
    spec_file: str
    spec_sha256: str
    models: tuple[Model, ...]
    operations: tuple[Operation, ...]
    security_schemes: tuple[SecurityScheme, ...] = ()
    webhooks: tuple[Webhook, ...] = ()
    # JSON Schema 2020-12 per model name, with references as "#/$defs/<Model name>".
    schemas: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    unsupported: tuple[tuple[Location, str], ...] = ()
    # Constructs understood and deliberately not generated (reported, never fatal).
    notices: tuple[tuple[Location, str], ...] = ()
    # JSON pointer into the spec -> its file:line:col (the deepest node that exists).
    locate: Callable[[str], Location] | None = field(
        default=None, compare=False, hash=False, repr=False
    )
