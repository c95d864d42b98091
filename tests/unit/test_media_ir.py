"""Unit layer: how the IR records a body's media kind, its file properties and its Encoding
Object, and every request media type an operation documents."""

from __future__ import annotations

import pytest

from generator.ir import Api, Operation, PartEncoding
from generator.operations import media_kind
from tests.unit.test_ir import build

SPEC = """
openapi: 3.1.0
info: {title: T, version: "1"}
paths:
  /things:
    post:
      operationId: CreateThing
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Thing"}
          multipart/form-data:
            schema:
              allOf:
                - $ref: "#/components/schemas/Thing"
                - type: object
                  properties:
                    scan: {$ref: "#/components/schemas/Binary"}
                    pages: {type: array, items: {type: string, format: binary}}
                    logo: {type: string, contentMediaType: image/png}
                    data: {type: string, contentEncoding: base64}
                    note: {type: string, format: byte}
            encoding:
              scan: {contentType: application/pdf}
          application/x-www-form-urlencoded:
            schema: {$ref: "#/components/schemas/Thing"}
            encoding:
              tags: {style: spaceDelimited, explode: false}
      responses:
        "200":
          description: CSV or bytes
          content:
            text/csv: {schema: {type: string}}
components:
  schemas:
    Thing:
      type: object
      properties:
        name: {type: string}
        tags: {type: array, items: {type: string}}
    Binary: {type: string, format: binary}
"""


@pytest.fixture(scope="module")
def op() -> Operation:
    api: Api = build(SPEC)
    (found,) = api.operations
    return found


def test_every_request_media_type_is_kept_json_first(op: Operation) -> None:
    assert [b.media_type for b in op.request_bodies] == [
        "application/json",
        "multipart/form-data",
        "application/x-www-form-urlencoded",
    ]
    assert op.request_body == op.request_bodies[0]
    assert [b.kind for b in op.request_bodies] == ["json", "multipart", "form"]
    assert all(b.required for b in op.request_bodies)


def test_file_properties_and_encoding_are_recorded(op: Operation) -> None:
    multipart, form = op.request_bodies[1:]
    # format: byte is base64 text, not file content; a $ref'd binary string is a file.
    assert multipart.files == ("scan", "pages", "logo", "data")
    assert multipart.encoding == (PartEncoding("scan", "application/pdf"),)
    assert form.files == ()
    assert form.encoding == (PartEncoding("tags", "", "spaceDelimited", False),)
    (response,) = op.responses
    assert [(b.media_type, b.kind) for b in response.bodies] == [("text/csv", "text")]


@pytest.mark.parametrize(
    ("media", "schema", "kind"),
    [
        ("application/json", None, "json"),
        ("application/vnd.api+json; charset=utf-8", None, "json"),
        ("application/x-www-form-urlencoded", None, "form"),
        ("multipart/form-data", None, "multipart"),
        ("multipart/mixed", None, "multipart"),
        ("text/csv", None, "text"),
        ("text/plain; charset=utf-8", {"type": "string"}, "text"),
        ("text/event-stream", None, "events"),
        ("application/pdf", {"type": "string", "format": "binary"}, "binary"),
        ("audio/wav", None, "binary"),
        ("image/png", None, "binary"),
        ("application/octet-stream", None, "binary"),
        ("*", {"type": "string", "format": "binary"}, "binary"),
        ("*/*", None, "binary"),
        ("*/*", {"type": "object", "properties": {}}, "json"),
        ("*/*", {"type": ["string", "null"]}, "binary"),
        ("application/*", {"type": "array"}, "json"),
    ],
)
def test_media_kind(media: str, schema: object, kind: str) -> None:
    assert media_kind(media, schema) == kind


RESPONSES = """
openapi: 3.1.0
info: {title: T, version: "1"}
paths:
  /reports:
    get:
      operationId: ListReports
      responses:
        "200":
          description: ok
          content:
            application/json: {schema: {type: object}}
            text/csv: {schema: {type: string}}
            text/plain: {schema: {type: string}}
            image/png: {schema: {type: string, format: binary}}
            application/pdf: {schema: {type: string, format: binary}}
        "206":
          description: partial
          content:
            text/event-stream: {schema: {type: string}}
            application/pdf: {schema: {type: string, format: binary}}
  /exports:
    get:
      operationId: ListExports
      responses:
        "200":
          description: ok
          content:
            text/csv: {schema: {type: string}}
            application/json: {schema: {type: object}}
            audio/ogg: {schema: {type: string, format: binary}}
  /events:
    get:
      operationId: ListEvents
      responses:
        "200":
          description: ok
          content:
            text/event-stream: {schema: {type: string}}
"""


def test_other_response_media_kinds_and_their_method_names() -> None:
    from generator.body_views import response_kinds, response_method_name

    ops = {op.operation_id: op for op in build(RESPONSES).operations}

    def names(op_id: str) -> dict[str, list[str]]:
        op = ops[op_id]
        return {
            response_method_name(op, kind, bodies): [b.media_type for b in bodies]
            for kind, bodies in response_kinds(op).items()
        }

    # The plain method reads what each status documents first (JSON, events); each other
    # kind gets one method, named after its media types where they agree (text/csv
    # alone: _csv; image and PDF: _bytes). Events read whole can still be streamed.
    assert ops["ListReports"].py_name == "list"
    assert names("ListReports") == {
        "list_text": ["text/csv", "text/plain"],
        "list_bytes": ["image/png", "application/pdf", "application/pdf"],
        "list_stream": ["text/event-stream"],
    }
    # JSON is the plain method's even when documented after CSV.
    assert names("ListExports") == {
        "list_csv": ["text/csv"],
        "list_audio": ["audio/ogg"],
    }
    assert names("ListEvents") == {"list_stream": ["text/event-stream"]}
