"""Black's split of one line at its brackets: the line reader and the rule ``pystyle``
builds its layouts on.

``parse`` reads a line of generated Python (no comment, no triple-quoted string) into its
top-level bracketed groups, each with its comma-separated items; ``mask`` blanks what is
quoted or nested so that a search sees the top level only. ``lay`` splits a line as
black's right-hand split does: at its last bracket, the content on one line or one item a
line with a magic trailing comma, each item split the same way in turn; a statement's
value in black's optional parentheses (``x = f(...)``, ``return f(...)``, a subscript
target); list, set and dict comprehensions one clause a line. A line it does not
reproduce raises ``Unsupported``. The rest of the generator calls ``generator.pystyle``,
which picks the rule for each kind of line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LINE_LENGTH = 88
INDENT = 4


def fits(text: str, indent: int = 0) -> bool:
    """Return whether a line of text at an indentation fits black's line length."""
    if text.isascii():
        return indent + len(text) <= LINE_LENGTH
    # East Asian wide characters count twice: black's own measure, imported only here.
    from black.strings import str_width

    return indent + str_width(text) <= LINE_LENGTH


class Unsupported(Exception):
    """A line whose black layout is not reproduced (here or in ``pystyle``)."""


@dataclass
class Group:
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
DOTTED = re.compile(r"[A-Za-z_][\w.]*")
# Words after which a bracket opens a display (an atom), not a call or a subscript.
_ATOM_AFTER = re.compile(r"(?:^|[^\w.])(?:return|in|not|else|and|or)$")
# A (dotted) name subscripted by one string or name: ``out["key"]``.
_SUBSCRIPT = re.compile(
    r"""[A-Za-z_][\w.]*\[(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z_][\w.]*)\]"""
)


def parse(text: str) -> tuple[list[Group], list[tuple[int, int]]]:
    """Return a line's top-level groups and the spans of its text outside any bracket."""
    if '"""' in text or "'''" in text or ("#" in text and _has_comment(text)):
        raise Unsupported("comment or triple-quoted string")
    # (open index, items, item start) of each bracket still open
    stack: list[tuple[int, list[tuple[int, int]], int]] = []
    groups: list[Group] = []
    outside: list[tuple[int, int]] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() != pos:
            raise Unsupported("unterminated string")
        pos = match.end()
        kind = match.lastgroup
        if kind == "open":
            stack.append((match.start(), [], match.end()))
        elif kind == "close":
            if not stack:
                raise Unsupported("unbalanced brackets")
            start, items, item_start = stack.pop()
            if _pair(text[start]) != text[match.start()]:
                raise Unsupported("mismatched brackets")
            last = _strip(text, item_start, match.start())
            trailing = bool(items) and last[0] == last[1]
            if last[0] != last[1]:
                items.append(last)
            if not stack:
                groups.append(Group(start, match.start(), items, trailing))
        elif kind == "comma" and stack:
            start, items, item_start = stack[-1]
            items.append(_strip(text, item_start, match.start()))
            stack[-1] = (start, items, match.end())
        elif kind == "other" and not stack:
            outside.append((match.start(), match.end()))
    if pos != len(text) or stack:
        raise Unsupported("unbalanced brackets or stray characters")
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


def mask(text: str) -> str:
    """Return the text with what lies in strings or inside brackets blanked out, keeping
    the outermost brackets: searching it finds what is at the top level only."""
    out: list[str] = []
    depth = 0
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "close":
            depth -= 1
        keep = depth == 0 and kind != "str"
        out.append(token if keep else "_" * len(token))
        if kind == "open":
            depth += 1
    return "".join(out)


def simple_value(text: str) -> bool:
    """Return whether a value is one name, one dotted name or one string literal."""
    match = _TOKEN.fullmatch(text)
    return bool(DOTTED.fullmatch(text)) or bool(match and match.lastgroup == "str")


