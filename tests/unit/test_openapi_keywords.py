"""OpenAPI keywords in the compiled validators: nullable, discriminator dispatch,
readOnly/writeOnly request and response validators, and examples that never validate."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest

from generator.analyze import analyze
from generator.client_views import resource_modules
from generator.config import load_config
from generator.ir import Api
from generator.jsonschema_docs import document
from generator.load import load_file
from generator.validation import (
    Entry,
    SchemaCompileError,
    compile_module,
    load_source,
    load_validators,
)
from generator.validators_module import compile_validators, directional_names
from tests.paths import ROOT

SPEC = """
openapi: {version}
info: {{title: Pets, version: "1"}}
paths:
  /owners:
    post:
      operationId: CreateOwner
      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/Owner'}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Owner'}}
  /pets:
    get:
      operationId: GetPet
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Pet'}}
components:
  schemas:
    Pet:
      oneOf:
        - $ref: '#/components/schemas/Dog'
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/lizard.v2'
      discriminator:
        propertyName: kind
        mapping:
          dog: '#/components/schemas/Dog'
          cat: '#/components/schemas/Cat'
    Dog:
      type: object
      required: [kind, bark]
      properties:
        kind: {{type: string}}
        bark: {{type: string, example: 42}}
    Cat:
      type: object
      required: [kind, lives]
      properties:
        kind: {{type: string}}
        lives: {{type: integer, maximum: 9}}
    lizard.v2:
      type: object
      required: [kind]
      properties:
        kind: {{type: string}}
    Badge:
      type: object
      readOnly: true
      properties:
        level: {{type: integer}}
    Owner:
      type: object
      required: [id, name, password, badge]
      example: {{id: 5, name: [], password: false}}
      properties:
        id: {{type: string, readOnly: true}}
        name: {{type: string}}
        password: {{type: string, writeOnly: true}}
        badge: {{$ref: '#/components/schemas/Badge'}}
        pet: {{$ref: '#/components/schemas/Pet'}}
        nickname: {{type: string, nullable: true}}
        mood: {{type: string, enum: [calm, wild], nullable: true}}
        friend: {{$ref: '#/components/schemas/Cat', nullable: true}}
        tags: {{type: array, items: {{type: string}}, nullable: true}}
