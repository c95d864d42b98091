"""Scale layer, on the wire: the generated full client against Prism serving the full spec.

Prism (static mode: each response is the first documented example of the lowest 2xx, or,
without one, a body Prism builds from the schema's examples and defaults) serves the whole
Telnyx spec; the generated sync client calls a deterministic sample of GET operations with
``strict=True``, so every response goes through the compiled validators and is decoded.

The sample: every GET operation, sorted by (path, operationId), except those this test cannot
call meaningfully, each excluded with its reason (printed): no 2xx response documented; a
lowest 2xx that is not JSON (called by ``test_non_json_get_operations`` instead); a required
parameter no value can be derived for; a Prism limitation. Parameter values come from the
spec: the parameter's example, else its schema (example, default, enum -> first value,
uuid -> a fixed uuid, integer -> 1, ... else "abc"). Optional deepObject parameters whose
schema requires properties are sent too: Prism validates an absent one as ``{}``.

Prism runs without ``--errors``, so it serves its responses even when they break the schema
and reports that in ``sl-violations`` (``response`` locations): an independent second opinion
on every served body. Each sampled call must end in one of:

- passed: decoded into the documented type, round-tripping to the exact JSON served, and
  Prism found nothing wrong with the response;
- lint defect: a ResponseValidationError caused by a defect ``contractgen lint`` reports
  (same message, same place, in a model the response reaches) - the pinned
  ``FULL_SPEC_DEFECTS`` of tests/spec/test_lint.py;
- served invalid: a ResponseValidationError at a place Prism itself flags in the body it
  served (pinned below with the cause: spec defects the lint does not see, Prism artefacts);
- Prism only: decoded, while Prism flags the body (pinned below with the cause: where
  OpenAPI's discriminator or JSON Schema's format rules differ from Prism's).

Anything else fails, naming the operation: a request Prism finds invalid, an error status, a
decode error, a strict rejection of a body Prism accepts, a result of the wrong type.

Two more tests cover the other media types. ``test_non_json_get_operations`` calls every GET
operation answering only text (CSV, plain) or bytes (PDF, audio, images, octet-stream, ``*``)
in strict mode: each must return ``str`` or ``bytes``, equal to what Prism served, with
nothing wrong with the request. ``test_non_json_request_bodies`` sends every operation's
form-urlencoded, multipart and octet-stream request body (alternative media types through
their ``<method>_form``/``_multipart`` methods), and Prism, which validates request bodies
of these media types against their schemas, must find nothing wrong with any of them.
"""

from __future__ import annotations

import gc
import importlib
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.body_views import (
    alternate_method_name,
    response_kinds,
    response_method_name,
)
from generator.ir import Api, Body, Model, Operation, Parameter, Response, TypeRef
from generator.lint import Finding, lint
from tests.contract.prism import Exchange, PrismServer, Traffic, violations_of
from tests.paths import FULL_SPEC, require_shared
from tests.scale.conftest import PACKAGE, Generated

pytestmark = pytest.mark.timeout(900)

API_KEY = "contractgen-prism-key"
MIN_SAMPLE = 100
PRISM_DEADLINE = (
    300.0  # seconds: Prism parses ~4 MB of YAML and ~1,150 operations first
)
UUID = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
JSON_MEDIA = ("application/json",)

