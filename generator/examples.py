"""Collect every documented example of a spec, each tied to the model it should satisfy.

Sources: schema ``example``/``examples`` (component and inline models), property examples
assembled into a whole object, and media-type examples of request and response bodies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.errors import Location
from generator.ir import Api, Model, TypeRef


@dataclass(frozen=True)
class Example:
    """One documented payload and the model it must satisfy."""

    model: str  # model name
    value: Any
    source: str  # "schema", "assembled", "media:<operationId> <status|request> <media type>"
    location: Location


class _Assembler:
    def __init__(self, api: Api) -> None:
        self.models = {m.name: m for m in api.models}

    def of_type(self, t: TypeRef, stack: tuple[str, ...]) -> tuple[bool, Any]:
        if t.kind == "model":
            model = self.models[t.name]
            if model.examples:
                return True, model.examples[0]
            if t.name in stack:
                return False, None
            return self.of_model(model, (*stack, t.name))
        if t.kind == "list":
            found, item = self.of_type(t.args[0], stack)
            return (True, [item]) if found else (False, None)
        return False, None

    def of_model(self, model: Model, stack: tuple[str, ...]) -> tuple[bool, Any]:
        if model.kind == "alias" and model.alias is not None:
            return self.of_type(model.alias, stack)
        if model.kind != "object":
            return False, None
        out: dict[str, Any] = {}
        for field in model.fields:
            if field.has_example:
                out[field.wire_name] = field.example
                continue
            found, value = self.of_type(field.type, stack)
            if found:
                out[field.wire_name] = value
        return (True, out) if out else (False, None)


def collect(api: Api) -> list[Example]:
    """Return every documented example in the spec, in a stable order."""
    found: list[Example] = []
    assembler = _Assembler(api)
    for model in api.models:
        for value in model.examples:
            found.append(Example(model.name, value, "schema", model.location))
        if model.kind == "object":
            ok, value = assembler.of_model(model, (model.name,))
            if ok:
                found.append(Example(model.name, value, "assembled", model.location))
    for op in api.operations:
        bodies = [("request", op.request_body)] if op.request_body else []
        bodies += [(r.status, b) for r in op.responses for b in r.bodies]
        for where, body in bodies:
            if body is None or body.type is None or body.type.kind != "model":
                continue
            for value in body.examples:
                source = f"media:{op.operation_id} {where} {body.media_type}"
                found.append(Example(body.type.name, value, source, op.location))
    return found
