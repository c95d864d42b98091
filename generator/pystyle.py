"""Black's layout for the shapes of line generated code is made of, without running black.

Black formats about 2k lines a second; the full Telnyx API is 600k lines of generated
code. The built-in templates and the validator writer therefore emit what black would:
normalized literals (``string``), blank lines and spacing as black writes them, bracketed
constructs either on one line or exploded one item per line with a magic trailing comma.
What they cannot know in advance is whether a line fits in 88 columns; ``layout`` gives a
line that does not the lines black would give it, for the shapes it knows (a statement or
bracket item ending in one bracketed group whose items are plain: names, literals, calls,
collections, ``key: value``/``name=value`` pairs). For anything else it answers None and
the format stage hands the enclosing segment to black itself. ``tests/unit/test_pystyle.py``
and ``tests/unit/test_format.py`` hold it to black's output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from black.strings import normalize_string_quotes, str_width

LINE_LENGTH = 88
_INDENT = 4


def string(value: str) -> str:
    """Return the literal black would write for a str (quotes chosen as black chooses)."""
    text = repr(value)
    # Hundreds of thousands of literals on a large API: only a value holding both quote
    # characters (repr escapes one of them) needs black's escape counting.
    if text[0] == '"' or "'" not in value:
        return text if text[0] == '"' or '"' in value else f'"{text[1:-1]}"'
    return normalize_string_quotes(text)


def fits(text: str, indent: int = 0) -> bool:
    """Return whether a line of text at an indentation fits black's line length."""
    if text.isascii():
        return indent + len(text) <= LINE_LENGTH
    return indent + str_width(text) <= LINE_LENGTH


class _Unsupported(Exception):
    """A line whose black layout this module does not reproduce."""


@dataclass
class _Group:
    """A bracketed group of a line: where it opens and closes, and its items."""

    start: int  # index of the opening bracket
    end: int  # index of the closing bracket
    items: list[tuple[int, int]]  # (start, end) of each comma-separated item, stripped
    trailing_comma: bool


# A string literal (any prefix, no triple quotes), a run of other text, or one structural
# character. Triple-quoted strings are refused before this runs.
_TOKEN = re.compile(
    r"""(?P<str>[rRbBuUfF]{0,2}(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"))"""
    r"""|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<comma>,)|(?P<other>[^'"()\[\]{},]+)"""
)
# Operators and keywords that are black delimiters (a split may happen before or after
# them): a line holding one outside every bracket is not one of the shapes handled here.
# A lone leading minus (a negative number) is a unary operator, not a delimiter.
_DELIMITER = re.compile(
    r"(?:^|[^\w.])(?:and|or|not|in|is|if|else|for|lambda|async|await)(?![\w])"
    r"|[+*/%|&^@<>~!]|==|(?<=\w)\s*-|(?<=[)\]}])\s*-|\s-\s|\.\s*$|^\s*\."
)
# The first line of an exploded signature: black has nothing to split in it.
_DEF_HEAD = re.compile(r"(?:async )?def \w+\(")
_DOTTED = re.compile(r"[A-Za-z_][\w.]*")


def _parse(text: str) -> tuple[list[_Group], list[tuple[int, int]]]:
    """Return a line's top-level groups and the spans of its text outside any bracket."""
    if '"""' in text or "'''" in text or ("#" in text and _has_comment(text)):
        raise _Unsupported("comment or triple-quoted string")
    # (open index, items, item start) of each bracket still open
    stack: list[tuple[int, list[tuple[int, int]], int]] = []
    groups: list[_Group] = []
    outside: list[tuple[int, int]] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() != pos:
            raise _Unsupported("unterminated string")
        pos = match.end()
        kind = match.lastgroup
        if kind == "open":
            stack.append((match.start(), [], match.end()))
        elif kind == "close":
            if not stack:
                raise _Unsupported("unbalanced brackets")
            start, items, item_start = stack.pop()
            if _pair(text[start]) != text[match.start()]:
                raise _Unsupported("mismatched brackets")
            last = _strip(text, item_start, match.start())
            trailing = bool(items) and last[0] == last[1]
            if last[0] != last[1]:
                items.append(last)
            if not stack:
                groups.append(_Group(start, match.start(), items, trailing))
        elif kind == "comma" and stack:
            start, items, item_start = stack[-1]
            items.append(_strip(text, item_start, match.start()))
            stack[-1] = (start, items, match.end())
        elif kind == "other" and not stack:
            outside.append((match.start(), match.end()))
    if pos != len(text) or stack:
        raise _Unsupported("unbalanced brackets or stray characters")
    return groups, outside


def _has_comment(text: str) -> bool:
    """Return whether a # outside string literals starts a comment."""
    return any(
        m.lastgroup == "other" and "#" in m.group() for m in _TOKEN.finditer(text)
    )


def _pair(opening: str) -> str:
    return {"(": ")", "[": "]", "{": "}"}[opening]


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    return start, end


def layout(line: str) -> list[str] | None:
    """Return black's lines for one physical line that is a whole statement or bracket item.

    A line that fits comes back unchanged. None means the line is not of a shape this
    module reproduces (black must format it).
    """
    stripped = line.lstrip(" ")
    indent = len(line) - len(stripped)
    if (
        fits(stripped, indent)
        or _lone_docstring(stripped)
        or _DEF_HEAD.fullmatch(stripped)
    ):
        return [line]
    try:
        if stripped.startswith(("def ", "async def ")):
            return _lay_def(stripped, indent)
        if stripped.startswith("from ") and " import " in stripped:
            return _lay_import(stripped, indent)
        return _lay(stripped, indent, inside=stripped.endswith(","))
    except _Unsupported:
        return None


