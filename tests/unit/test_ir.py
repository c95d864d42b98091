"""Unit layer: small inline specs -> IR."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.analyze import analyze
from generator.config import Config
from generator.errors import SpecError
from generator.ir import Api, Model, TypeRef
from generator.load import load_text


def build(yaml_text: str, **config: object) -> Api:
    doc = load_text(textwrap.dedent(yaml_text).encode(), "inline.yaml")
    return analyze(doc, Config(root=Path("."), **config))  # type: ignore[arg-type]


def model(api: Api, name: str) -> Model:
    found = {m.name: m for m in api.models}
    assert name in found, sorted(found)
    return found[name]


HEAD = """
openapi: {version}
info: {{title: T, version: "1"}}
paths: {{}}
components:
  schemas:
"""


def schemas(body: str, version: str = "3.1.0") -> Api:
    return build(
        HEAD.format(version=version) + textwrap.indent(textwrap.dedent(body), "    ")
    )


def field_types(m: Model) -> dict[str, TypeRef]:
    return {f.wire_name: f.type for f in m.fields}


def test_object_fields_keep_wire_names_and_required() -> None:
    api = schemas("""
        Room:
          type: object
          required: [id]
          properties:
            id: {type: string, format: uuid}
            createdAt: {type: string, format: date-time}
            day: {type: string, format: date}
            count: {type: integer}
            ratio: {type: number}
            active: {type: boolean}
        """)
    room = model(api, "Room")
    assert room.kind == "object"
    assert [(f.wire_name, f.py_name, f.required) for f in room.fields] == [
        ("id", "id", True),
        ("createdAt", "created_at", False),
        ("day", "day", False),
        ("count", "count", False),
        ("ratio", "ratio", False),
        ("active", "active", False),
    ]
    kinds = {w: t.kind for w, t in field_types(room).items()}
    assert kinds == {
        "id": "str",
        "createdAt": "datetime",
        "day": "date",
        "count": "int",
        "ratio": "float",
        "active": "bool",
    }


def test_nullable_in_both_dialects() -> None:
    v31 = schemas("A: {type: object, properties: {x: {type: [string, 'null']}}}")
    v30 = schemas(
        "A: {type: object, properties: {x: {type: string, nullable: true}}}", "3.0.3"
    )
    one_of = schemas(
        "A: {type: object, properties: {x: {oneOf: [{type: integer}, {type: 'null'}]}}}"
    )
    assert field_types(model(v31, "A"))["x"] == TypeRef("str", nullable=True)
    assert field_types(model(v30, "A"))["x"] == TypeRef("str", nullable=True)
    assert field_types(model(one_of, "A"))["x"] == TypeRef("int", nullable=True)
    assert v30.schemas["A"]["properties"]["x"]["type"] == ["string", "null"]


def test_openapi_30_boolean_exclusive_bounds_become_numeric() -> None:
    api = schemas(
        "N: {type: integer, minimum: 1, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: false}",
        "3.0.3",
    )
    assert api.schemas["N"] == {"type": "integer", "exclusiveMinimum": 1, "maximum": 9}


def test_enums_are_models_and_single_values_are_literals() -> None:
    api = schemas("""
        S:
          type: object
          properties:
            status: {type: string, enum: [active, inactive, '-', '+']}
            kind: {type: string, enum: [room]}
        Level: {type: integer, enum: [1, 2, 3]}
        """)
    status = model(api, "SStatus")
    assert status.kind == "enum" and status.enum_base == "str"
    assert [(m.py_name, m.value) for m in status.members] == [
        ("ACTIVE", "active"),
        ("INACTIVE", "inactive"),
        ("VALUE_MINUS", "-"),
        ("VALUE_PLUS", "+"),
    ]
    assert field_types(model(api, "S"))["kind"] == TypeRef("literal", value="room")
    assert model(api, "Level").enum_base == "int"


def test_case_twins_in_enum_values_get_distinct_members() -> None:
    api = schemas("Vendor: {type: string, enum: [minimax, Minimax]}")
    assert [m.py_name for m in model(api, "Vendor").members] == ["MINIMAX", "Minimax"]


def test_all_of_merges_fields() -> None:
    api = schemas("""
        Base: {type: object, required: [id], properties: {id: {type: string}}}
        Child:
          allOf:
            - $ref: '#/components/schemas/Base'
            - type: object
              required: [extra]
              properties: {extra: {type: number}}
        """)
    child = model(api, "Child")
    assert child.kind == "object"
    assert [(f.wire_name, f.required) for f in child.fields] == [
        ("id", True),
        ("extra", True),
    ]


def test_one_of_with_discriminator() -> None:
    api = schemas("""
        Pet:
          oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
          discriminator:
            propertyName: kind
            mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}
        Cat: {type: object, properties: {kind: {type: string}}}
        Dog: {type: object, properties: {kind: {type: string}}}
        """)
    pet = model(api, "Pet")
    assert pet.kind == "alias" and pet.alias is not None
    assert pet.alias.kind == "union"
    assert [a.name for a in pet.alias.args] == ["Cat", "Dog"]
    assert pet.alias.discriminator is not None
    assert pet.alias.discriminator.mapping == (("cat", "Cat"), ("dog", "Dog"))
    assert api.schemas["Pet"]["discriminator"]["mapping"] == {
        "cat": "#/$defs/Cat",
        "dog": "#/$defs/Dog",
    }


def test_recursive_schema_refers_to_itself_by_name() -> None:
    api = schemas("""
        Node:
          type: object
          properties:
            children: {type: array, items: {$ref: '#/components/schemas/Node'}}
            parent: {$ref: '#/components/schemas/Node'}
        """)
    types = field_types(model(api, "Node"))
    assert types["children"] == TypeRef("list", (TypeRef("model", name="Node"),))
    assert types["parent"] == TypeRef("model", name="Node")
    assert api.schemas["Node"]["properties"]["parent"] == {"$ref": "#/$defs/Node"}


def test_additional_properties_and_inline_objects() -> None:
    api = schemas("""
        Bag:
          type: object
          properties:
            counts: {type: object, additionalProperties: {type: integer}}
            loose: {type: object}
            inner: {type: object, properties: {a: {type: integer}}}
          additionalProperties: false
        """)
    bag = model(api, "Bag")
    types = field_types(bag)
    assert types["counts"] == TypeRef("map", (TypeRef("int"),))
    assert types["loose"] == TypeRef("map", (TypeRef("any"),))
    assert types["inner"] == TypeRef("model", name="BagInner")
    assert bag.closed
    assert not model(api, "BagInner").component


def test_keywords_and_case_twins_become_safe_attributes() -> None:
    api = schemas(
        "K: {type: object, properties: {class: {type: string}, id: {type: string}, ID: {type: string}, self: {type: string}}}"
    )
    assert [f.py_name for f in model(api, "K").fields] == [
        "class_",
        "id",
        "ID",
        "self_",
    ]


def test_colliding_names_are_refused_at_their_place() -> None:
    with pytest.raises(SpecError) as info:
        schemas(
            "C: {type: object, properties: {user_id: {type: string}, user-id: {type: string}}}"
        )
    assert str(info.value).startswith("inline.yaml:7:")
    assert "collides" in str(info.value)


OPS = """
openapi: 3.1.0
info: {title: T, version: "1"}
servers: [{url: 'https://api.example.com/v2'}]
security: [{bearerAuth: []}]
paths:
  /room_sessions:
    get:
      operationId: ListRoomSessions
      tags: [Room Sessions]
      parameters:
        - name: filter
          in: query
          style: deepObject
          explode: true
          schema: {type: object, properties: {room_id: {type: string}}}
      responses:
        '200':
          content:
            application/json:
              schema: {type: object, properties: {data: {type: array, items: {type: string}}}}
  /room_sessions/{room_session_id}:
    get:
      operationId: ViewRoomSession
      tags: [Room Sessions]
      parameters:
        - {name: room_session_id, in: path, required: true, schema: {type: string, format: uuid}}
        - {name: include_participants, in: query, schema: {type: boolean}}
      responses:
        '200': {description: ok}
  /room_sessions/{room_session_id}/actions/end:
    post:
      operationId: EndSession
      tags: [Room Sessions]
      security: []
      parameters:
        - {name: room_session_id, in: path, required: true, schema: {type: string}}
      responses:
        '200': {description: ok}
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer}
"""


def test_operations_default_placement_from_tags_and_paths() -> None:
    api = build(OPS)
    placed = {o.operation_id: (o.resource, o.py_name) for o in api.operations}
    assert placed == {
        "ListRoomSessions": (("room_sessions",), "list"),
        "ViewRoomSession": (("room_sessions",), "retrieve"),
        "EndSession": (("room_sessions",), "end"),
    }
    ops = {o.operation_id: o for o in api.operations}
    assert ops["ViewRoomSession"].security == (("bearerAuth",),)
    assert ops["EndSession"].security == ()
    assert [p.py_name for p in ops["ViewRoomSession"].parameters] == [
        "room_session_id",
        "include_participants",
    ]
    filter_param = ops["ListRoomSessions"].parameters[0]
    assert (
        filter_param.style == "deepObject"
        and filter_param.type.name == "ListRoomSessionsFilter"
    )
    assert api.servers == ("https://api.example.com/v2",)
    assert "ListRoomSessionsResponse" in {m.name for m in api.models}


def test_operations_placement_from_configuration() -> None:
    api = build(OPS, operations={"ViewRoomSession": "rooms.sessions.retrieve"})
    view = next(o for o in api.operations if o.operation_id == "ViewRoomSession")
    assert (view.resource, view.py_name) == (("rooms", "sessions"), "retrieve")