def lay(text: str, indent: int, inside: bool, statement: bool = False) -> list[str]:
    """Lay out one logical line: a ``statement``, an item of an exploded group (``inside``:
    it ends with its comma) or the lone content of a split bracket."""
    pad = " " * indent
    if fits(text, indent):
        return [pad + text]
    groups, outside = parse(text)
    core_end = len(text) - 1 if inside else len(text)
    for start, end in outside:
        chunk = text[start : min(end, core_end)]
        if _DELIMITER.search(chunk):
            raise Unsupported("operator outside brackets")
    if not groups:
        return _unsplittable(text, indent, statement)
    group = groups[-1]
    tail = text[group.end + 1 :]
    if statement and tail.startswith(" = ") and len(groups) == 1:
        return _lay_subscript_target(text, group, indent)
    if tail not in ("", ","):
        raise Unsupported("text after the last bracket")
    if inside != (tail == ","):
        raise Unsupported("trailing comma mismatch")
    if not group.items:
        raise Unsupported("empty last bracket")
    head = text[: group.start + 1]
    _check_head(text, group, inside)
    split = [
        pad + head,
        *group_lines(text, group, indent + INDENT),
        pad + text[group.end :],
    ]
    if fits(head, indent):
        return split
    return _long_head(text, group, indent, statement, split)


def _long_head(
    text: str, group: Group, indent: int, statement: bool, split: list[str]
) -> list[str]:
    """Return black's lines when the text up to the last bracket does not fit.

    Inside brackets black keeps the split, head too long and all. A statement's value
    has optional parentheses: black splits at them instead when that makes every line
    fit, or when the target has brackets (its rule for subscript targets).
    """
    callee = text[: group.start]
    if not statement or DOTTED.fullmatch(callee):
        # One (dotted) name before the bracket, and no optional parentheses (inside
        # brackets, or a bare call): no other bracket black could split at.
        if DOTTED.fullmatch(callee):
            return split
        raise Unsupported("head too long")
    if callee.startswith("return "):
        target, callee = "return", callee[len("return ") :]
    elif " = " in callee:
        target, callee = callee.rsplit(" = ", 1)
        if not DOTTED.fullmatch(target) and not _SUBSCRIPT.fullmatch(target):
            raise Unsupported("assignment target")
    else:
        raise Unsupported("head too long")
    if not DOTTED.fullmatch(callee):
        raise Unsupported("value with more than one bracket")
    pad = " " * indent
    value = text[group.start - len(callee) :]
    opening = f"{target} = (" if target != "return" else "return ("
    wrapped = [pad + opening, *lay(value, indent + INDENT, inside=False), pad + ")"]
    if target != "return" and not DOTTED.fullmatch(target):
        # The left side has brackets: black keeps the parentheses if that side fits.
        if not fits(opening, indent):
            raise Unsupported("subscript target too long")
        return wrapped
    return wrapped if all(fits(line) for line in wrapped) else split


def _lay_subscript_target(text: str, group: Group, indent: int) -> list[str]:
    """Lay out ``target[key] = value`` with a value without brackets: black puts the value
    in parentheses when the left side fits, whether or not the value then fits."""
    target, value = text[: group.end + 1], text[group.end + 4 :]
    if not _SUBSCRIPT.fullmatch(target) or not simple_value(value):
        raise Unsupported("subscript assignment shape")
    opening = f"{target} = ("
    if not fits(opening, indent):
        raise Unsupported("subscript target too long")
    pad = " " * indent
    return [pad + opening, " " * (indent + INDENT) + value, pad + ")"]


def _check_head(text: str, group: Group, inside: bool) -> None:
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
        raise Unsupported(f"{keyword} statement")
    if before.startswith("@"):
        raise Unsupported("decorator")


def _unsplittable(text: str, indent: int, statement: bool) -> list[str]:
    """Return black's lines for a line without brackets: kept, or its value parenthesized.

    Black wraps a statement's value in its optional parentheses unless the value is one
    leaf (a name, a string) too long to fit even then; the target's length is no matter.
    """
    pad = " " * indent
    if not statement:
        return [pad + text]
    value = None
    if text.startswith("return "):
        head, value = "return (", text[len("return ") :]
    elif " = " in text:
        target, value = text.split(" = ", 1)
        head = target + " = ("
    if value is None or not simple_value(value):
        return [pad + text]
    if "." in value and DOTTED.fullmatch(value) or fits(value, indent + INDENT):
        return [pad + head, " " * (indent + INDENT) + value, pad + ")"]
    return [pad + text]


