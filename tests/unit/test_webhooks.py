"""Webhooks (OpenAPI 3.1): each becomes an IR Webhook and a parse function that checks the
body against its schema and decodes it into the body's model."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType

import pytest

from generator.analyze import analyze
from generator.config import load_config
from generator.ir import Api
from generator.load import load_file
from generator.format import FormatStats, format_files, format_python
from generator.render import black_normal, render
from generator.write import write
from tests.paths import ROOT

SPEC = ROOT / "tests" / "specs" / "webhooks.yaml"
PACKAGE = "hooks_api"
ORDER = {"id": "7d3a4b7e-1c2f-4e5a-9b8c-0d1e2f3a4b5c", "extra": [1]}


@pytest.fixture(scope="module")
def api() -> Api:
    return analyze(load_file(SPEC), load_config(ROOT))


@pytest.fixture(scope="module")
def out(api: Api, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    directory = tmp_path_factory.mktemp("hooks")
    write(directory, render(api, PACKAGE), "test")
    sys.path.insert(0, str(directory))
    try:
        yield directory
    finally:
        sys.path.remove(str(directory))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def hooks(out: Path) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.webhooks")


def test_every_webhook_is_in_the_ir_in_file_order(api: Api) -> None:
    got = [(w.name, w.snake, w.method) for w in api.webhooks]
    assert got == [
        ("orderShipped", "order_shipped", "post"),
        ("order_shipped", "order_shipped_post", "post"),
        ("ping", "ping", "post"),
        (
            "inventoryLevelChangedAtTheWarehouse",
            "inventory_level_changed_at_the_warehouse",
            "post",
        ),
    ]
    shipped = api.webhooks[0]
    assert shipped.summary == "An order left the warehouse."
    assert [(p.wire_name, p.location) for p in shipped.parameters] == [
        ("x-signature", "header")
    ]
    assert shipped.body is not None and shipped.body.type is not None
    assert (shipped.body.type.kind, shipped.body.type.name) == ("model", "OrderShipped")
    assert (shipped.location.line, shipped.location.pointer) == (
        7,
        "/webhooks/orderShipped/post",
    )
    # An inline body is a model named after its webhook.
    ping = api.webhooks[2].body
    assert ping is not None and ping.type is not None
    assert ping.type.name == "PingWebhookRequest"
    assert "PingWebhookRequest" in {m.name for m in api.models}


def test_parse_takes_bytes_text_or_data(hooks: ModuleType) -> None:
    for payload in (json.dumps(ORDER).encode(), json.dumps(ORDER), ORDER):
        order = hooks.parse_order_shipped(payload)
        assert type(order).__name__ == "OrderShipped"
        assert order.id == ORDER["id"] and order.to_dict() == ORDER
    ping = hooks.WEBHOOKS["ping"]('{"at": "2024-01-02T03:04:05Z"}')
    assert ping.at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def test_parse_says_where_the_body_is_wrong(hooks: ModuleType) -> None:
    validators = importlib.import_module(f"{PACKAGE}.validators")
    with pytest.raises(validators.ValidationError) as caught:
        hooks.parse_order_shipped({"id": "not-a-uuid"})
    assert caught.value.path == "/id"
    with pytest.raises(validators.ValidationError) as caught:
        hooks.parse_ping({})
    assert "at" in caught.value.message
    with pytest.raises(ValueError, match="line 1 column 2"):
        hooks.parse_ping(b"{oops")
    # validate=False is the lenient decoder alone: drift does not raise.
    assert hooks.parse_order_shipped({"id": 5}, validate=False).id == 5


def test_a_body_without_a_model_is_returned_as_data(hooks: ModuleType) -> None:
    # Validators are compiled per model: an inline array body has none, and says so.
    assert hooks.parse_order_shipped_post("[1, 2]") == [1, 2]
    assert hooks.parse_order_shipped_post('["x"]') == ["x"]
    assert "not checked" in (hooks.parse_order_shipped_post.__doc__ or "")
    assert sorted(hooks.WEBHOOKS) == [
        "inventoryLevelChangedAtTheWarehouse",
        "orderShipped",
        "order_shipped",
        "ping",
    ]


def test_webhooks_module_passes_mypy_strict(out: Path, tmp_path: Path) -> None:
    usage = tmp_path / "usage.py"
    usage.write_text(textwrap.dedent(f"""
            from {PACKAGE} import models, webhooks

            order: models.OrderShipped = webhooks.parse_order_shipped(b"{{}}")
            ping: models.PingWebhookRequest = webhooks.parse_ping("{{}}", validate=False)
            wrong: models.PingWebhookRequest = webhooks.parse_order_shipped({{}})
            """))
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(usage)],
        capture_output=True,
        text=True,
        env={"MYPYPATH": str(out), "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    errors = [line for line in proc.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "usage.py:6:" in errors[0], proc.stdout


def test_no_webhooks_no_module() -> None:
    api = analyze(load_file(ROOT / "spec" / "telnyx_room_sessions.yaml"), load_config())
    assert api.webhooks == ()
    assert not any(p.endswith("webhooks.py") for p in render(api, "rooms"))


def test_webhooks_module_is_in_blacks_layout(api: Api) -> None:
    files = render(api, PACKAGE)
    path = f"{PACKAGE}/webhooks.py"
    assert black_normal(PACKAGE, path)
    stats = FormatStats()
    laid = format_files(
        {path: files[path]}, black_normal=frozenset({path}), stats=stats
    )
    # Nothing went to black (not even the header comment); a signature was laid out.
    assert stats.modules_laid == 1 and stats.formatted_lines == 0
    assert "def parse_inventory_level_changed_at_the_warehouse(\n" in laid[path]
    assert laid[path] == format_python(path, files[path])


def test_the_package_exposes_the_webhooks_module_lazily(out: Path) -> None:
    code = (
        f"import sys, {PACKAGE} as p\n"
        f"assert '{PACKAGE}.webhooks' not in sys.modules\n"
        "assert 'webhooks' in p.__all__ and 'webhooks' in dir(p)\n"
        "print(sorted(p.webhooks.WEBHOOKS))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(out), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "orderShipped" in proc.stdout
