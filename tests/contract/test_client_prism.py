"""Contract layer, on the wire: the generated sync and async clients against Prism.

Prism (tests/contract/prism.py) is an independent implementation of the same spec: it
validates every request the client sends and answers with the documented examples (static),
schema-generated data (``Prefer: dynamic=true``) or a documented error (``Prefer: code=N``).
Every call goes through an httpx client whose hooks record what Prism said about the request
(``sl-violations`` header, its own problem+json answers), and every test asserts none.

All inputs come from the spec through the IR: path/query parameter examples, the filter
objects assembled from their property examples, the page object from its defaults, the
request bodies from ActionsParticipantsRequest's examples (each oneOf alternative); expected
bodies are the documented examples (generator.examples), never copies.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.analyze import analyze
from generator.config import load_config
from generator.examples import collect
from generator.ir import Api, Model, Operation, Parameter
from generator.load import load_file
from tests.contract.prism import Traffic
from tests.paths import GENERATED, ROOT, SPEC

pytestmark = pytest.mark.timeout(180)

PACKAGE = "telnyx_rooms"
API_KEY = "contractgen-prism-key"
DYNAMIC_CALLS = 50
DYNAMIC_SERVER_CALLS = 10
MODES = ("sync", "async")
# What a client raises for each status a `4XX` range lets Prism serve.
RANGE_STATUSES = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
}
RETRIED = {408, 409, 429}  # the runtime's retry policy for 4xx statuses
MAX_RETRIES = 2

# ------------------------------------------------------------------------ spec -> cases

DOCUMENT = load_file(SPEC)
API: Api = analyze(DOCUMENT, load_config(ROOT))
MODELS: dict[str, Model] = {m.name: m for m in API.models}
EXAMPLES = collect(API)


def plain(value: Any) -> Any:
    """The spec's marked YAML nodes as plain JSON data."""
    return json.loads(json.dumps(value))


def model_example(name: str) -> Any:
    """The model's own documented example, else the one assembled from property examples."""
    for source in ("schema", "assembled"):
        for example in EXAMPLES:
            if example.model == name and example.source == source:
                return plain(example.value)
    raise LookupError(name)


def model_defaults(name: str) -> dict[str, Any]:
    return {f.wire_name: f.default for f in MODELS[name].fields if f.has_default}


def param_example(param: Parameter) -> Any:
    if param.examples:
        return plain(param.examples[0])
    if param.type.kind == "model":
        try:
            return model_example(param.type.name)
        except LookupError:
            defaults = model_defaults(param.type.name)
            if defaults:
                return defaults
    raise AssertionError(f"the spec documents no value for parameter {param.wire_name}")


def resolve_pointer(pointer: str) -> Any:
    node: Any = DOCUMENT.root
    for token in pointer.lstrip("/").split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def schema_examples(schema: Any) -> list[Any]:
    """Every value the spec documents for a schema: ``example``/``examples``, one per
    oneOf/anyOf alternative, arrays of item examples, objects from property examples (as
    many objects as the property with most alternatives has)."""
    while "$ref" in schema:
        schema = resolve_pointer(schema["$ref"].split("#", 1)[1])
    if "example" in schema:
        return [plain(schema["example"])]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return list(plain(schema["examples"]))
    alternatives = schema.get("oneOf") or schema.get("anyOf")
    if alternatives:
        return [v for alt in alternatives for v in schema_examples(alt)]
    if "items" in schema:
        return [[v] for v in schema_examples(schema["items"])]
    per_property = {
        name: values
        for name, sub in (schema.get("properties") or {}).items()
        if (values := schema_examples(sub))
    }
    width = max((len(v) for v in per_property.values()), default=0)
    return [
        {name: values[min(i, len(values) - 1)] for name, values in per_property.items()}
        for i in range(width)
    ]


def response_model(op: Operation, status: str) -> str:
    for response in op.responses:
        if response.status == status:
            body = response.bodies[0]
            assert body.type is not None and body.type.kind == "model"
            return body.type.name
    raise LookupError(f"{op.operation_id} documents no {status} response")


