"""The one error the compiler raises, and the entry points it compiles."""

from __future__ import annotations

from dataclasses import dataclass


class SchemaCompileError(Exception):
    """A schema cannot be compiled; ``pointer`` says where in the root document."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(f"{pointer or '(root)'}: {message}")
        self.pointer = pointer
        self.message = message


@dataclass(frozen=True)
class Entry:
    """A public validator to emit: ``validate_<name>`` for the schema at ``pointer``."""

    name: str
    pointer: str
