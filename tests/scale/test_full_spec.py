"""Scale layer: the whole Telnyx API (782 paths, 1,156 operations, 1,875 schemas) generates
completely: every operation is a sync and an async client method, every component schema
has a model, a JSON Schema document and a validator, no name was numbered to settle a
collision, and every generated module imports.

What is checked is what generation produces, not its formatting: the rendered (unformatted)
files are written straight to a temporary directory (formatting is proved separately: the
golden layer and ``tests/unit/test_format.py``). Counts come from the spec itself, read
independently of the IR wherever possible.

mypy --strict runs twice: on a deterministic slice (the Rooms family, ``contractgen slice
--path-prefix /room``, generated and formatted like any package), which must pass; and on the
whole generated package (~600k lines: about a minute and 1.1 GB on 2 cores), which is marked
as an expected failure until the generator bugs it finds are fixed (the marker is strict: it
fails the run once mypy passes, so it cannot outlive them).
"""

from __future__ import annotations

import ast
import gc
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.load import split_pointer
from generator.slicing import HTTP_METHODS
from generator.body_views import response_kinds, response_method_name
from tests.paths import FULL_SPEC, ROOT, require_shared
from tests.scale.conftest import PACKAGE, Generated

# A name ending in digits is only allowed when the digits come from where the schema sits:
# the spec's own spelling (``DateTimeRFC2822``, ``.../percentile_latency/properties/99``)
# or the position of a oneOf/anyOf option (``.../oneOf/1`` -> ``...Option2``).
TRAILING_DIGITS = re.compile(r"\D(\d+)$")


def _spec_operations(spec: dict[str, object]) -> Counter[tuple[str, str]]:
    paths = spec["paths"]
    assert isinstance(paths, dict)
    found: Counter[tuple[str, str]] = Counter()
    for path, item in paths.items():
        for method in HTTP_METHODS:
            if isinstance(item, dict) and isinstance(item.get(method), dict):
                found[(method.upper(), path)] += 1
    return found


def _parse(text: str) -> ast.Module:
    gc.disable()  # the tree is acyclic; collecting while building it only costs time
    try:
        return ast.parse(text)
    finally:
        gc.enable()


def _request_specs(tree: ast.Module) -> Iterator[tuple[str, str, str, str]]:
    """Yield (class, method, HTTP method, path) for every ``RequestSpec(...)`` in a module."""
    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef):
            continue
        for fn in cls.body:
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "RequestSpec"
                ):
                    kw = {
                        k.arg: k.value.value
                        for k in node.keywords
                        if isinstance(k.value, ast.Constant)
                    }
                    yield cls.name, fn.name, str(kw["method"]), str(kw["path"])


def test_every_operation_is_a_sync_and_an_async_method(full: Generated) -> None:
    expected = _spec_operations(full.spec)
    assert sum(expected.values()) == 1156
    assert len(full.api.operations) == 1156
    # An operation documenting request bodies of several media kinds has one more method
    # per other kind (JSON stays the default: ``create`` and ``create_multipart``).
    extra = 0
    for op in full.api.operations:
        kinds = len({b.kind for b in op.request_bodies})
        expected[(op.method.upper(), op.path)] += max(kinds - 1, 0)
        extra += max(kinds - 1, 0)
    assert extra == 7
    # ... and one more per other response media kind: four CSV, one audio, and one
    # reading server-sent events as they arrive (``create_messages_stream``).
    reading = [
        (op, ".".join((*op.resource, response_method_name(op, kind, bodies))))
        for op in full.api.operations
        for kind, bodies in response_kinds(op).items()
    ]
    assert sorted(name for _, name in reading) == [
        "anthropic_messages.create_messages_stream",
        "charges_breakdown.list_csv",
        "organization_users.list_users_groups_report_csv",
        "porting_orders.list_porting_phone_numbers_csv",
        "text_to_speech_commands.create_speech_audio",
        "usage_reports_beta.list_csv",
    ]
    for op, _ in reading:
        expected[(op.method.upper(), op.path)] += 1
    sync: Counter[tuple[str, str]] = Counter()
    asynchronous: Counter[tuple[str, str]] = Counter()
    for path, text in full.files.items():
        if not path.startswith(f"{PACKAGE}/resources/") or not path.endswith(".py"):
            continue
        for cls, _, method, route in _request_specs(_parse(text)):
            if cls.endswith("WithRawResponse"):
                continue
            (asynchronous if cls.startswith("Async") else sync)[(method, route)] += 1
    assert sync == expected, (expected - sync, sync - expected)
    assert asynchronous == expected, (expected - asynchronous, asynchronous - expected)