def response_example(op: Operation, status: str) -> Any:
    for response in op.responses:
        if response.status == status and response.bodies[0].examples:
            return plain(response.bodies[0].examples[0])
    return model_example(response_model(op, status))


def wire_pairs(name: str, value: Any) -> list[tuple[str, str]]:
    """Independent expectation of a query parameter on the wire (form / deepObject)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in wire_pairs(f"{name}[{k}]", v)]
    if isinstance(value, bool):
        return [(name, "true" if value else "false")]
    return [(name, str(value))]


@dataclass(frozen=True)
class Case:
    """One operation with the calls its examples make."""

    op: Operation
    path_args: tuple[Any, ...]
    query: dict[str, Any]  # py_name -> example value (plain JSON)
    bodies: tuple[Any, ...]  # request body examples; () when the operation has none
    expected: Any  # documented 200 body
    secured: bool
    paginated: bool

    @property
    def id(self) -> str:
        return self.op.operation_id

    def param(self, py_name: str) -> Parameter:
        return next(p for p in self.op.parameters if p.py_name == py_name)

    def calls(
        self, rooms: ModuleType, inputs: str = "dicts"
    ) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        """(args, kwargs) of each call: one per request body example (or just one).

        ``inputs="models"`` passes object parameters and bodies as generated dataclasses
        (``from_dict`` of the same example) instead of mappings.
        """

        def convert(type_name: str, value: Any) -> Any:
            if inputs == "models":
                return getattr(rooms.models, type_name).from_dict(value)
            return value

        query = {
            name: (
                convert(self.param(name).type.name, value)
                if self.param(name).type.kind == "model"
                else value
            )
            for name, value in self.query.items()
        }
        if not self.bodies:
            return [(self.path_args, query)]
        assert (
            self.op.request_body is not None and self.op.request_body.type is not None
        )
        body_type = self.op.request_body.type.name
        return [
            (self.path_args, {**query, "body": convert(body_type, body)})
            for body in self.bodies
        ]

    def expected_query(self) -> list[tuple[str, str]]:
        return sorted(
            pair
            for p in self.op.parameters
            if p.location == "query"
            for pair in wire_pairs(p.wire_name, self.query[p.py_name])
        )

    def expected_path(self) -> str:
        path = self.op.path
        for p in self.op.parameters:
            if p.location == "path":
                path = path.replace("{" + p.wire_name + "}", str(param_example(p)))
        return path


def build_case(op: Operation) -> Case:
    bodies: tuple[Any, ...] = ()
    if op.request_body is not None:
        assert op.request_body.type is not None
        bodies = tuple(op.request_body.examples) or tuple(
            schema_examples(resolve_pointer(MODELS[op.request_body.type.name].pointer))
        )
        assert bodies, f"{op.operation_id}: the spec documents no request body"
    return Case(
        op=op,
        path_args=tuple(
            param_example(p) for p in op.parameters if p.location == "path"
        ),
        query={
            p.py_name: param_example(p) for p in op.parameters if p.location == "query"
        },
        bodies=bodies,
        expected=response_example(op, "200"),
        secured=bool(op.security),
        paginated=any(p.wire_name == "page" for p in op.parameters),
    )


CASES = [build_case(op) for op in API.operations]
CASE_IDS = [c.id for c in CASES]
PAGED = [c for c in CASES if c.paginated]
ERROR_CASES = [
    (case, status)
    for case in CASES
    for response in case.op.responses
    if response.status[0] == "4"
    for status in (
        sorted(RANGE_STATUSES) if response.status == "4XX" else [int(response.status)]
    )
]


def test_cases_cover_the_spec() -> None:
    """The spec-derived inputs are what the spec documents (guards the derivation)."""
    assert len(CASES) == 7
    ids = {c.id: c for c in CASES}
    assert {c.id for c in CASES if c.secured} == {
        "ListRoomSessions",
        "ViewRoomSession",
        "RetrieveListRoomParticipants",
    }
    assert ids["ViewRoomSession"].path_args == ("0ccc7b54-4df3-4bca-a65a-3da1ecc777f0",)
    assert ids["ViewRoomSession"].query == {"include_participants": True}
    listing = ids["ListRoomSessions"].query
    assert listing["page"] == {"number": 1, "size": 20}
    assert listing["filter"]["room_id"] == "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0"
    assert listing["filter"]["date_created_at"]["gte"] == "2021-04-25"
    assert ids["RetrieveListRoomParticipants"].query["filter"]["context"] == "Alice"
    uuid = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
    assert ids["KickParticipantInSession"].bodies == (
        {"exclude": [uuid], "participants": "all"},
        {"exclude": [uuid], "participants": [uuid]},
    )
    assert {c.id for c in PAGED} == {"ListRoomSessions", "RetrieveListRoomParticipants"}
    assert ("ViewRoomSession", 404) in {(c.id, s) for c, s in ERROR_CASES}


# ------------------------------------------------------------------ clients and calls


@pytest.fixture(scope="module")
def rooms() -> Iterator[ModuleType]:
    if not (GENERATED / PACKAGE / "__init__.py").exists():
        pytest.fail(f"{GENERATED / PACKAGE} is missing: run `contractgen generate`")
    sys.path.insert(0, str(GENERATED))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(GENERATED))


def _no_sleep(_: float) -> None:
    return None


async def _no_async_sleep(_: float) -> None:
    return None


def drive(
    mode: str,
    rooms: ModuleType,
    url: str,
    traffic: Traffic,
    scenario: Callable[[Any], Awaitable[None]],
    **options: Any,
) -> None:
    """Run ``scenario(client)`` with a fresh sync or async client recording into traffic.

    Scenarios are written once, as coroutines: with the sync client every call simply
    returns its result (see ``resolve``), with the async client it is awaited.
    """
    options.setdefault("api_key", API_KEY)

    async def run() -> None:
        if mode == "sync":
            http = traffic.sync_client()
            client = rooms.Client(
                base_url=url, http_client=http, sleep=_no_sleep, **options
            )
            try:
                await scenario(client)
            finally:
                client.close()
                http.close()
        else:
            ahttp = traffic.async_client()
            aclient = rooms.AsyncClient(
                base_url=url, http_client=ahttp, sleep=_no_async_sleep, **options
            )
            try:
                await scenario(aclient)
            finally:
                await aclient.aclose()
                await ahttp.aclose()

    try:
        asyncio.run(run())
    except rooms.APIError as exc:  # unexpected: say what Prism thought of the requests
        said = "\n".join(e.describe() for e in traffic.exchanges[-5:])
        raise AssertionError(f"{exc!r}\nlast exchanges with Prism:\n{said}") from exc


async def resolve(value: Any) -> Any:
    """The result of a sync call, or the awaited result of an async one (AsyncPager too)."""
    return await value if inspect.isawaitable(value) else value


def resource(client: Any, op: Operation) -> Any:
    target = client
    for attribute in op.resource:
        target = getattr(target, attribute)
    return target


def method(client: Any, op: Operation) -> Any:
    return getattr(resource(client, op), op.py_name)


def raw_method(client: Any, op: Operation) -> Any:
    return getattr(resource(client, op).with_raw_response, op.py_name)


def decoded(rooms: ModuleType, case: Case, result: Any) -> Any:
    """The decoded result as wire JSON (``to_dict()``), after checking its types."""
    name = response_model(case.op, "200")
    if case.paginated:
        assert type(result).__name__ in ("SyncPage", "AsyncPage"), type(result)
        items = result.data
        data = next(f for f in MODELS[name].fields if f.wire_name == "data")
        item_type = data.type.args[0].name  # data: list[Item]
        assert all(type(i).__name__ == item_type for i in items), items
        whole = getattr(rooms.models, name).from_dict(result.body)
        assert [i.to_dict() for i in items] == result.body["data"]
        meta = result.body.get("meta") or {}
        for key in ("page_number", "page_size", "total_pages", "total_results"):
            assert getattr(result.meta, key) == meta.get(key), (key, result.meta, meta)
        return whole.to_dict()
    assert type(result).__name__ == name, type(result)
    return result.to_dict()


def auth_header_matches(case: Case, traffic: Traffic) -> None:
    for exchange in traffic.exchanges:
        sent = exchange.request_headers.get("authorization")
        assert sent == (
            f"Bearer {API_KEY}" if case.secured else None
        ), exchange.describe()


# -------------------------------------------------------------- (a)+(b) static examples


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("inputs", ["dicts", "models"])
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_static_example_round_trips(
    case: Case, inputs: str, mode: str, rooms: ModuleType, prism_url: str
) -> None:
    """Every parameter from the spec's examples; Prism accepts the request and answers the
    documented example, which decodes and round-trips through to_dict() exactly."""
    traffic = Traffic()
    calls = case.calls(rooms, inputs)

    async def scenario(client: Any) -> None:
        for args, kwargs in calls:
            result = await resolve(method(client, case.op)(*args, **kwargs))
            assert decoded(rooms, case, result) == case.expected

    drive(mode, rooms, prism_url, traffic, scenario, strict=True)
    traffic.assert_clean(expected=len(calls))
    auth_header_matches(case, traffic)
    sent_bodies = []
    for exchange in traffic.exchanges:
        assert exchange.status == 200, exchange.describe()
        assert exchange.method == case.op.method.upper()
        assert exchange.url.path == case.expected_path()
        assert sorted(exchange.url.params.multi_items()) == case.expected_query()
        if exchange.request_body:
            assert exchange.request_headers["content-type"] == "application/json"
            sent_bodies.append(json.loads(exchange.request_body))
    assert sent_bodies == list(case.bodies)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_raw_response(case: Case, mode: str, rooms: ModuleType, prism_url: str) -> None:
    """with_raw_response: status 200, Prism's headers, elapsed time; parse() decodes once."""
    traffic = Traffic()
    args, kwargs = case.calls(rooms)[0]

    async def scenario(client: Any) -> None:
        raw = await resolve(raw_method(client, case.op)(*args, **kwargs))
        assert type(raw).__name__ == "RawResponse"
        assert raw.status_code == 200
        assert raw.headers["content-type"].startswith("application/json")
        assert int(raw.headers["content-length"]) == len(raw.content)
        assert raw.request_id == raw.headers.get("x-request-id")
        assert timedelta(0) < raw.elapsed < timedelta(seconds=30)
        assert raw.method == case.op.method.upper()
        assert raw.url.path == case.expected_path()
        assert raw.json() == case.expected
        parsed = raw.parse()
        assert raw.parse() is parsed
        assert decoded(rooms, case, parsed) == case.expected

    drive(mode, rooms, prism_url, traffic, scenario, strict=True)
    traffic.assert_clean(expected=1)