def group_lines(text: str, group: Group, indent: int) -> list[str]:
    """Return the lines of a split group's contents."""
    items = [text[a:b] for a, b in group.items]
    opening = text[group.start]
    before = text[: group.start].rstrip()
    atom = not before or not (before[-1].isalnum() or before[-1] in "_)]}")
    if _ATOM_AFTER.search(before):
        atom = True
    content = text[group.start + 1 : group.end]
    if " for " in content and " for " in mask(content):
        # Only list, set and dict comprehensions (a generator argument splits otherwise).
        if opening == "(" or not atom:
            raise Unsupported("generator expression")
        return _lay_comprehension(content, opening == "{", indent)
    if opening == "[" and not atom and (len(items) > 1 or group.trailing_comma):
        raise Unsupported("subscript split")
    one_tuple = group.trailing_comma and len(items) == 1
    flat = ", ".join(items) + ("," if one_tuple else "")
    if len(items) == 1:
        return lay(flat, indent, inside=one_tuple)
    if not atom and not group.trailing_comma and fits(flat, indent):
        return [" " * indent + flat]
    lines: list[str] = []
    for item in items:
        lines += lay(item + ",", indent, inside=True)
    return lines


def _lay_comprehension(content: str, braces: bool, indent: int) -> list[str]:
    """Lay out a split bracket's comprehension: on one line if it fits, else the element
    then each ``for``/``if`` clause on a line of its own."""
    pad = " " * indent
    if fits(content, indent):
        return [pad + content]
    top = mask(content)
    if " async for " in top or " await " in top:
        raise Unsupported("async comprehension")
    cuts = [m.start() for m in re.finditer(r" (?=(?:for|if) )", top)]
    first = next(i for i in cuts if top.startswith(" for ", i))
    bounds = [i for i in cuts if i >= first] + [len(content)]
    clauses = [content[a + 1 : b] for a, b in zip(bounds, bounds[1:])]
    if not all(fits(clause, indent) for clause in clauses):
        raise Unsupported("comprehension clause too long")
    return _lay_element(content[:first], braces, indent) + [pad + c for c in clauses]


def _lay_element(element: str, braces: bool, indent: int) -> list[str]:
    """Lay out a comprehension's element (``key: value`` in braces). Black puts a
    conditional expression in parentheses and splits it before ``if`` and ``else``."""
    pad = " " * indent
    if fits(element, indent):
        return [pad + element]
    top = mask(element)
    key = ""
    if braces:
        colon = top.find(": ")
        if colon < 0:
            raise Unsupported("dict comprehension shape")
        key, element, top = element[: colon + 2], element[colon + 2 :], top[colon + 2 :]
    ternary = re.fullmatch(r"(.+?) if (.+?) else (.+)", top)
    if ternary is None:
        return _led(element, key, indent) if key else lay(element, indent, inside=False)
    inner = indent + INDENT
    if fits(element, inner):
        body = [" " * inner + element]
    else:
        chosen, test, other = (element[slice(*ternary.span(i))] for i in (1, 2, 3))
        condition = " " * inner + "if " + test
        if not fits(condition) or " if " in mask(other):
            raise Unsupported("conditional expression shape")
        body = [
            *lay(chosen, inner, inside=False),
            condition,
            *_led(other, "else ", inner),
        ]
    return [pad + key + "(", *body, pad + ")"]


def _led(text: str, lead: str, indent: int) -> list[str]:
    """Lay out an operand led by a keyword (``else value``): a call is split at its
    bracket like any other line, its head as long as it is."""
    pad = " " * indent
    if fits(lead + text, indent):
        return [pad + lead + text]
    groups, _ = parse(text)
    if not groups or groups[-1].end != len(text) - 1 or not groups[-1].items:
        raise Unsupported("operand shape")
    group = groups[-1]
    if not DOTTED.fullmatch(text[: group.start]):
        raise Unsupported("operand shape")
    body = group_lines(text, group, indent + INDENT)
    return [pad + lead + text[: group.start + 1], *body, pad + text[group.end :]]
