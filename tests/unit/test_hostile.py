"""Strings from a spec never become code: a hostile spec generates code that compiles, passes
mypy --strict, and whose syntax tree holds only the statements the templates intend."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.render import RUNTIME_MODULES
from tests.paths import ROOT

SPEC = ROOT / "tests" / "specs" / "hostile.yaml"
# Fragments that would only appear outside string constants if spec text leaked into code.
MARKERS = (
    "__import__",
    "system(",
    "import os",
    "DROP TABLE",
    "{{",
    "{%",
    "pwned",
    "\u2028",
    "\x00",
)
DANGEROUS = {
    "eval",
    "exec",
    "compile",
    "__import__",
    "open",
    "getattr",
    "setattr",
    "globals",
    "locals",
}
MODULE_STATEMENTS = (
    ast.Import,
    ast.ImportFrom,
    ast.Assign,
    ast.AnnAssign,
    ast.ClassDef,
    ast.FunctionDef,
    ast.Expr,
    ast.If,
)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            str(SPEC),
            "-o",
            str(out),
            "--package",
            "hostile",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return out


def _sources(package: Path) -> dict[Path, str]:
    """Every generated module, templated ones and copies of the hand-written runtime."""
    return {
        p: p.read_text(encoding="utf-8")
        for p in sorted((package / "hostile").rglob("*.py"))
    }


def _templated(package: Path) -> dict[Path, str]:
    """The modules rendered from the spec (the runtime copies are the same for any spec)."""
    return {p: s for p, s in _sources(package).items() if p.name not in RUNTIME_MODULES}


def test_generated_code_compiles_and_imports(package: Path) -> None:
    for path, source in _sources(package).items():
        compile(source, str(path), "exec")
    proc = subprocess.run(
        [sys.executable, "-c", "import hostile, hostile.models, hostile.validators"],
        env=dict(os.environ, PYTHONPATH=str(package)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr


def test_generated_code_passes_mypy_strict(package: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            os.devnull,
            "-p",
            "hostile",
        ],
        cwd=package,
        env=dict(os.environ, MYPYPATH=str(package)),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout


def _strip_constants(tree: ast.AST) -> str:
    """Return the code with every string constant emptied: what is left is pure structure."""

    class Blank(ast.NodeTransformer):
        def visit_Constant(self, node: ast.Constant) -> ast.Constant:
            return ast.Constant(
                "" if isinstance(node.value, (str, bytes)) else node.value
            )

    return ast.unparse(Blank().visit(tree))


def test_spec_text_appears_only_inside_string_constants(package: Path) -> None:
    for path, source in _templated(package).items():
        structure = _strip_constants(ast.parse(source))
        for marker in MARKERS:
            assert (
                marker not in structure
            ), f"{path.name}: {marker!r} outside a string constant"


def test_only_intended_statements_and_no_dangerous_calls(package: Path) -> None:
    for path, source in _sources(package).items():
        tree = ast.parse(source)
        for node in tree.body:
            assert isinstance(
                node, MODULE_STATEMENTS
            ), f"{path.name}: unexpected {ast.dump(node)[:80]}"
        if path.name in RUNTIME_MODULES:
            continue  # hand-written runtime, identical for every spec
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert (
                    node.func.id not in DANGEROUS
                ), f"{path.name}: calls {node.func.id}"
            if isinstance(
                node, (ast.Name, ast.Attribute, ast.FunctionDef, ast.ClassDef, ast.arg)
            ):
                name = (
                    getattr(node, "id", None)
                    or getattr(node, "attr", None)
                    or getattr(node, "name", None)
                    or getattr(node, "arg", "")
                )
                assert (
                    name.isidentifier() and name.isascii()
                ), f"{path.name}: identifier {name!r}"


def test_hostile_values_survive_as_data(package: Path) -> None:
    code = (
        "import hostile.models as m\n"
        "values = [x.value for x in m.Init]\n"
        "assert values == ['a\"\"\"b', \"c'''d\", 'e\\\\f'], values\n"
        "c = m.Class.from_dict({'class': '\"\"\"', 'from': '\\x00', 'ID': 'x', 'id': 'y'})\n"
        "assert c.class_ == '\"\"\"' and c.ID == 'x' and c.id == 'y'\n"
        "assert c.to_dict() == {'class': '\"\"\"', 'from': '\\x00', 'ID': 'x', 'id': 'y'}\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env=dict(os.environ, PYTHONPATH=str(package)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
