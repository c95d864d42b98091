"""Quality gates on generated/ and the generator: headers, black, imports, mypy --strict."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

from generator.write import MANIFEST, read_manifest
from tests.paths import GENERATED, ROOT, SPEC

PACKAGE = GENERATED / "telnyx_rooms"


def _run(
    *args: str, cwd: object = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )


def test_every_generated_file_names_the_spec_and_the_package_its_hash() -> None:
    digest = hashlib.sha256(SPEC.read_bytes()).hexdigest()
    # The files contractgen owns (caches that tools leave beside them are not output).
    files = [GENERATED / rel for rel in read_manifest(GENERATED)]
    assert len(files) > 10
    for path in files:
        head = path.read_text(encoding="utf-8")[:400]
        assert "from spec/telnyx_room_sessions.yaml" in head, path
        # Only the package __init__ carries the hash: a spec edit rewrites what it changes.
        assert (digest in head) == (path == PACKAGE / "__init__.py"), path
    init = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    assert f'__spec_sha256__ = "{digest}"' in init
    manifest = json.loads((GENERATED / MANIFEST).read_text(encoding="utf-8"))
    assert f"spec sha256: {digest}" in manifest["$comment"]


def test_generated_code_is_black_formatted() -> None:
    proc = _run("black", "--check", "--quiet", str(GENERATED))
    assert proc.returncode == 0, proc.stderr


def test_every_generated_module_imports() -> None:
    modules = sorted(
        ".".join(p.relative_to(GENERATED).with_suffix("").parts).removesuffix(
            ".__init__"
        )
        for p in PACKAGE.rglob("*.py")
    )
    code = "import importlib, sys\nfor m in sys.argv[1:]:\n    importlib.import_module(m)\n"
    env = dict(os.environ, PYTHONPATH=str(GENERATED))
    proc = subprocess.run(
        [sys.executable, "-c", code, *modules],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "telnyx_rooms.models" in modules and "telnyx_rooms.validators" in modules


def test_validators_do_not_import_jsonschema() -> None:
    code = "import sys, telnyx_rooms.validators\nassert 'jsonschema' not in sys.modules, 'jsonschema imported'"
    env = dict(os.environ, PYTHONPATH=str(GENERATED))
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr


def test_mypy_strict_on_generated_package() -> None:
    env = dict(os.environ, MYPYPATH=str(GENERATED))
    proc = _run(
        "mypy",
        "--strict",
        "--no-incremental",
        "--cache-dir",
        os.devnull,
        "-p",
        "telnyx_rooms",
        cwd=GENERATED,
        env=env,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_on_generator() -> None:
    proc = _run(
        "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, "generator"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
