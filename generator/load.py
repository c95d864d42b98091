"""Stage 1: read YAML/JSON into plain containers that remember where each key stood."""

from __future__ import annotations

import functools
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

from generator.errors import Location, SpecError

try:  # the C parser is several times faster on multi-megabyte specs
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class MarkedDict(dict[str, Any]):
    """A mapping from the spec that knows the (line, column) of itself and of each key."""

    __slots__ = ("mark", "marks")

    def __init__(self) -> None:
        super().__init__()
        self.mark: tuple[int, int] = (0, 0)
        self.marks: dict[str, tuple[int, int]] = {}


class MarkedList(list[Any]):
    """A sequence from the spec that knows the (line, column) of itself and of each item."""

    __slots__ = ("mark", "marks")

    def __init__(self) -> None:
        super().__init__()
        self.mark: tuple[int, int] = (0, 0)
        self.marks: list[tuple[int, int]] = []


@dataclass(frozen=True)
class Document:
    """A loaded spec file: its display path, parsed tree (plain dicts and lists) and
    content hash. Where each node stands is found on demand (`position`) by parsing the
    text again with marks: only errors, notes and lint findings ever ask."""

    path: Path
    display: str
    root: Any
    sha256: str
    text: bytes = field(default=b"", repr=False, compare=False)
    _marked: list[MarkedDict] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    @functools.cached_property
    def name(self) -> str:
        """Return the path as text: with a pointer, what names a node across documents."""
        return str(self.path)

    def marked_root(self) -> MarkedDict:
        """Return the tree again, every mapping and sequence knowing its marks."""
        if not self._marked:
            tree = _parse(_MarkedLoader(self.text), self.display)
            if not isinstance(
                tree, MarkedDict
            ):  # pragma: no cover - root was a mapping
                raise SpecError(Location(self.display, 1, 1), "not a mapping")
            self._marked.append(tree)
        return self._marked[0]

    def position(self, pointer: str) -> tuple[int, int]:
        """Return (line, column) of the deepest existing node along a JSON pointer."""
        node: Any = self.marked_root()
        line, col = _mark_of(node)
        for token in split_pointer(pointer):
            if isinstance(node, MarkedDict) and token in node:
                line, col = node.marks.get(token, (line, col))
                node = node[token]
            elif (
                isinstance(node, MarkedList)
                and token.isdigit()
                and int(token) < len(node)
            ):
                line, col = node.marks[int(token)]
                node = node[int(token)]
            else:
                break
        return line, col

    def locate(self, pointer: str) -> Location:
        """Return the location of the deepest existing node along a JSON pointer."""
        return Location(self.display, *self.position(pointer), pointer)

    def place(self, pointer: str) -> Location:
        """Return the location of a pointer, its line and column found when first asked."""
        return Location.at(self.display, pointer, self.position)


def _mark_of(node: Any) -> tuple[int, int]:
    return node.mark if isinstance(node, (MarkedDict, MarkedList)) else (1, 1)


def _pos(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


class _JsonLoader(_BaseLoader):
    """SafeLoader that reads scalars the JSON way."""

    display = "<spec>"


# YAML 1.1 turns `2021-04-25` into a date and `on` into True; an API description is JSON
# data, so only JSON-compatible scalars are resolved implicitly.
_JsonLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
for _first in list("yYnNoO"):
    _JsonLoader.yaml_implicit_resolvers[_first] = [
        (tag, rx)
        for tag, rx in _JsonLoader.yaml_implicit_resolvers.get(_first, [])
        if tag != "tag:yaml.org,2002:bool"
    ]
for _first in list("tTfF"):
    _JsonLoader.yaml_implicit_resolvers[_first] = [
        (tag, rx)
        for tag, rx in _JsonLoader.yaml_implicit_resolvers.get(_first, [])
        if tag != "tag:yaml.org,2002:bool"
    ] + [("tag:yaml.org,2002:bool", _BOOL)]


class _MarkedLoader(_JsonLoader):
    """Builds MarkedDict/MarkedList and refuses duplicate keys."""


class _PlainLoader(_JsonLoader):
    """Builds plain dicts and lists, refuses duplicate keys and notes whether any node is
    reached twice (a YAML alias): such a tree shares objects between places."""

    aliased = False

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        if node in self.constructed_objects:
            self.aliased = True
        return super().construct_object(node, deep)


def _construct_map(
    loader: _MarkedLoader, node: yaml.MappingNode
) -> Iterator[MarkedDict]:
    # Only ever run on text the plain loader accepted: its keys are scalars and unique.
    data = MarkedDict()
    data.mark = _pos(node)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = str(key_node.value)
        data[key] = loader.construct_object(value_node, deep=False)
        data.marks[key] = _pos(key_node)


def _construct_seq(
    loader: _MarkedLoader, node: yaml.SequenceNode
) -> Iterator[MarkedList]:
    data = MarkedList()
    data.mark = _pos(node)
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=False))
        data.marks.append(_pos(item))