# A ResponseValidationError where Prism flags the same place of the body it served. None is
# a generator bug, and none is a lint finding: none of these responses documents an example,
# so Prism assembles the body from the schema (preferring `default` to `example`, filling
# maps and recursion with placeholders), and the lint, checking its own assembly from
# property examples, ignores oneOf/required there as artefacts of assembling.
_NULL_DEFAULT = (
    "spec defect: a non-nullable string property with `default: null` ({}); Prism's "
    "static mode prefers the default to the example"
)
SERVED_INVALID: dict[str, str] = {
    "GetAllSimCardGroups": _NULL_DEFAULT.format(
        "SIMCardGroup.private_wireless_gateway_id, .wireless_blocklist_id"
    ),
    "GetSimCardGroup": _NULL_DEFAULT.format(
        "SIMCardGroup.private_wireless_gateway_id, .wireless_blocklist_id"
    ),
    "GetPrivateWirelessGateways": _NULL_DEFAULT.format(
        "PrivateWirelessGateway.ip_range, .region_code"
    ),
    "GetPrivateWirelessGateway": _NULL_DEFAULT.format(
        "PrivateWirelessGateway.ip_range, .region_code"
    ),
    "GetSimCardPublicIp": _NULL_DEFAULT.format("SimCardPublicIP.ip"),
    "WirelessBlocklistsGetAll": (
        "spec defect: `data` is a oneOf of arrays of MCC, PLMN and Country items that "
        "do not exclude each other; the served item matches all three"
    ),
    "SearchDetailRecords": (
        "spec defect: each `data` item is a oneOf of detail record types that do not "
        "exclude each other; the served item matches several"
    ),
    "fetch_cluster_by_task_id_public_text_clusters__task_id__get": (
        "Prism artefact: no example documented; Prism's sampler ends the recursive "
        "`subclusters` with {}, which lacks the required properties"
    ),
    "GetEmailValidationBatch": (
        "Prism artefact: no example documented; Prism's sampler fills the "
        "additionalProperties map `results` with `property1` and an empty `property2`"
    ),
}
# Decoded in strict mode while Prism flags the served body.
PRISM_ONLY: dict[str, str] = {
    "listPortoutEvents": (
        "PortoutEvent is a oneOf with a discriminator (event_type) whose branches do not "
        "exclude each other: OpenAPI (and the generated validators, see README) check "
        "the mapped branch only, Prism counts every matching branch"
    ),
    "showPortoutEvent": (
        "PortoutEvent is a oneOf with a discriminator (event_type) whose branches do not "
        "exclude each other: OpenAPI (and the generated validators, see README) check "
        "the mapped branch only, Prism counts every matching branch"
    ),
    "GetWabaSettings": (
        "`format: url` is no JSON Schema format (that is `uri`): an annotation for the "
        "generated validators and jsonschema; Prism's ajv-formats checks it and refuses "
        "the sampler's placeholder 'string'"
    ),
    "GetWhatsappUserData": (
        "`format: url` is no JSON Schema format (that is `uri`): an annotation for the "
        "generated validators and jsonschema; Prism's ajv-formats checks it and refuses "
        "the sampler's placeholder 'string'"
    ),
}


# ------------------------------------------------------------------------ spec -> calls


class Unfillable(Exception):
    """No value can be derived for a parameter this test must send."""


def plain(value: Any) -> Any:
    """The spec's marked YAML nodes as plain JSON data."""
    return json.loads(json.dumps(value))


@dataclass(frozen=True)
class Call:
    """One sampled operation and the arguments of its call."""

    op: Operation
    args: tuple[Any, ...]
    kwargs: dict[str, Any]

    @property
    def id(self) -> str:
        return self.op.operation_id

    def describe(self) -> str:
        return (
            f"{self.id} (GET {self.op.path}, client."
            f"{'.'.join((*self.op.resource, self.op.py_name))}"
            f"(*{list(self.args)!r}, **{self.kwargs!r}))"
        )


@dataclass
class Plan:
    """The sample, the operations left out (with why), and the non-JSON downloads."""

    sample: list[Call] = field(default_factory=list)
    excluded: dict[str, str] = field(default_factory=dict)
    non_json: list[Call] = field(default_factory=list)