def test_every_component_schema_has_a_model_a_document_and_a_validator(
    full: Generated,
) -> None:
    components = full.spec["components"]
    assert isinstance(components, dict)
    names = list(components["schemas"])
    assert len(names) == 1875
    by_pointer = {m.pointer: m for m in full.api.models}
    validators = full.files[f"{PACKAGE}/validators.py"]
    defined = set(re.findall(r"^def (validate_\w+)\(", validators, re.MULTILINE))
    # Top-level names of models.py: classes (objects, enums) and type aliases.
    top_level = {
        a or b
        for a, b in re.findall(
            r"^(?:class (\w+)|(\w+)(?:: TypeAlias)? =)",
            full.files[f"{PACKAGE}/models.py"],
            re.MULTILINE,
        )
    }
    missing = []
    for name in names:
        pointer = "/components/schemas/" + name.replace("~", "~0").replace("/", "~1")
        model = by_pointer.get(pointer)
        if model is None:
            missing.append(f"{name}: no model")
            continue
        if f"{PACKAGE}/schemas/{model.name}.json" not in full.files:
            missing.append(f"{name}: no JSON Schema document")
        if f"validate_{model.snake}" not in defined:
            missing.append(f"{name}: no validator")
        if model.name not in top_level:
            missing.append(f"{name}: {model.name} is not defined in models.py")
    assert not missing, missing[:20]
    document = json.loads(
        full.files[
            f"{PACKAGE}/schemas/{by_pointer['/components/schemas/' + names[0]].name}.json"
        ]
    )
    assert document.get("$schema") or document.get("$defs") or document


def _derived(name: str, pointer: str) -> bool:
    """Return whether a name's trailing digits come from its schema's location."""
    match = TRAILING_DIGITS.search(name)
    if match is None:
        return True
    digits = int(match.group(1))
    tokens = split_pointer(pointer) if pointer else []
    if tokens and re.search(rf"(?<!\d){match.group(1)}$", tokens[-1]):
        return True
    return (
        len(tokens) >= 2
        and tokens[-2] in ("oneOf", "anyOf", "allOf", "prefixItems")
        and tokens[-1].isdigit()
        and int(tokens[-1]) + 1 == digits
    )


def test_no_name_is_numbered_to_settle_a_collision(full: Generated) -> None:
    numbered = [
        (m.name, m.pointer) for m in full.api.models if not _derived(m.name, m.pointer)
    ]
    assert not numbered, numbered[:20]
    for op in full.api.operations:
        for name in (op.py_name, *op.resource):
            match = TRAILING_DIGITS.search(name)
            assert match is None or match.group(1) in op.operation_id + op.path, (
                name,
                op.operation_id,
                op.path,
            )
    # And in the code as generated: every class and method, checked the same way.
    classes = re.findall(r"^class (\w+)", full.files[f"{PACKAGE}/models.py"], re.M)
    known = {m.name: m.pointer for m in full.api.models}
    assert not [c for c in classes if not _derived(c, known.get(c, ""))]