def _construct_plain_map(
    loader: _PlainLoader, node: yaml.MappingNode
) -> Iterator[dict[str, Any]]:
    data: dict[str, Any] = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _error(loader, key_node, "mapping keys must be scalars")
        # Keys are text in JSON: `200:` and `'200':` both mean the status code "200".
        key = str(key_node.value)
        if key in data:
            first = next(k for k, _ in node.value if str(k.value) == key)
            raise _error(
                loader,
                key_node,
                f"duplicate key {key!r} (first defined at line {_pos(first)[0]})",
            )
        data[key] = loader.construct_object(value_node, deep=False)


def _construct_plain_seq(
    loader: _PlainLoader, node: yaml.SequenceNode
) -> Iterator[list[Any]]:
    data: list[Any] = []
    yield data
    data.extend(loader.construct_object(item, deep=False) for item in node.value)


def _error(loader: _JsonLoader, node: yaml.Node, message: str) -> SpecError:
    line, col = _pos(node)
    return SpecError(Location(loader.display, line, col), message)


_MarkedLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_MarkedLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_PlainLoader.add_constructor("tag:yaml.org,2002:map", _construct_plain_map)
_PlainLoader.add_constructor("tag:yaml.org,2002:seq", _construct_plain_seq)


def display_path(path: Path) -> str:
    """Return the path as shown in messages and headers: relative to the cwd when inside it."""
    try:
        return os.path.relpath(path, Path.cwd()).replace(os.sep, "/")
    except ValueError:  # pragma: no cover - different drive on Windows
        return str(path)


def _parse(loader: _JsonLoader, display: str) -> Any:
    """Run a loader over its text, turning YAML errors into SpecError at their place."""
    loader.display = display
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise SpecError(
            Location(display, line, col), f"YAML syntax error: {problem}"
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError(Location(display, 1, 1), f"YAML error: {exc}") from None
    finally:
        loader.dispose()


def parse_data(text: bytes, display: str) -> tuple[Any, bool]:
    """Parse YAML bytes into plain data: (the data, whether a YAML alias shares a node)."""
    loader = _PlainLoader(text)
    return _parse(loader, display), loader.aliased


def parse_plain(text: bytes, display: str) -> tuple[dict[str, Any], bool]:
    """Parse spec bytes into plain data: (root mapping, whether a YAML alias shares a node)."""
    root, aliased = parse_data(text, display)
    if not isinstance(root, dict):
        raise SpecError(Location(display, 1, 1), "the document must be a mapping")
    return root, aliased


def load_text(text: bytes, display: str, path: Path | None = None) -> Document:
    """Parse spec bytes into a Document, raising SpecError with a position on bad input."""
    root, _ = parse_plain(text, display)
    digest = hashlib.sha256(text).hexdigest()
    return Document(path or Path(display), display, root, digest, text)


def read_spec(path: Path, display: str) -> bytes:
    """Return a spec file's bytes, or raise SpecError naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SpecError(
            Location(display, 1, 1), f"cannot read spec: {exc.strerror}"
        ) from None


def load_file(path: Path) -> Document:
    """Read and parse one spec file."""
    display = display_path(path)
    return load_text(read_spec(path, display), display, path.resolve())


def split_pointer(pointer: str) -> list[str]:
    """Split a JSON pointer (without the leading '#') into unescaped tokens."""
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"not a JSON pointer: {pointer!r}")
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def join_pointer(tokens: list[str] | tuple[str, ...]) -> str:
    """Build a JSON pointer from raw tokens."""
    return "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens)