"""


def _api(tmp_path: Path, version: str = "3.0.3") -> Api:
    path = tmp_path / "pets.yaml"
    path.write_text(textwrap.dedent(SPEC.format(version=version)))
    return analyze(load_file(path), load_config(ROOT))


@pytest.fixture(scope="module", params=["3.0.3", "3.1.0"])
def api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Api:
    return _api(tmp_path_factory.mktemp(request.param.replace(".", "_")), request.param)


@pytest.fixture(scope="module")
def validators(api: Api) -> ModuleType:
    body, names = compile_validators(api)
    module = load_source(body)
    for name in names:
        assert hasattr(module, name), name
    return module


def _error(validate: Any, payload: Any) -> tuple[str, str, str]:
    with pytest.raises(Exception) as info:
        validate(payload)
    error = info.value
    return error.path, error.schema_path, error.message  # type: ignore[attr-defined]


def _oracle(api: Api, name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(document(name, api.schemas, ""))


OWNER = {"name": "Ann", "badge": {"level": 1}}


# -- nullable ------------------------------------------------------------------------


def test_nullable_is_translated_for_the_validators_and_the_oracle(
    api: Api, validators: ModuleType
) -> None:
    oracle = _oracle(api, "Owner")
    full = {**OWNER, "id": "1", "password": "p"}
    for field in ("nickname", "mood", "friend", "tags"):
        payload = {**full, field: None}
        assert validators.is_valid_owner(payload), field
        assert oracle.is_valid(payload), field
    for field, bad in (("name", None), ("mood", "bored"), ("friend", "x")):
        payload = {**full, field: bad}
        assert not validators.is_valid_owner(payload), field
        assert not oracle.is_valid(payload), field
    assert validators.is_valid_owner({**full, "friend": {"kind": "c", "lives": 1}})
    # OpenAPI 3.1 has no nullable keyword: the converter still gives it 3.0's meaning.
    assert "nullable" not in str(api.schemas["Owner"])


# -- discriminator -------------------------------------------------------------------


def test_discriminator_validates_only_the_mapped_branch(
    validators: ModuleType,
) -> None:
    validate = validators.validate_pet
    validate({"kind": "dog", "bark": "woof"})
    validate({"kind": "cat", "lives": 9})
    # The error is the branch's own, not "matches none of oneOf".
    assert _error(validate, {"kind": "cat", "lives": 10})[:2] == (
        "/lives",
        "/$defs/Cat/properties/lives/maximum",
    )
    assert _error(validate, {"kind": "dog"})[:2] == ("", "/$defs/Dog/required")
    # A dog-shaped payload tagged "cat" is checked as a cat only.
    assert _error(validate, {"kind": "cat", "bark": "woof"})[0] == ""
    assert "lives" in _error(validate, {"kind": "cat", "bark": "woof"})[2]


def test_discriminator_implicit_mapping_uses_the_component_name(
    api: Api, validators: ModuleType
) -> None:
    mapping = api.schemas["Pet"]["discriminator"]["mapping"]
    assert mapping["lizard.v2"] == "#/$defs/LizardV2"
    validators.validate_pet({"kind": "lizard.v2"})
    # Only the component name maps: neither the model name nor the explicit key's case.
    for tag in ("LizardV2", "Dog", "Cat"):
        assert not validators.is_valid_pet({"kind": tag, "bark": "b", "lives": 1})


def test_unknown_or_missing_discriminator_is_reported_at_the_property(
    validators: ModuleType,
) -> None:
    path, schema_path, message = _error(validators.validate_pet, {"kind": "cow"})
    assert (path, schema_path) == ("/kind", "/$defs/Pet/discriminator")
    assert "'cow'" in message and "'dog'" in message and "'lizard.v2'" in message
    path, schema_path, message = _error(validators.validate_pet, {"lives": 1})
    assert (path, schema_path) == ("/kind", "/$defs/Pet/discriminator")
    assert message.startswith("missing discriminator property 'kind'")
    # Nested in an object, the pointer is the nested property's.
    owner = {"name": "Ann", "password": "p", "pet": {"kind": 7}}
    assert _error(validators.validate_owner_request, owner)[0] == "/pet/kind"
    errors = list(validators.iter_errors_pet({"kind": "cow"}))
    assert [e.path for e in errors] == ["/kind"]


def test_discriminator_leaves_non_objects_to_the_generic_check(
    validators: ModuleType,
) -> None:
    assert _error(validators.validate_pet, 5)[:2] == ("", "/$defs/Pet/oneOf")
    assert not validators.is_valid_pet(None)


def test_discriminator_is_dispatch_not_trial_parsing() -> None:
    # Both branches accept the payload: oneOf alone rejects it (two matches), the
    # discriminator picks one branch and accepts it.
    schema = {
        "$defs": {
            "A": {"type": "object", "properties": {"t": {"type": "string"}}},
            "B": {"type": "object"},
            "U": {
                "oneOf": [{"$ref": "#/$defs/A"}, {"$ref": "#/$defs/B"}],
                "discriminator": {"propertyName": "t"},
            },
        }
    }
    entries = [Entry("u", "/$defs/U")]
    openapi = load_validators(schema, entries, openapi=True)
    plain = load_validators(schema, entries)
    assert openapi.is_valid_u({"t": "A"}) and openapi.is_valid_u({"t": "B"})
    assert not openapi.is_valid_u({"t": "C"})
    # Without OpenAPI semantics discriminator is an unknown keyword: plain oneOf.
    assert not plain.is_valid_u({"t": "A"})
    assert not jsonschema.Draft202012Validator(
        {**schema, "$ref": "#/$defs/U"}
    ).is_valid({"t": "A"})


def test_discriminator_with_an_unmappable_branch_keeps_trial_parsing() -> None:
    schema = {
        "$defs": {
            "A": {"type": "object", "required": ["a"]},
            "U": {
                "anyOf": [{"$ref": "#/$defs/A"}, {"type": "object", "required": ["b"]}],
                "discriminator": {"propertyName": "t"},
            },
        }
    }
    m = load_validators(schema, [Entry("u", "/$defs/U")], openapi=True)
    assert m.is_valid_u({"b": 1}) and m.is_valid_u({"a": 1, "t": "x"})
    assert _error(m.validate_u, {"c": 1})[:2] == ("", "/$defs/U/anyOf")


def test_bad_discriminator_mapping_is_a_compile_error() -> None:
    schema = {
        "$defs": {
            "A": {"type": "object"},
            "U": {
                "oneOf": [{"$ref": "#/$defs/A"}],
                "discriminator": {"propertyName": "t", "mapping": {"x": "#/$defs/Z"}},
            },
        }
    }
    with pytest.raises(SchemaCompileError) as info:
        compile_module(schema, [Entry("u", "/$defs/U")], openapi=True)
    assert info.value.pointer == "/$defs/U/discriminator/mapping/x"


# -- readOnly / writeOnly ------------------------------------------------------------


def test_request_and_response_validators_exist_where_direction_matters(
    api: Api,
) -> None:
    # Owner is a request body reaching readOnly and a response reaching writeOnly; Pet
    # is only a response and reaches neither; Badge is no body at all.
    assert directional_names(api) == {
        "Owner": {"request": "owner_request", "response": "owner_response"}
    }


def test_request_validator_forbids_read_only_and_does_not_require_it(
    validators: ModuleType,
) -> None:
    request = validators.validate_owner_request
    request({"name": "Ann", "password": "p"})  # id and badge are readOnly: not required
    assert _error(request, {"name": "Ann"})[2] == "missing required property 'password'"
    path, schema_path, message = _error(request, {**OWNER, "password": "p"})
    assert (path, schema_path) == ("/badge", "/$defs/Badge/readOnly")
    assert "read-only" in message
    assert _error(request, {"name": "Ann", "password": "p", "id": "1"})[:2] == (
        "/id",
        "/$defs/Owner/properties/id/readOnly",
    )


def test_response_validator_forbids_write_only_and_does_not_require_it(
    validators: ModuleType,
) -> None:
    response = validators.validate_owner_response
    response({**OWNER, "id": "1"})  # password is writeOnly: not required
    assert _error(response, {"name": "Ann", "badge": {}})[2] == (
        "missing required property 'id'"
    )
    path, _, message = _error(response, {**OWNER, "id": "1", "password": "p"})
    assert path == "/password" and "write-only" in message


def test_plain_validator_reads_the_schema_as_json_schema_does(
    api: Api, validators: ModuleType
) -> None:
    oracle = _oracle(api, "Owner")
    for payload in (
        {**OWNER, "id": "1", "password": "p"},
        {"name": "Ann", "password": "p"},
        {**OWNER, "id": "1"},
    ):
        assert validators.is_valid_owner(payload) == oracle.is_valid(payload)
    assert validators.is_valid_owner({**OWNER, "id": "1", "password": "p"})


def test_direction_specific_functions_are_only_made_where_they_differ(
    api: Api,
) -> None:
    body, _ = compile_validators(api)
    defined = [
        line.split("(")[0][4:] for line in body.splitlines() if line.startswith("def ")
    ]
    directed = [name for name in defined if name.endswith(("_req", "_resp"))]
    # Only Owner's differ (Badge, readOnly itself, is small enough to be inlined); Pet,
    # Dog, Cat and the lizard are shared with the plain validators.
    assert sorted(directed) == ["_v_defs_Owner_req", "_v_defs_Owner_resp"]
    assert "_v_defs_Pet" in defined and "_v_defs_Owner" in defined


def test_client_uses_the_request_and_response_validators(api: Api) -> None:
    methods = {
        m.operation_id: m
        for view in resource_modules(api, "").values()
        for r in view.resources
        for m in r.methods
    }
    create = methods['"CreateOwner"']
    assert create.body is not None
    assert create.body.validator == "_v.validate_owner_request"
    assert [r.validator for r in create.responses] == ["_v.validate_owner_response"]
    assert [r.validator for r in methods['"GetPet"'].responses] == ["_v.validate_pet"]


EXTRA_BODY_SPEC = """
openapi: 3.1.0
info: {title: Docs, version: "1"}
paths:
  /documents:
    post:
      operationId: CreateDocument
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Link'}
          multipart/form-data:
            schema: {$ref: '#/components/schemas/Upload'}
      responses:
        '204': {description: ok}