class Planner:
    def __init__(self, generated: Generated) -> None:
        self.root: Any = generated.spec
        self.operations = generated.api.operations

    def deref(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            target = self.root
            for token in node["$ref"].split("#", 1)[1].lstrip("/").split("/"):
                target = target[token.replace("~1", "/").replace("~0", "~")]
            node, seen = target, seen + 1
            assert seen < 50, "a $ref cycle"
        return node

    def raw_parameters(self, op: Operation) -> dict[tuple[str, str], Any]:
        """The spec's parameter objects of an operation (path item's, then its own)."""
        item = self.root["paths"][op.path]
        found = {}
        for raw in [
            *item.get("parameters", []),
            *item[op.method].get("parameters", []),
        ]:
            raw = self.deref(raw)
            found[(raw["in"], raw["name"])] = raw
        return found

    def documented(self, raw: Any) -> tuple[bool, Any]:
        """The parameter's own example (``example``, then the first ``examples``)."""
        if "example" in raw:
            return True, raw["example"]
        examples = raw.get("examples")
        if isinstance(examples, dict):
            for example in examples.values():
                example = self.deref(example)
                if isinstance(example, dict) and "value" in example:
                    return True, example["value"]
        return False, None

    def schema_value(self, schema: Any, where: str, depth: int = 0) -> Any:
        schema = self.deref(schema or {})
        if depth > 8:
            raise Unfillable(f"{where}: the schema nests too deep")
        for key in ("example", "default", "const"):
            if key in schema and schema[key] is not None:
                return plain(schema[key])
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return plain(schema["examples"][0])
        if schema.get("enum"):
            return plain(schema["enum"][0])
        for key in ("oneOf", "anyOf", "allOf"):
            if schema.get(key):
                return self.schema_value(schema[key][0], where, depth + 1)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if kind == "string":
            fmt = schema.get("format")
            if fmt in ("uri", "url"):
                return "https://example.com"
            pattern = schema.get("pattern")
            if pattern and not re.search(pattern, "abc"):
                raise Unfillable(
                    f"{where}: a string with pattern {pattern!r} and no example"
                )
            return {
                "uuid": UUID,
                "date-time": "2024-01-01T00:00:00Z",
                "date": "2024-01-01",
                "email": "user@example.com",
            }.get(fmt, "abc")
        if kind in ("integer", "number"):
            return max(1, schema.get("minimum", 1))
        if kind == "boolean":
            return True
        if kind == "array":
            return [self.schema_value(schema.get("items"), where, depth + 1)]
        if kind == "object" or "properties" in schema:
            properties = schema.get("properties") or {}
            return {
                name: self.schema_value(properties.get(name), where, depth + 1)
                for name in schema.get("required") or ()
            }
        raise Unfillable(f"{where}: no value for the schema {json.dumps(schema)[:200]}")

    def value(self, param: Parameter, raw: Any) -> Any:
        where = f"{param.location} parameter {param.wire_name}"
        found, value = self.documented(raw)
        if not found or value in ("", None):  # an empty example names no resource
            value = self.schema_value(raw.get("schema"), where)
        value = plain(value)
        if param.type.kind == "date" and isinstance(value, str):
            return date.fromisoformat(value)
        if param.type.kind == "datetime" and isinstance(value, str):
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        return value

    def sent(self, param: Parameter, raw: Any) -> bool:
        """Required parameters, and deepObject ones whose schema requires properties."""
        if param.required:
            return True
        schema = self.deref(raw.get("schema") or {})
        return param.style == "deepObject" and bool(schema.get("required"))

    def call(self, op: Operation) -> Call:
        raws = self.raw_parameters(op)
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for param in op.parameters:
            raw = raws[(param.location, param.wire_name)]
            if not self.sent(param, raw):
                continue
            if param.location == "query" and "[" in param.wire_name and param.required:
                raise Unfillable(
                    f"Prism 5.14.2 never finds a required query parameter named with "
                    f"brackets ({param.wire_name}), however it is encoded"
                )
            if param.location not in ("path", "query"):
                raise Unfillable(f"a required {param.location} parameter")
            value = self.value(param, raw)
            if param.location == "path":
                args.append(value)
            else:
                kwargs[param.py_name] = value
        return Call(op, tuple(args), kwargs)

    def plan(self) -> Plan:
        plan = Plan()
        gets = sorted(
            (op for op in self.operations if op.method == "get"),
            key=lambda op: (op.path, op.operation_id),
        )
        for op in gets:
            success = first_success(op)
            if success is None:
                plan.excluded[op.operation_id] = "documents no 2xx response"
                continue
            try:
                call = self.call(op)
            except Unfillable as exc:
                plan.excluded[op.operation_id] = str(exc)
                continue
            if success.bodies and json_body(success.bodies) is None:
                media = ", ".join(b.media_type for b in success.bodies)
                plan.excluded[op.operation_id] = f"answers {media}, not JSON"
                plan.non_json.append(call)
                continue
            plan.sample.append(call)
        return plan


def first_success(op: Operation) -> Response | None:
    """The lowest documented 2xx response, or None."""
    return min(
        (r for r in op.responses if r.status.startswith("2")),
        key=lambda r: r.status,
        default=None,
    )


def success_body(op: Operation) -> Body | None:
    """The JSON body of the lowest 2xx response (None: it has no body)."""
    success = first_success(op)
    assert success is not None, op.operation_id
    return json_body(success.bodies)


def json_body(bodies: tuple[Body, ...]) -> Body | None:
    for body in bodies:
        mime = body.media_type.split(";", 1)[0].strip().lower()
        if mime in JSON_MEDIA or mime.endswith("+json"):
            return body
    return None


def reachable(models: dict[str, Model], start: TypeRef) -> set[str]:
    """Names of every model a type reaches."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        t = stack.pop()
        stack.extend(t.args)
        if t.kind != "model" or t.name in seen:
            continue
        seen.add(t.name)
        model = models[t.name]
        stack.extend(f.type for f in model.fields)
        stack.extend(x for x in (model.additional, model.alias) if x is not None)
    return seen


def pointer(location: list[Any]) -> str:
    """A Prism violation location (``["response", "body", ...]``) as a JSON pointer."""
    tokens = [str(t).replace("~", "~0").replace("/", "~1") for t in location[2:]]
    return "".join("/" + t for t in tokens)


# ------------------------------------------------------------------------------ fixtures


@dataclass
class Launch:
    """Prism on the full spec, starting in a background thread (it takes seconds)."""

    server: PrismServer
    ready: Future[str]

    def url(self) -> str:
        url = self.ready.result()  # re-raises the start's failure
        assert self.server.alive(), f"Prism has died. Output:\n{self.server.output()}"
        return url


@pytest.fixture(scope="session")
def full_prism() -> Iterator[Launch]:
    """Session-scoped only so it starts before (and overlaps) the session's generation;
    ``prism_url`` stops it when this module is done."""
    server = PrismServer(require_shared(FULL_SPEC), errors=False)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prism-start")
    launch = Launch(server, pool.submit(server.start, PRISM_DEADLINE))
    try:
        yield launch
    finally:
        try:
            launch.ready.result()  # never stop while the thread may still spawn it
        except BaseException:  # pytest.fail's exception too: reported by the test
            pass
        server.stop()
        pool.shutdown()


@pytest.fixture(scope="module")
def prism_url(full_prism: Launch) -> Iterator[str]:
    try:
        yield full_prism.url()
    finally:
        full_prism.server.stop()


@dataclass
class Imported:
    package: ModuleType
    seconds: float


@pytest.fixture(scope="module")
def package(full: Generated) -> Iterator[Imported]:
    """The generated package, imported in process (models and validators eagerly)."""
    sys.path.insert(0, str(full.out))
    started = time.perf_counter()
    try:
        module = importlib.import_module(PACKAGE)
        for name in ("models", "validators"):
            importlib.import_module(f"{PACKAGE}.{name}")
        yield Imported(module, time.perf_counter() - started)
    finally:
        sys.path.remove(str(full.out))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]
        gc.collect()


@pytest.fixture(scope="module")
def plan(full: Generated) -> Plan:
    return Planner(full).plan()


@dataclass
class Linted:
    findings: tuple[Finding, ...]
    seconds: float


@pytest.fixture(scope="module")
def linted(full: Generated) -> Linted:
    """The spec defects ``contractgen lint`` reports (computed while Prism starts)."""
    started = time.perf_counter()
    report = lint(full.api)
    seconds = time.perf_counter() - started
    gc.collect()  # the lint's in-memory models and validators
    return Linted(report.findings, seconds)


# ---------------------------------------------------------------------------- outcomes


@dataclass
class Outcome:
    call: Call
    kind: str  # passed, lint defect, served invalid, Prism only, failed
    detail: str = ""
    exchanges: list[Exchange] = field(default_factory=list)

    def report(self) -> str:
        said = "\n".join(f"    Prism: {e.describe()[:1500]}" for e in self.exchanges)
        return f"{self.call.describe()}\n    {self.detail}\n{said}"


class Judge:
    def __init__(self, api: Api, findings: tuple[Finding, ...], pkg: ModuleType):
        self.models = {m.name: m for m in api.models}
        self.findings = findings
        self.pkg = pkg
        self.runtime = importlib.import_module(f"{PACKAGE}._runtime")
        self.classes = importlib.import_module(f"{PACKAGE}.models")

    def explained(self, exc: Any, response_type: TypeRef) -> Finding | None:
        """The lint finding that explains a strict-mode rejection, if any."""
        names = reachable(self.models, response_type)
        for finding in self.findings:
            if (
                finding.model in names
                and finding.message == exc.message
                and exc.path.endswith(finding.path)
            ):
                return finding
        return None

    def mismatch(self, op: Operation, result: Any, served: Any) -> str | None:
        """Why a decoded result is not the documented type of the JSON served, or None."""
        body = success_body(op)
        if body is None or body.type is None:
            return None if result is None else f"expected None, got {type(result)}"
        t = body.type
        if isinstance(result, self.runtime.SyncPage):
            item = next(
                f.type.args[0]
                for f in self.models[t.name].fields
                if f.wire_name == "data"
            )
            if item.kind == "model" and self.models[item.name].kind == "object":
                cls = getattr(self.classes, item.name)
                wrong = [
                    type(i).__name__ for i in result.data if not isinstance(i, cls)
                ]
                if wrong:
                    return f"page items should be {item.name}, got {wrong[:3]}"
                if [i.to_dict() for i in result.data] != served["data"]:
                    return "page items do not round-trip to the JSON served"
            return None
        if t.kind == "model" and self.models[t.name].kind == "object":
            cls = getattr(self.classes, t.name)
            if not isinstance(result, cls):
                return f"expected {t.name}, got {type(result).__name__}"
            if result.to_dict() != served:
                return f"{t.name}.to_dict() differs from the JSON served"
            return None
        # Not an object model: the client hands back the JSON value itself.
        return (
            None
            if result == served
            else f"expected {served!r:.200}, got {result!r:.200}"
        )

    def judge(
        self, call: Call, result: Any, exc: BaseException | None, traffic: Traffic
    ) -> Outcome:
        exchanges = list(traffic.exchanges)
        outcome = Outcome(call, "failed", exchanges=exchanges)
        if not exchanges:
            outcome.detail = f"no request reached Prism: {exc!r}"
            return outcome
        refused = [
            e for e in exchanges if e.request_violations or e.problem is not None
        ]
        if refused:
            outcome.detail = f"Prism refused the request ({exc!r})"
            return outcome
        flagged = {
            pointer(v["location"]) for e in exchanges for v in e.response_violations
        }
        last = exchanges[-1]
        if exc is None:
            served = json.loads(last.response_body) if last.response_body else None
            wrong = self.mismatch(call.op, result, served)
            if wrong:
                outcome.detail = wrong
            elif flagged:
                outcome.kind = "Prism only"
                outcome.detail = f"decoded; Prism flags {sorted(flagged)}"
            else:
                outcome.kind = "passed"
            return outcome
        if isinstance(exc, self.pkg.ResponseValidationError):
            body = success_body(call.op)
            assert body is not None and body.type is not None
            finding = self.explained(exc, body.type)
            if finding is not None:
                outcome.kind = "lint defect"
                outcome.detail = f"{exc} <- lint: {finding}"
            elif exc.path in flagged:
                outcome.kind = "served invalid"
                outcome.detail = f"{exc}; Prism flags {sorted(flagged)}"
            else:
                outcome.detail = f"strict mode refused what neither the lint nor Prism reports: {exc}"
            return outcome
        outcome.detail = f"{type(exc).__name__}: {exc}"
        return outcome


@contextmanager
def prism_client(
    pkg: ModuleType, url: str, traffic: Traffic, *, strict: bool = False
) -> Iterator[tuple[Any, httpx.Client]]:
    """A client of the generated package calling Prism without retries, its exchanges
    recorded in ``traffic``; yields it with its HTTP client, closing both after."""
    http = traffic.sync_client()
    client = pkg.Client(
        api_key=API_KEY, base_url=url, http_client=http, max_retries=0, strict=strict
    )
    try:
        yield client, http
    finally:
        client.close()
        http.close()


def run(calls: list[Call], pkg: ModuleType, url: str, judge: Judge) -> list[Outcome]:
    traffic = Traffic(keep_bodies=True)
    outcomes = []
    with prism_client(pkg, url, traffic, strict=True) as (client, _):
        for call in calls:
            target = client
            for attribute in call.op.resource:
                target = getattr(target, attribute)
            method = getattr(target, call.op.py_name)
            traffic.clear()
            result: Any = None
            error: BaseException | None = None
            try:
                result = method(*call.args, **call.kwargs)
            except Exception as exc:  # judged below, never lost
                error = exc
            outcomes.append(judge.judge(call, result, error, traffic))
    return outcomes


# -------------------------------------------------------------------------------- tests


# Fixture order matters for the wall time: Prism starts first (in the background), then the
# generation, the lint and the import run while it parses the spec.
def test_sampled_get_operations_decode_strictly_against_prism(
    full_prism: Launch,
    full: Generated,
    linted: Linted,
    package: Imported,
    plan: Plan,
    prism_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sample = plan.sample
    assert len(sample) >= MIN_SAMPLE, plan.excluded
    judge = Judge(full.api, linted.findings, package.package)
    started = time.perf_counter()
    outcomes = run(sample, package.package, prism_url, judge)
    call_seconds = time.perf_counter() - started
    full_prism.url()  # still alive

    kinds = Counter(o.kind for o in outcomes)
    by_kind = {
        kind: {o.call.id: o for o in outcomes if o.kind == kind} for kind in kinds
    }
    with capsys.disabled():
        print(
            f"\n[full Prism] {len(sample)} GET operations sampled "
            f"({len(plan.excluded)} excluded) in {call_seconds:.1f} s: "
            + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
            + f"; Prism started in {full_prism.server.startup_seconds:.1f} s, "
            f"package imported in {package.seconds:.1f} s, lint {linted.seconds:.1f} s"
        )
        for op_id, why in plan.excluded.items():
            print(f"  excluded {op_id}: {why}")
        for kind in ("lint defect", "served invalid", "Prism only"):
            for op_id, outcome in by_kind.get(kind, {}).items():
                print(f"  {kind}: {op_id}: {outcome.detail[:300]}")

    failed = [o for o in outcomes if o.kind == "failed"]
    assert not failed, f"{len(failed)} sampled operations failed:\n" + "\n".join(
        o.report() for o in failed
    )
    for kind, pinned in (
        ("served invalid", SERVED_INVALID),
        ("Prism only", PRISM_ONLY),
    ):
        seen = by_kind.get(kind, {})
        new = [seen[k].report() for k in sorted(set(seen) - set(pinned))]
        stale = sorted(set(pinned) - set(seen))
        assert not new and not stale, (
            f"{kind}: not pinned (diagnose, then pin with the cause):\n"
            + "\n".join(new)
            + f"\npinned but not seen: {stale}"
        )
    assert kinds["passed"] >= MIN_SAMPLE


# Non-JSON GET operations whose response Prism flags although the request is fine.
NON_JSON_PRISM_ONLY: dict[str, str] = {
    "DownloadDocument": (
        "Prism artefact: the response's media type is `*`, a range no body can be "
        "served as: asked for */* (the client's Accept; `*` itself crashes Prism 5.14.2's "
        "negotiator), Prism serves an empty body without a content type and flags its "
        "own response; the client returns the b'' served"
    ),
}


def call_method(client: Any, op: Operation, name: str) -> Any:
    target = client
    for attribute in op.resource:
        target = getattr(target, attribute)
    return getattr(target, name)


def test_non_json_get_operations(
    full_prism: Launch,
    package: Imported,
    plan: Plan,
    prism_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every GET operation answering only text or bytes returns the documented type,
    exactly the body served, for a request Prism finds nothing wrong with."""
    assert len(plan.non_json) >= 11, [c.id for c in plan.non_json]
    traffic = Traffic(keep_bodies=True)
    failures: list[str] = []
    flagged: dict[str, str] = {}
    kinds: Counter[str] = Counter()
    with prism_client(package.package, prism_url, traffic, strict=True) as (client, _):
        for call in plan.non_json:
            success = first_success(call.op)
            assert success is not None and success.bodies
            kind = success.bodies[0].kind
            expected = str if kind in ("text", "events") else bytes
            traffic.clear()
            try:
                result = call_method(client, call.op, call.op.py_name)(
                    *call.args, **call.kwargs
                )
            except Exception as exc:
                failures.append(f"{call.describe()}: {type(exc).__name__}: {exc}")
                continue
            last = traffic.last
            served = last.response_body or b""
            if type(result) is not expected:
                failures.append(f"{call.describe()}: {type(result).__name__}")
            elif result != (served.decode() if expected is str else served):
                failures.append(
                    f"{call.describe()}: {result!r:.100} is not what was served"
                )
            elif any(e.request_violations or e.problem for e in traffic.exchanges):
                failures.append(
                    f"{call.describe()}: Prism refused the request\n{last.describe()}"
                )
            elif last.response_violations:
                flagged[call.id] = last.describe()
            kinds[f"{expected.__name__} ({success.bodies[0].media_type})"] += 1
    with capsys.disabled():
        print(
            f"\n[full Prism] {len(plan.non_json)} non-JSON GET operations: "
            + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
            + f"; {len(failures)} failed, {len(flagged)} flagged by Prism only"
        )
        for op_id in flagged:
            print(f"  Prism only: {op_id}: {NON_JSON_PRISM_ONLY.get(op_id, '?')[:200]}")
    assert not failures, "\n".join(failures)
    assert sorted(flagged) == sorted(NON_JSON_PRISM_ONLY), flagged


def test_event_stream_operation_negotiates_the_stream_with_prism(
    full_prism: Launch, full: Generated, package: Imported, prism_url: str
) -> None:
    """The one operation documenting server-sent events, through Prism: the stream method
    asks for text/event-stream and gets it, the plain one JSON. Prism serves the schema's
    placeholder text ("string", no blank line), which holds no complete event."""
    streaming = [op for op in full.api.operations if "events" in response_kinds(op)]
    assert [op.operation_id for op in streaming] == ["create_anthropic_message"]
    op = streaming[0]
    spec: Any = full.spec
    content = spec["paths"][op.path]["post"]["requestBody"]["content"]
    example = content["application/json"]["example"]
    traffic = Traffic()
    with prism_client(package.package, prism_url, traffic) as (client, _):
        with call_method(client, op, f"{op.py_name}_stream")(body=example) as stream:
            assert stream.response.headers["content-type"] == "text/event-stream"
            assert list(stream) == []
        assert stream.response.is_closed
        sent = traffic.last
        assert sent.request_headers["accept"] == "text/event-stream"
        assert not sent.request_violations and sent.problem is None, sent.describe()
        message = call_method(client, op, op.py_name)(body=example)
        assert traffic.last.response_headers["content-type"].startswith(
            "application/json"
        )
        assert isinstance(message, dict)


def test_other_response_media_methods_against_prism(
    full_prism: Launch, full: Generated, package: Imported, prism_url: str
) -> None:
    """The methods reading a response's other media kind (the four CSV reports, the
    speech audio) ask Prism for it and return exactly what it serves, typed."""
    planner = Planner(full)
    traffic = Traffic(keep_bodies=True)
    seen: dict[str, str] = {}
    failures: list[str] = []
    with prism_client(package.package, prism_url, traffic) as (client, _):
        for op in full.api.operations:
            for kind, bodies in response_kinds(op).items():
                if kind == "events":
                    continue  # the stream test above
                name = response_method_name(op, kind, bodies)
                where = ".".join((*op.resource, name))
                call = planner.call(op)
                kwargs = dict(call.kwargs)
                if op.request_body is not None:
                    kwargs["body"] = body_value(planner, op, op.request_body)
                traffic.clear()
                try:
                    result = call_method(client, op, name)(*call.args, **kwargs)
                except Exception as exc:
                    failures.append(f"{where}: {type(exc).__name__}: {exc}")
                    continue
                last = traffic.last
                served = last.response_body or b""
                expected = served.decode() if kind == "text" else served
                if result != expected or type(result) is not type(expected):
                    failures.append(f"{where}: {result!r:.80} is not what was served")
                elif any(e.request_violations or e.problem for e in traffic.exchanges):
                    failures.append(f"{where}: Prism refused it\n{last.describe()}")
                seen[where] = last.response_headers["content-type"]
    assert not failures, "\n".join(failures)
    assert sorted(seen.items()) == [
        ("charges_breakdown.list_csv", "text/csv"),
        ("organization_users.list_users_groups_report_csv", "text/csv"),
        ("porting_orders.list_porting_phone_numbers_csv", "text/csv"),
        ("text_to_speech_commands.create_speech_audio", "audio/mpeg"),
        ("usage_reports_beta.list_csv", "text/csv"),
    ], seen


# ----------------------------------------------------------------- non-JSON request bodies

FILE_CONTENT = b"%PDF-1.4 contractgen upload\n"


@dataclass(frozen=True)
class BodyCall:
    """One request body of a non-JSON media type and the method sending it."""

    call: Call
    body: Body
    method: str
    value: Any

    def describe(self) -> str:
        return f"{self.body.media_type} via {self.method}: {self.call.describe()}"


def object_parts(planner: Planner, schema: Any) -> tuple[dict[str, Any], set[str]]:
    """The properties and required names of an object schema, allOf members merged."""
    schema = planner.deref(schema)
    properties: dict[str, Any] = {}
    required: set[str] = set(schema.get("required") or ())
    for member in schema.get("allOf") or ():
        more, needed = object_parts(planner, member)
        properties.update(more)
        required |= needed
    properties.update(schema.get("properties") or {})
    return properties, required


def body_value(planner: Planner, op: Operation, body: Body) -> Any:
    """A body for a non-JSON media type: file content for raw bodies; for forms and
    multipart, the required properties, the scalar ones the spec gives a value (example,
    default, enum) and every file. Optional arrays and objects are left out: Prism keeps
    one value per name and never parses a JSON part, so it cannot check them."""
    if body.kind in ("binary", "text"):
        return FILE_CONTENT
    raw = planner.deref(planner.root["paths"][op.path][op.method]["requestBody"])
    schema = planner.deref(raw["content"][body.media_type].get("schema") or {})
    if body.kind == "json":  # a wildcard media type whose schema is not a string
        return planner.schema_value(schema, "body")
    options = schema.get("oneOf") or schema.get("anyOf")
    if options:
        schema = planner.deref(options[0])
    properties, required = object_parts(planner, schema)
    value: dict[str, Any] = {}
    for name, prop in properties.items():
        prop = planner.deref(prop)
        if prop.get("readOnly"):
            continue
        if name in body.files:
            upload = (f"{name}.pdf", FILE_CONTENT, "application/pdf")
            value[name] = [upload] if prop.get("type") == "array" else upload
            continue
        documented = any(k in prop for k in ("example", "default", "enum", "const"))
        complex_ = prop.get("type") in ("array", "object") or "properties" in prop
        if name in required or (documented and not complex_):
            value[name] = planner.schema_value(prop, f"body property {name}")
    return value


def sent_type(body: Body) -> str:
    """The Content-Type a body of a media type goes with (a range names none)."""
    media = body.media_type.split(";", 1)[0]
    if "*" not in media:
        return media
    return "application/json" if body.kind == "json" else "application/octet-stream"


def plan_bodies(planner: Planner) -> tuple[list[BodyCall], dict[str, str]]:
    calls: list[BodyCall] = []
    excluded: dict[str, str] = {}
    ops = sorted(planner.operations, key=lambda op: (op.path, op.method))
    for op in ops:
        for body in op.request_bodies:
            if body.kind == "json" and "*" not in body.media_type:
                continue  # JSON bodies: tests/contract and the README examples
            key = f"{op.operation_id} {body.media_type}"
            method = (
                op.py_name
                if body is op.request_bodies[0]
                else alternate_method_name(op, body)
            )
            try:
                call = planner.call(op)
                value = body_value(planner, op, body)
            except Unfillable as exc:
                excluded[key] = str(exc)
                continue
            calls.append(BodyCall(call, body, method, value))
    return calls, excluded


def test_non_json_request_bodies(
    full_prism: Launch,
    full: Generated,
    package: Imported,
    prism_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Form, multipart and octet-stream bodies as sent pass Prism's request validation."""
    calls, excluded = plan_bodies(Planner(full))
    kinds = Counter(c.body.kind for c in calls)
    assert kinds["form"] >= 14 and kinds["multipart"] >= 11 and kinds["binary"] >= 2
    assert kinds["json"] >= 4  # */* bodies with object schemas
    traffic = Traffic()
    failures: list[str] = []
    with prism_client(package.package, prism_url, traffic) as (client, http):
        for body_call in calls:
            call = body_call.call
            traffic.clear()
            try:
                method = call_method(client, call.op, body_call.method)
                method(*call.args, body=body_call.value, **call.kwargs)
            except Exception as exc:
                said = "\n".join(
                    f"    Prism: {e.describe()}" for e in traffic.exchanges
                )
                failures.append(
                    f"{body_call.describe()}\n    {type(exc).__name__}: {exc}\n{said}"
                )
                continue
            sent = traffic.last
            content_type = sent.request_headers.get("content-type", "")
            if any(e.request_violations or e.problem for e in traffic.exchanges):
                failures.append(f"{body_call.describe()}\n    {sent.describe()}")
            elif not content_type.startswith(sent_type(body_call.body)):
                failures.append(f"{body_call.describe()}: sent {content_type!r}")
        refused = prism_refuses_broken_bodies(http, prism_url)
    with capsys.disabled():
        print(
            f"\n[full Prism] {len(calls)} non-JSON request bodies sent ("
            + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
            + f"), {len(calls) - len(failures)} accepted by Prism; "
            f"{len(excluded)} excluded"
        )
        for key, why in excluded.items():
            print(f"  excluded {key}: {why}")
    assert not failures, f"{len(failures)} bodies refused:\n" + "\n".join(failures)
    assert refused == [
        ["request", "body"],
        ["request", "body", "model"],
    ], "Prism no longer validates these media types: the test would prove nothing"


def prism_refuses_broken_bodies(http: httpx.Client, url: str) -> list[list[str]]:
    """Where Prism locates what is wrong in a form body without its required property
    and in a multipart body with a value outside its enum (sent without the client)."""
    auth = {"Authorization": f"Bearer {API_KEY}"}
    form = http.post(
        f"{url}/oauth/token",
        content=b"client_id=x",
        headers={**auth, "Content-Type": "application/x-www-form-urlencoded"},
    )
    request = http.build_request(
        "POST",
        f"{url}/ai/audio/transcriptions",
        data={"model": "no-such-model"},
        files={"file": ("a.mp3", b"ID3", "audio/mpeg")},
        headers=auth,
    )
    request.read()  # Traffic records request.content
    upload = http.send(request)
    return [
        v["location"]
        for response in (form, upload)
        for v in violations_of(response.headers, None)
    ]
