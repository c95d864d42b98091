"""The one error the compiler raises, and the entry points it compiles."""

from __future__ import annotations

from dataclasses import dataclass


class SchemaCompileError(Exception):
    """A schema cannot be compiled; ``pointer`` says where in the root document."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(f"{pointer or '(root)'}: {message}")
        self.pointer = pointer
        self.message = message


DIRECTIONS = ("request", "response")


@dataclass(frozen=True)
class Entry:
    """A public validator to emit: ``validate_<name>`` for the schema at ``pointer``.

    ``direction`` "request" forbids values whose schema is ``readOnly`` (and drops them
    from ``required``); "response" does the same for ``writeOnly`` (OpenAPI's meaning).
    None validates the schema as JSON Schema does, where both are annotations.
    """

    name: str
    pointer: str
    direction: str | None = None


# OpenAPI discriminators whose mapping was only implied by component names carry this key
# (set by generator.jsonschema_docs): unmapped values then fall back to oneOf/anyOf.
IMPLICIT_MAPPING = "x-contractgen-implicit-mapping"