def _lone_docstring(text: str) -> bool:
    """Return whether a line is one triple-quoted string and nothing else (kept as is)."""
    return (
        len(text) >= 6
        and text.startswith('"""')
        and text.endswith('"""')
        and '"""' not in text[3:-3]
        and not text.endswith('\\"""')
    )


def _lay_import(text: str, indent: int) -> list[str]:
    """Lay out a too-long ``from m import a, b`` as black does: parenthesized, exploded."""
    head, _, names = text.partition(" import ")
    if not re.fullmatch(r"from [\w.]+", head) or not re.fullmatch(r"[\w, ]+", names):
        raise _Unsupported("import shape")
    pad = " " * indent
    inner = " " * (indent + _INDENT)
    items = [name.strip() for name in names.split(",")]
    return [f"{pad}{head} import (", *[f"{inner}{n}," for n in items], f"{pad})"]


def _lay_def(text: str, indent: int) -> list[str]:
    """Lay out a too-long ``def`` line the way black's left-hand split does."""
    groups, outside = _parse(text)
    params = groups[0]
    if text[params.start] != "(" or not params.items:
        raise _Unsupported("def without parameters")
    head = text[: params.start + 1]
    tail = text[params.end :]
    pad = " " * indent
    inner = indent + _INDENT
    # A head too long stays too long (black's left-hand split has no other choice).
    if not fits(tail, indent):
        raise _Unsupported("def tail too long")
    items = [text[a:b] for a, b in params.items]
    if len(items) == 1:
        body = _lay(items[0] + ",", inner, inside=True)
    elif fits(", ".join(items), inner) and not params.trailing_comma:
        body = [" " * inner + ", ".join(items)]
    else:
        body = [line for item in items for line in _lay(item + ",", inner, inside=True)]
    return [pad + head, *body, pad + tail]


def _lay(text: str, indent: int, inside: bool) -> list[str]:
    """Lay out one logical line (a statement, or an item of an exploded group)."""
    pad = " " * indent
    if fits(text, indent):
        return [pad + text]
    groups, outside = _parse(text)
    core_end = len(text) - 1 if inside else len(text)
    for start, end in outside:
        chunk = text[start : min(end, core_end)]
        if _DELIMITER.search(chunk):
            raise _Unsupported("operator outside brackets")
    if not groups:
        return _unsplittable(text, indent, inside)
    group = groups[-1]
    tail = text[group.end + 1 :]
    if tail not in ("", ","):
        raise _Unsupported("text after the last bracket")
    if inside != (tail == ","):
        raise _Unsupported("trailing comma mismatch")
    if not group.items:
        raise _Unsupported("empty last bracket")
    head = text[: group.start + 1]
    if not fits(head, indent):
        raise _Unsupported("head too long")
    _check_head(text, group, inside)
    return [pad + head, *_body(text, group, indent + _INDENT), pad + text[group.end :]]


def _check_head(text: str, group: _Group, inside: bool) -> None:
    """Refuse heads whose black split depends on rules not reproduced here."""
    before = text[: group.start].rstrip()
    if inside:
        return
    keyword = before.split(" ", 1)[0]
    if keyword in {
        "if",
        "elif",
        "while",
        "for",
        "with",
        "assert",
        "del",
        "raise",
        "import",
        "from",
        "class",
        "def",
        "async",
        "yield",
        "await",
    }:
        raise _Unsupported(f"{keyword} statement")
    if before.startswith("@"):
        raise _Unsupported("decorator")


def _unsplittable(text: str, indent: int, inside: bool) -> list[str]:
    """Return black's lines for a line without brackets: kept, or its value parenthesized."""
    pad = " " * indent
    if inside:
        return [pad + text]
    value = None
    if text.startswith("return "):
        head, value = "return (", text[len("return ") :]
    elif " = " in text:
        target, value = text.split(" = ", 1)
        head = target + " = ("
    if value is None or not _DOTTED.fullmatch(value) and not value[:1] in "'\"":
        return [pad + text]
    if fits(value, indent + _INDENT) and fits(head, indent):
        return [pad + head, " " * (indent + _INDENT) + value, pad + ")"]
    return [pad + text]


def _body(text: str, group: _Group, indent: int) -> list[str]:
    """Return the lines of a split group's contents."""
    items = [text[a:b] for a, b in group.items]
    opening = text[group.start]
    before = text[: group.start].rstrip()
    atom = not before or not (before[-1].isalnum() or before[-1] in "_)]}")
    if before.endswith((" in", " not", " return", " else", " and", " or")):
        atom = True
    if opening == "[" and not atom:
        raise _Unsupported("subscript split")
    one_tuple = group.trailing_comma and len(items) == 1
    flat = ", ".join(items) + ("," if one_tuple else "")
    if len(items) == 1:
        return _lay(flat, indent, inside=one_tuple)
    if not atom and fits(flat, indent):
        return [" " * indent + flat]
    lines: list[str] = []
    for item in items:
        lines += _lay(item + ",", indent, inside=True)
    return lines