# ----------------------------------------------------------------------- (c) errors


def error_class(rooms: ModuleType, status: int) -> Any:
    return getattr(rooms, RANGE_STATUSES.get(status, "APIStatusError"))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("case", "status"),
    ERROR_CASES,
    ids=[f"{c.id}-{s}" for c, s in ERROR_CASES],
)
def test_documented_error(
    case: Case, status: int, mode: str, rooms: ModuleType, prism_url: str
) -> None:
    """``Prefer: code=N`` for each documented error (every 4xx a ``4XX`` range allows):
    the typed error, with the documented body and its parsed error envelope; 409/429 are
    retried (max_retries=2, no sleeping) and every attempt is a valid request."""
    traffic = Traffic()
    args, kwargs = case.calls(rooms)[0]
    documented = (
        "4XX" if any(r.status == "4XX" for r in case.op.responses) else str(status)
    )
    error_model = MODELS[response_model(case.op, documented)]
    validate = getattr(rooms.validators, f"validate_{error_model.snake}")
    caught: list[Any] = []

    async def scenario(client: Any) -> None:
        with pytest.raises(rooms.APIStatusError) as info:
            await resolve(
                method(client, case.op)(
                    *args, **kwargs, extra_headers={"Prefer": f"code={status}"}
                )
            )
        caught.append(info.value)

    drive(mode, rooms, prism_url, traffic, scenario, max_retries=MAX_RETRIES)
    error: Any = caught[0]
    assert len(caught) == 1
    assert type(error) is error_class(rooms, status), repr(error)
    assert error.status_code == status
    retries = MAX_RETRIES if status in RETRIED else 0
    assert error.retries_taken == retries
    traffic.assert_clean(expected=retries + 1)
    auth_header_matches(case, traffic)
    assert traffic.statuses() == [status] * (retries + 1)
    for attempt, exchange in enumerate(traffic.exchanges):
        assert exchange.request_headers.get("x-contractgen-retry-count") == (
            str(attempt) if attempt else None
        )
    assert error.headers["content-type"].startswith("application/json")
    body = error.json_body
    validate(body)  # the documented error schema, by the generated validator
    try:
        assert body == model_example(error_model.name)
    except LookupError:  # no documented example: Prism generated it from the schema
        pass
    envelope = [k for k in ("code", "title", "detail") if k in body]
    if envelope or "errors" in body:
        assert error.errors, body
        first = error.errors[0]
        source = body["errors"][0] if "errors" in body else body
        assert (first.code, first.title, first.detail) == (
            source.get("code"),
            source.get("title"),
            source.get("detail"),
        )
    else:
        assert error.errors == (), body


