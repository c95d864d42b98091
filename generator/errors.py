"""Errors that point at a place in the spec."""

from __future__ import annotations

from typing import Callable


class Location:
    """A place in a spec file: 1-based line and column, plus the JSON pointer when known.

    ``Location.at`` makes one from a pointer whose line and column are looked up only when
    asked for: analysis notes a place for every model and field, and almost none is ever
    shown (looking places up means parsing the spec again, with marks).
    """

    __slots__ = ("file", "pointer", "_line", "_column", "_find")

    def __init__(self, file: str, line: int, column: int, pointer: str = "") -> None:
        self.file = file
        self.pointer = pointer
        self._line = line
        self._column = column
        self._find: Callable[[str], tuple[int, int]] | None = None

    @classmethod
    def at(
        cls, file: str, pointer: str, find: Callable[[str], tuple[int, int]]
    ) -> Location:
        """Return the place of a pointer, found with ``find`` when first needed."""
        place = cls(file, 0, 0, pointer)
        place._find = find
        return place

    def _settle(self) -> None:
        if self._find is not None:
            self._line, self._column = self._find(self.pointer)
            self._find = None

    @property
    def line(self) -> int:
        """Return the 1-based line."""
        self._settle()
        return self._line

    @property
    def column(self) -> int:
        """Return the 1-based column."""
        self._settle()
        return self._column

    def _fields(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.pointer)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Location):
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __reduce__(self) -> tuple[type[Location], tuple[str, int, int, str]]:
        return (Location, self._fields())

    def __repr__(self) -> str:
        return "Location(file={!r}, line={!r}, column={!r}, pointer={!r})".format(
            *self._fields()
        )

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class SpecError(Exception):
    """A problem with the input spec, reported as ``PATH:LINE:COL: message``."""

    def __init__(self, location: Location, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message