components:
  schemas:
    Link:
      type: object
      properties:
        url: {type: string}
    Upload:
      type: object
      required: [id, name]
      properties:
        id: {type: string, readOnly: true}
        name: {type: string}
        file: {type: string, format: binary}
"""


def test_the_body_of_every_media_type_gets_the_request_validator(
    tmp_path: Path,
) -> None:
    # Upload is only the multipart alternative (an extra ``_multipart`` method): it is
    # still a request body, so its readOnly id is forbidden there, never required.
    path = tmp_path / "docs.yaml"
    path.write_text(textwrap.dedent(EXTRA_BODY_SPEC))
    api = analyze(load_file(path), load_config(ROOT))
    assert directional_names(api) == {"Upload": {"request": "upload_request"}}
    validators = {
        m.body.validator
        for view in resource_modules(api, "").values()
        for r in view.resources
        for m in r.methods
        if m.operation_id == '"CreateDocument"' and m.body is not None
    }
    assert validators == {"_v.validate_link", "_v.validate_upload_request"}
    module = load_source(compile_validators(api)[0])
    module.validate_upload_request({"name": "report.pdf"})
    assert _error(module.validate_upload_request, {"name": "a", "id": "1"})[:2] == (
        "/id",
        "/$defs/Upload/properties/id/readOnly",
    )


def test_unknown_direction_is_a_compile_error() -> None:
    with pytest.raises(SchemaCompileError):
        compile_module({"$defs": {"A": {}}}, [Entry("a", "/$defs/A", "sideways")])


# -- example / examples --------------------------------------------------------------


def test_examples_that_break_their_schema_do_not_affect_validation(
    api: Api, validators: ModuleType
) -> None:
    # The spec's Owner example {id: 5, name: [], password: false} and the bark example
    # 42 both violate their schemas; they are kept as annotations only.
    assert api.schemas["Owner"]["examples"] == [
        {"id": 5, "name": [], "password": False}
    ]
    assert not validators.is_valid_owner(api.schemas["Owner"]["examples"][0])
    assert validators.is_valid_dog({"kind": "dog", "bark": "woof"})
    assert not validators.is_valid_dog({"kind": "dog", "bark": 42})
    schema = {
        "$defs": {
            "S": {"type": "string", "example": 42, "examples": [42, None]},
            "Plain": {"type": "string"},
        }
    }
    entries = [Entry("s", "/$defs/S"), Entry("plain", "/$defs/Plain")]
    body = compile_module(schema, entries, openapi=True)
    assert "42" not in body
    m = load_source(body)
    for value in ("x", 42, None, [42]):
        assert m.is_valid_s(value) == m.is_valid_plain(value) == isinstance(value, str)


def test_hostile_discriminator_names_stay_data() -> None:
    prop = "k'\"\n\\'''); import os #"
    tag = '"""\n__import__("os").system("x")\n'
    schema = {
        "$defs": {
            "A": {"type": "object", "properties": {prop: {"type": "string"}}},
            "U": {
                "oneOf": [{"$ref": "#/$defs/A"}],
                "discriminator": {"propertyName": prop, "mapping": {tag: "#/$defs/A"}},
            },
        }
    }
    body = compile_module(schema, [Entry("u", "/$defs/U")], openapi=True)
    tree = ast.parse(body)
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert [getattr(n, "module", None) for n in imports] == [
        None,
        "collections.abc",
        "typing",
        "_validation",
    ]
    calls = {ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    assert not calls & {"__import__", "eval", "exec", "os.system"}, calls
    m = load_source(body)
    assert m.is_valid_u({prop: tag})
    path, _, message = _error(m.validate_u, {prop: "other"})
    assert path == "/" + prop.replace("~", "~0").replace("/", "~1")
    assert "other" in message


class _Store:
    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.texts.get(key)

    def put(self, key: str, text: str) -> None:
        self.texts[key] = text


def test_compiled_validators_are_cached_by_schemas_entries_and_compiler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import generator.validation as validation
    import generator.validators_module as vm

    store = _Store()
    api = _api(tmp_path)
    body, names = compile_validators(api, store)
    assert list(store.texts.values()) == [body]
    assert body == compile_validators(api)[0]

    def refuse(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("compiled again")

    monkeypatch.setattr(validation, "compile_module", refuse)
    (tmp_path / "again").mkdir()
    assert compile_validators(_api(tmp_path / "again"), store) == (body, names)
    # Another schema, or another compiler, is another key: never the old code.
    changed = tmp_path / "changed"
    changed.mkdir()
    (changed / "pets.yaml").write_text(
        textwrap.dedent(SPEC.format(version="3.0.3")).replace(
            "maximum: 9", "maximum: 8"
        )
    )
    other = analyze(load_file(changed / "pets.yaml"), load_config(ROOT))
    with pytest.raises(AssertionError, match="compiled again"):
        compile_validators(other, store)
    monkeypatch.setattr(vm, "source_fingerprint", lambda: b"another compiler")
    with pytest.raises(AssertionError, match="compiled again"):
        compile_validators(api, store)