# ------------------------------------------------------------ (d) dynamic responses


def check_dynamic(rooms: ModuleType, case: Case, raw: Any, findings: list[str]) -> Any:
    """One generated response: accepted by the strict client, round-tripping exactly."""
    body = raw.json()
    try:
        parsed = raw.parse()
    except rooms.ResponseValidationError as exc:
        findings.append(
            f"{exc.path or '/'}: {exc.message}\n    body: {json.dumps(body)}"
        )
        return body
    assert decoded(rooms, case, parsed) == body
    return body


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_dynamic_responses_pass_strict_validation(
    case: Case, mode: str, rooms: ModuleType, prism_url: str
) -> None:
    """``Prefer: dynamic=true``: DYNAMIC_CALLS schema-generated responses per operation, each
    accepted by a strict client and decoded losslessly (unknown members included)."""
    traffic = Traffic()
    calls = case.calls(rooms)
    findings: list[str] = []
    bodies: list[Any] = []

    async def scenario(client: Any) -> None:
        call = raw_method(client, case.op)
        for i in range(DYNAMIC_CALLS):
            args, kwargs = calls[i % len(calls)]
            raw = await resolve(
                call(*args, **kwargs, extra_headers={"Prefer": "dynamic=true"})
            )
            assert raw.status_code == 200
            bodies.append(check_dynamic(rooms, case, raw, findings))

    drive(mode, rooms, prism_url, traffic, scenario, strict=True)
    traffic.assert_clean(expected=DYNAMIC_CALLS)
    assert not findings, (
        f"{len(findings)} of {DYNAMIC_CALLS} Prism responses rejected by the strict "
        "validator:\n" + "\n".join(findings[:5])
    )
    distinct = {json.dumps(b, sort_keys=True) for b in bodies}
    assert len(distinct) > DYNAMIC_CALLS // 2, "Prism's dynamic responses did not vary"


