"""Stage 4, validators: compile every model's JSON Schema into one Python module body."""

from __future__ import annotations

from generator.errors import Location, SpecError
from collections.abc import Mapping

from generator.ir import Api, Model


def compile_validators(api: Api) -> tuple[str, tuple[str, ...]]:
    """Return the compiled validator code and the names it exports."""
    from generator.validation import Entry, SchemaCompileError, compile_module

    by_name = {m.name: m for m in api.models}
    entries = [Entry(m.snake, f"/$defs/{m.name}") for m in api.models]
    try:
        body = compile_module({"$defs": api.schemas}, entries)
    except SchemaCompileError as exc:
        raise SpecError(
            _locate(api, by_name, str(exc.pointer)), str(exc.message)
        ) from None
    names: list[str] = ["ValidationError"]
    for m in api.models:
        names += [
            f"validate_{m.snake}",
            f"is_valid_{m.snake}",
            f"iter_errors_{m.snake}",
        ]
    return body, tuple(names)


def _locate(api: Api, by_name: Mapping[str, Model], pointer: str) -> Location:
    """Map a pointer into the bundle (/$defs/<Model>/...) back to the model's spec location."""
    parts = pointer.split("/")
    model = by_name.get(parts[2]) if len(parts) > 2 else None
    return (
        model.location if model is not None else Location(api.spec_file, 1, 1, pointer)
    )
