"""The module around the compiled functions: public entry points, imports, constants."""

from __future__ import annotations

from generator.validation.writer import CodeWriter, literal


def emit_public(w: CodeWriter, name: str, fn: str, dynamic: bool) -> None:
    """Emit validate_/is_valid_/iter_errors_<name>, which turn deep recursion into an error."""
    scope = ", ()" if dynamic else ""
    w.line("")
    w.line("")
    with w.block(f"def validate_{name}(payload: Any) -> None:"):
        w.line(
            f'"""Raise ValidationError for the first way payload breaks the {name} schema."""'
        )
        with w.block("try:"):
            w.line(f"{fn}(payload, None, None{scope})")
        with w.block("except RecursionError:"):
            w.line("raise _too_deep() from None")
    w.line("")
    w.line("")
    with w.block(f"def is_valid_{name}(payload: Any) -> bool:"):
        w.line(f'"""Return whether payload satisfies the {name} schema."""')
        with w.block("try:"):
            w.line(f"{fn}(payload, _Q, None{scope})")
        with w.block("except (_Invalid, RecursionError):"):
            w.line("return False")
        w.line("return True")
    w.line("")
    w.line("")
    with w.block(f"def iter_errors_{name}(payload: Any) -> Iterator[ValidationError]:"):
        w.line(
            f'"""Return every way payload breaks the {name} schema, in schema order."""'
        )
        w.line("errors: list[ValidationError] = []")
        with w.block("try:"):
            w.line(f"{fn}(payload, errors, None{scope})")
        with w.block("except RecursionError:"):
            w.line("errors.append(_too_deep())")
        w.line("return iter(errors)")


def assemble(
    w: CodeWriter, imports: set[str], body: list[str], publics: list[tuple[str, str]]
) -> str:
    """Return the module body: imports, __all__, hoisted constants, then the functions."""
    helpers = sorted(imports, key=lambda h: h.split(" ")[-1].lower())
    exported = ["ValidationError"]
    for name, _ in publics:
        exported += [f"validate_{name}", f"is_valid_{name}", f"iter_errors_{name}"]
    head = [
        "import re as _re",
        "from collections.abc import Iterator",
        "from typing import Any",
        "",
        "from ._validation import (",
        *[f"    {h}," for h in helpers],
        ")",
        "",
        "__all__ = [",
        *[f"    {literal(n)}," for n in exported],
        "]",
        "",
        *w.constants,
    ]
    return "\n".join(head + body + w.lines) + "\n"