def test_dynamic_server(rooms: ModuleType, prism_dynamic_url: str) -> None:
    """A Prism started with --dynamic (no Prefer header): every operation's responses pass
    the strict client too."""
    traffic = Traffic()
    findings: list[str] = []

    async def scenario(client: Any) -> None:
        for case in CASES:
            args, kwargs = case.calls(rooms)[0]
            for _ in range(DYNAMIC_SERVER_CALLS):
                raw = await resolve(raw_method(client, case.op)(*args, **kwargs))
                check_dynamic(rooms, case, raw, findings)

    drive("sync", rooms, prism_dynamic_url, traffic, scenario, strict=True)
    traffic.assert_clean(expected=DYNAMIC_SERVER_CALLS * len(CASES))
    assert not findings, "\n".join(findings[:5])


# ------------------------------------------------------------------ (e) authentication


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_without_api_key(
    case: Case,
    mode: str,
    rooms: ModuleType,
    prism_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No key anywhere: secured operations get AuthenticationError from Prism's security
    check (and nothing else is wrong with the request); `security: []` ones succeed. No
    Authorization header is ever sent."""
    monkeypatch.delenv("TELNYX_API_KEY", raising=False)
    traffic = Traffic()
    args, kwargs = case.calls(rooms)[0]
    outcome: list[Any] = []

    async def scenario(client: Any) -> None:
        assert client.api_key is None
        try:
            outcome.append(await resolve(method(client, case.op)(*args, **kwargs)))
        except rooms.APIError as exc:
            outcome.append(exc)

    drive(mode, rooms, prism_url, traffic, scenario, api_key=None)
    (result,) = outcome
    (exchange,) = traffic.exchanges
    assert "authorization" not in exchange.request_headers
    if not case.secured:
        assert not isinstance(result, Exception), repr(result)
        assert decoded(rooms, case, result) == case.expected
        traffic.assert_clean(expected=1)
        return
    assert type(result) is rooms.AuthenticationError, repr(result)
    assert result.status_code == 401
    if exchange.problem is not None:  # no 401 documented: Prism's own problem+json
        assert exchange.response_headers["www-authenticate"] == "Bearer"
        assert exchange.problem["type"].endswith("#UNAUTHORIZED"), exchange.describe()
        assert not exchange.violations, exchange.describe()
        assert result.errors[0].title == exchange.problem["title"]
        assert result.errors[0].detail == exchange.problem["detail"]
    else:  # the documented 4XX body; the security check is the only violation
        assert exchange.violations, exchange.describe()
        assert all(
            v.get("code") == 401 for v in exchange.violations
        ), exchange.describe()
        assert result.json_body == model_example(response_model(case.op, "4XX"))
        assert result.errors == ()


# ----------------------------------------------------------------------- pagination


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("case", PAGED, ids=[c.id for c in PAGED])
def test_pagination(case: Case, mode: str, rooms: ModuleType, prism_url: str) -> None:
    """A page's data/meta/has_next_page() from the static example; next_page() asks for
    page_number + 1 with the same size and filters; iteration walks the pages and stops
    when the server answers a page number that does not advance (Prism's static meta
    always says page 2 of 3, so a walk that trusted total_pages alone would never end).
    """
    traffic = Traffic()
    args, kwargs = case.calls(rooms)[0]
    meta = case.expected["meta"]

    async def scenario(client: Any) -> None:
        page = await resolve(method(client, case.op)(*args, **kwargs))
        assert decoded(rooms, case, page) == case.expected
        assert page.has_next_page() == (meta["page_number"] < meta["total_pages"])
        following = await resolve(page.next_page())
        assert decoded(rooms, case, following) == case.expected
        items: list[Any] = []
        if mode == "sync":
            items = list(method(client, case.op)(*args, **kwargs))
        else:
            async for item in method(client, case.op)(*args, **kwargs):
                items.append(item)
        # The repeated page is requested once, then dropped: its items are not new.
        assert [i.to_dict() for i in items] == case.expected["data"]

    drive(mode, rooms, prism_url, traffic, scenario, strict=True)
    traffic.assert_clean(expected=4)
    first, second = traffic.exchanges[0].url.params, traffic.exchanges[1].url.params
    assert first["page[number]"] == str(case.query["page"]["number"])
    assert second["page[number]"] == str(meta["page_number"] + 1)
    assert (
        second["page[size]"] == first["page[size]"] == str(case.query["page"]["size"])
    )
    others = {k: v for k, v in first.multi_items() if not k.startswith("page[")}
    assert {
        k: v for k, v in second.multi_items() if not k.startswith("page[")
    } == others
    walked = [e.url.params["page[number]"] for e in traffic.exchanges[2:]]
    assert walked == [first["page[number]"], str(meta["page_number"] + 1)]


# -------------------------------------------- controls: the checks above can fail


def test_prism_rejection_is_detected_problem_json(
    rooms: ModuleType, prism_url: str
) -> None:
    """An invalid path parameter (no 4XX documented): Prism's own 422 problem+json."""
    traffic = Traffic()
    case = next(c for c in CASES if c.id == "ViewRoomSession")

    async def scenario(client: Any) -> None:
        with pytest.raises(rooms.UnprocessableEntityError):
            await resolve(method(client, case.op)("not-a-uuid"))

    drive("sync", rooms, prism_url, traffic, scenario)
    (bad,) = traffic.complaints()
    assert bad.violations[0]["location"] == ["path", "room_session_id"]
    with pytest.raises(AssertionError, match="Prism rejected"):
        traffic.assert_clean()


def test_prism_rejection_is_detected_header(rooms: ModuleType, prism_url: str) -> None:
    """An invalid query parameter on a 4XX operation: the documented 4XX body with status
    422 and the violations in the sl-violations header only."""
    traffic = Traffic()
    case = next(c for c in CASES if c.id == "ListRoomSessions")
    args, kwargs = case.calls(rooms)[0]

    async def scenario(client: Any) -> None:
        with pytest.raises(rooms.UnprocessableEntityError) as info:
            await resolve(
                method(client, case.op)(
                    *args, **kwargs, extra_query={"page[size]": 999}
                )
            )
        assert info.value.json_body == model_example("VideoGenericErrorResponse")

    drive("sync", rooms, prism_url, traffic, scenario)
    (bad,) = traffic.complaints()
    assert bad.problem is None
    assert [v["location"] for v in bad.violations] == [
        ["request", "query", "page", "size"]
    ]


def test_prism_answering_on_its_own_is_detected(
    rooms: ModuleType, prism_url: str
) -> None:
    """An undocumented ``Prefer: code`` makes Prism answer 404 itself: that is not the
    documented 404 and the traffic check says so."""
    traffic = Traffic()
    case = next(c for c in CASES if c.id == "ViewRoomSession")
    args, kwargs = case.calls(rooms)[0]

    async def scenario(client: Any) -> None:
        with pytest.raises(rooms.NotFoundError):
            await resolve(
                method(client, case.op)(
                    *args, **kwargs, extra_headers={"Prefer": "code=400"}
                )
            )

    drive("sync", rooms, prism_url, traffic, scenario)
    (bad,) = traffic.complaints()
    assert bad.problem["type"].endswith("#NOT_FOUND")


def test_invalid_body_never_reaches_prism(rooms: ModuleType, prism_url: str) -> None:
    """The client refuses a body outside the oneOf before any I/O."""
    traffic = Traffic()
    case = next(c for c in CASES if c.id == "KickParticipantInSession")

    async def scenario(client: Any) -> None:
        with pytest.raises(rooms.RequestValidationError):
            await resolve(
                method(client, case.op)(*case.path_args, body={"participants": "bogus"})
            )

    drive("sync", rooms, prism_url, traffic, scenario)
    assert traffic.exchanges == []


def test_strict_validation_is_live(rooms: ModuleType, prism_url: str) -> None:
    """The strict checks in the dynamic tests are not vacuous: a Prism-generated body with
    one member broken is refused by the same validator, at that member's pointer."""
    traffic = Traffic()
    case = next(c for c in CASES if c.id == "ViewRoomSession")
    args, kwargs = case.calls(rooms)[0]
    bodies: list[Any] = []

    async def scenario(client: Any) -> None:
        raw = await resolve(
            raw_method(client, case.op)(
                *args, **kwargs, extra_headers={"Prefer": "dynamic=true"}
            )
        )
        bodies.append(raw.json())

    drive("sync", rooms, prism_url, traffic, scenario, strict=True)
    traffic.assert_clean(expected=1)
    validate = getattr(
        rooms.validators, f"validate_{MODELS[response_model(case.op, '200')].snake}"
    )
    validate(bodies[0])
    for member, bad in (("created_at", "2021-13-45T99:00:00Z"), ("active", "yes")):
        broken = json.loads(json.dumps(bodies[0]))
        broken["data"][member] = bad
        with pytest.raises(rooms.ValidationError) as info:
            validate(broken)
        assert info.value.path == f"/data/{member}"