def test_every_generated_module_imports(full: Generated) -> None:
    modules = sorted(
        ".".join(Path(p).with_suffix("").parts).removesuffix(".__init__")
        for p in full.files
        if p.endswith(".py")
    )
    operations = [[list(op.resource), op.py_name] for op in full.api.operations]
    code = (
        "import importlib, inspect, json, sys\n"
        "for m in json.loads(sys.argv[1]):\n"
        "    importlib.import_module(m)\n"
        f"import {PACKAGE} as pkg\n"
        "clients = pkg.Client(api_key='k', base_url='http://127.0.0.1:9'), "
        "pkg.AsyncClient(api_key='k', base_url='http://127.0.0.1:9')\n"
        "bad = []\n"
        "for resource, name in json.loads(sys.argv[2]):\n"
        "    for client in clients:\n"
        "        obj = client\n"
        "        for attr in resource:\n"
        "            obj = getattr(obj, attr)\n"
        "        method = getattr(obj, name, None)\n"
        "        is_async = type(obj).__name__.startswith('Async')\n"
        "        if not callable(method) or is_async != (client is clients[1]):\n"
        "            bad.append((resource, name, type(obj).__name__))\n"
        "print(json.dumps(bad[:20]))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, json.dumps(modules), json.dumps(operations)],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(full.out)),
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert f"{PACKAGE}.models" in modules and f"{PACKAGE}.validators" in modules


def test_mypy_strict_on_the_rooms_slice(tmp_path: Path) -> None:
    """The strict type check on a deterministic sample: every operation under /room."""
    spec = require_shared(FULL_SPEC)
    sliced = tmp_path / "rooms.yaml"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for args in (
        ["slice", str(spec), "--path-prefix", "/room", "-o", str(sliced)],
        [
            "generate",
            str(sliced),
            "-o",
            str(tmp_path / "out"),
            "--package",
            "rooms_slice",
        ],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "generator", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
        + ["--cache-dir", os.devnull, "-p", "rooms_slice"],
        cwd=tmp_path / "out",
        env=dict(os.environ, MYPYPATH=str(tmp_path / "out")),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_mypy_strict_on_the_whole_generated_package(full: Generated) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental"]
        + ["--cache-dir", os.devnull, "-p", PACKAGE],
        cwd=full.out,
        env=dict(os.environ, MYPYPATH=str(full.out)),
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_addresses_depend_on_content_not_on_which_objects_are_shared(
    tmp_path: Path,
) -> None:
    """The whole API parsed, read back from the cache, and analysed twice in one process
    gives the same address for every file: otherwise a regeneration would render again
    what did not change (equal objects are shared differently in each case)."""
    from generator.analyze import analyze
    from generator.config import load_config
    from generator.load import load_text
    from generator.loadcache import load_file_cached
    from generator.render import outputs

    spec = tmp_path / "spec.yaml"
    spec.write_bytes(require_shared(FULL_SPEC).read_bytes())
    config = load_config(ROOT)
    collecting = gc.isenabled()
    gc.disable()  # as the command runs
    try:
        load_file_cached(spec, tmp_path / "cache")  # stores the tree
        cached = load_file_cached(spec, tmp_path / "cache")  # reads it back
        parsed = load_text(spec.read_bytes(), cached.display, cached.path)
        addresses = [
            {p: o.key for p, o in outputs(analyze(doc, config), PACKAGE).items()}
            for doc in (parsed, cached, parsed)
        ]
    finally:
        if collecting:
            gc.enable()
    assert sum(key is not None for key in addresses[0].values()) > 4000
    assert addresses[0] == addresses[1] == addresses[2]


@pytest.mark.parametrize(
    "edit",
    [
        # One operation's summary (the benchmark's edit): one path item re-analysed.
        ("      summary: ", "      summary: (edited) "),
        # A component schema that many others and many operations reference.
        (
            "  schemas:\n",
            "  schemas:\n    AaaFirst:\n      type: object\n"
            "      properties:\n        x:\n          type: string\n",
        ),
    ],
    ids=["operation", "component"],
)
def test_a_full_regeneration_through_the_caches_equals_one_without_them(
    tmp_path: Path, edit: tuple[str, str]
) -> None:
    """The whole API, generated, edited and regenerated through every cache (the
    analysis cache's units included), is byte for byte a cacheless generation."""
    from generator import cli

    source = require_shared(FULL_SPEC).read_text(encoding="utf-8")
    assert edit[0] in source
    spec = tmp_path / "spec.yaml"
    spec.write_text(source, encoding="utf-8")
    out, reference = tmp_path / "out", tmp_path / "reference"
    args = [str(spec), "--package", PACKAGE]
    cached = ["--cache-dir", str(tmp_path / "cache"), "-o", str(out)]
    assert cli.main(["generate", *args, *cached]) == 0
    spec.write_text(source.replace(*edit, 1), encoding="utf-8")
    assert cli.main(["generate", *args, *cached]) == 0
    assert cli.main(["generate", *args, "--no-cache", "-o", str(reference)]) == 0
    produced = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert produced == sorted(
        p.relative_to(reference) for p in reference.rglob("*") if p.is_file()
    )
    for rel in produced:
        assert (out / rel).read_bytes() == (reference / rel).read_bytes(), rel
