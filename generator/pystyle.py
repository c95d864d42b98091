"""Black's layout for the shapes of line generated code is made of, without running black.

Black formats about 2k lines a second; the full Telnyx API is 600k lines of generated
code. The built-in templates and the validator writer therefore emit what black would:
normalized literals (``string``), blank lines and spacing as black writes them, bracketed
constructs either on one line or exploded one item per line with a magic trailing comma.
What they cannot know in advance is whether a line fits in 88 columns; ``layout`` gives a
line that does not the lines black would give it, for the shapes it knows: a statement or
bracket item ending in one bracketed group whose items are plain (names, literals, calls,
collections, ``key: value``/``name=value`` pairs, list and dict comprehensions); a
statement value in black's optional parentheses (``x = f(...)``, ``return f(...)``, a
subscript target); ``if``/``elif``/``while`` over ``and``/``or``; a declaration
``name: annotation = value``; a parameter ``name: hint = default,`` and a return
annotation ``) -> hint:`` of an exploded signature; a ``class`` line. For anything else
it answers None and the format stage hands the enclosing segment to black itself.
``tests/unit/test_pystyle.py`` (hand-picked lines and random shapes),
``tests/unit/test_format.py`` and ``tests/scale/test_full_format.py`` hold it to black's
output.
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
# Words after which a bracket opens a display (an atom), not a call or a subscript.
_ATOM_AFTER = re.compile(r"(?:^|[^\w.])(?:return|in|not|else|and|or)$")
# What ranks above ``and``/``or`` among black's delimiters, or changes how it splits.
_ABOVE_LOGIC = re.compile(
    r"(?:^|[^\w.])(?:if|else|for|lambda|async|await|yield)(?![\w])|:=|,"
)
_LOGIC = re.compile(r" (and|or) ")
_CLASS_HEAD = re.compile(r"class \w+\(")
# A declaration ``name: annotation`` (a dataclass field), maybe with a value.
_ANNOTATED = re.compile(r"[A-Za-z_]\w*: ")
# A (dotted) name subscripted by one string or name: ``out["key"]``.
_SUBSCRIPT = re.compile(
    r"""[A-Za-z_][\w.]*\[(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z_][\w.]*)\]"""
)


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
        if stripped.startswith("class "):
            return _lay_class(stripped, indent)
        if _ANNOTATED.match(stripped) and _simple_declaration(stripped):
            return _lay_annotated(stripped, indent)
        if _ANNOTATED.match(stripped) and stripped.endswith(","):
            return _lay_parameter(stripped, indent)
        if stripped.startswith(") -> ") and stripped.endswith(":"):
            return _lay_hint(") -> ", stripped[5:-1], ":", indent)
        if stripped.startswith(("if ", "elif ", "while ")) and stripped.endswith(":"):
            return _lay_condition(stripped, indent)
        inside = stripped.endswith(",")
        return _lay(stripped, indent, inside=inside, statement=not inside)
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


def _lay(text: str, indent: int, inside: bool, statement: bool = False) -> list[str]:
    """Lay out one logical line: a ``statement``, an item of an exploded group (``inside``:
    it ends with its comma) or the lone content of a split bracket."""
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
        return _unsplittable(text, indent, statement)
    group = groups[-1]
    tail = text[group.end + 1 :]
    if statement and tail.startswith(" = ") and len(groups) == 1:
        return _lay_subscript_target(text, group, indent)
    if tail not in ("", ","):
        raise _Unsupported("text after the last bracket")
    if inside != (tail == ","):
        raise _Unsupported("trailing comma mismatch")
    if not group.items:
        raise _Unsupported("empty last bracket")
    head = text[: group.start + 1]
    _check_head(text, group, inside)
    split = [pad + head, *_body(text, group, indent + _INDENT), pad + text[group.end :]]
    if fits(head, indent):
        return split
    return _long_head(text, group, indent, statement, split)


def _long_head(
    text: str, group: _Group, indent: int, statement: bool, split: list[str]
) -> list[str]:
    """Return black's lines when the text up to the last bracket does not fit.

    Inside brackets black keeps the split, head too long and all. A statement's value
    has optional parentheses: black splits at them instead when that makes every line
    fit, or when the target has brackets (its rule for subscript targets).
    """
    callee = text[: group.start]
    if not statement or _DOTTED.fullmatch(callee):
        # One (dotted) name before the bracket, and no optional parentheses (inside
        # brackets, or a bare call): no other bracket black could split at.
        if _DOTTED.fullmatch(callee):
            return split
        raise _Unsupported("head too long")
    if callee.startswith("return "):
        target, callee = "return", callee[len("return ") :]
    elif " = " in callee:
        target, callee = callee.rsplit(" = ", 1)
        if not _DOTTED.fullmatch(target) and not _SUBSCRIPT.fullmatch(target):
            raise _Unsupported("assignment target")
    else:
        raise _Unsupported("head too long")
    if not _DOTTED.fullmatch(callee):
        raise _Unsupported("value with more than one bracket")
    pad = " " * indent
    value = text[group.start - len(callee) :]
    opening = f"{target} = (" if target != "return" else "return ("
    wrapped = [pad + opening, *_lay(value, indent + _INDENT, inside=False), pad + ")"]
    if target != "return" and not _DOTTED.fullmatch(target):
        # The left side has brackets: black keeps the parentheses if that side fits.
        if not fits(opening, indent):
            raise _Unsupported("subscript target too long")
        return wrapped
    return wrapped if all(fits(line) for line in wrapped) else split


def _lay_subscript_target(text: str, group: _Group, indent: int) -> list[str]:
    """Lay out ``target[key] = value`` with a value without brackets: black puts the value
    in parentheses when the left side fits, whether or not the value then fits."""
    target, value = text[: group.end + 1], text[group.end + 4 :]
    if not _SUBSCRIPT.fullmatch(target) or not _simple_value(value):
        raise _Unsupported("subscript assignment shape")
    opening = f"{target} = ("
    if not fits(opening, indent):
        raise _Unsupported("subscript target too long")
    pad = " " * indent
    return [pad + opening, " " * (indent + _INDENT) + value, pad + ")"]


def _simple_value(text: str) -> bool:
    """Return whether a value is one name, one dotted name or one string literal."""
    match = _TOKEN.fullmatch(text)
    return bool(_DOTTED.fullmatch(text)) or bool(match and match.lastgroup == "str")


def _mask(text: str) -> str:
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


def _lay_condition(text: str, indent: int) -> list[str]:
    """Lay out ``if``/``elif``/``while`` over ``and``/``or``: black puts the condition in
    parentheses, one operand a line, each line after the first led by its operator."""
    keyword, _, rest = text.partition(" ")
    condition = rest[:-1]
    _parse(condition)  # refuses comments and unbalanced text
    top = _mask(condition)
    if _ABOVE_LOGIC.search(top):
        raise _Unsupported("a delimiter that ranks above and/or")
    cuts = list(_LOGIC.finditer(top))
    if not cuts:
        return _lay_negation(keyword, condition, indent)
    if len(cuts) == 1 and (condition[0] in "([{" or condition[-1] in ")]}"):
        raise _Unsupported(
            "one operator next to a bracket: black may drop the parentheses"
        )
    pad = " " * indent
    inner = " " * (indent + _INDENT)
    if fits(condition, indent + _INDENT):  # after a keyword longer than "if"
        return [f"{pad}{keyword} (", inner + condition, pad + "):"]
    body = _lay_logic(condition, indent + _INDENT)
    return [f"{pad}{keyword} (", *body, pad + "):"]


def _lay_negation(keyword: str, condition: str, indent: int) -> list[str]:
    """Lay out ``if not (a or b):``: black splits at the bracket, as for a call."""
    if (
        not condition.startswith("not (")
        or _mask(condition) != "not (" + "_" * (len(condition) - 6) + ")"
    ):
        raise _Unsupported("condition shape")
    head = f"{keyword} not ("
    if not fits(head, indent):
        raise _Unsupported("head too long")
    pad = " " * indent
    body = _lay_logic(condition[5:-1], indent + _INDENT)
    return [pad + head, *body, pad + "):"]


def _lay_logic(text: str, indent: int) -> list[str]:
    """Lay out the content of a bracket: one line, or one operand of its top-level
    ``and``/``or`` a line, each after the first led by its operator."""
    pad = " " * indent
    if fits(text, indent):
        return [pad + text]
    top = _mask(text)
    cuts = list(_LOGIC.finditer(top))
    if not cuts or _ABOVE_LOGIC.search(top):
        raise _Unsupported("bracket content shape")
    lines: list[str] = []
    start, lead = 0, ""
    for cut in cuts:
        lines.append(pad + lead + text[start : cut.start()])
        start, lead = cut.end(), cut.group(1) + " "
    lines.append(pad + lead + text[start:])
    if not all(fits(line) for line in lines):
        raise _Unsupported("an operand too long: black would split it further")
    return lines


def _lay_class(text: str, indent: int) -> list[str]:
    """Lay out a too-long ``class Name(bases):`` as black does: bases split like a call's
    arguments, the head as long as the name makes it."""
    if re.fullmatch(r"class \w+:", text):
        return [" " * indent + text]  # nothing to split
    groups, _ = _parse(text[:-1])
    if not _CLASS_HEAD.match(text) or not text.endswith("):") or len(groups) != 1:
        raise _Unsupported("class shape")
    group = groups[0]
    if not group.items or group.start != text.index("("):
        raise _Unsupported("class shape")
    pad = " " * indent
    return [
        pad + text[: group.start + 1],
        *_body(text, group, indent + _INDENT),
        pad + "):",
    ]


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
    if value is None or not _simple_value(value):
        return [pad + text]
    if "." in value and _DOTTED.fullmatch(value) or fits(value, indent + _INDENT):
        return [pad + head, " " * (indent + _INDENT) + value, pad + ")"]
    return [pad + text]


def _body(text: str, group: _Group, indent: int) -> list[str]:
    """Return the lines of a split group's contents."""
    items = [text[a:b] for a, b in group.items]
    opening = text[group.start]
    before = text[: group.start].rstrip()
    atom = not before or not (before[-1].isalnum() or before[-1] in "_)]}")
    if _ATOM_AFTER.search(before):
        atom = True
    content = text[group.start + 1 : group.end]
    if " for " in content and " for " in _mask(content):
        # Only list, set and dict comprehensions (a generator argument splits otherwise).
        if opening == "(" or not atom:
            raise _Unsupported("generator expression")
        return _lay_comprehension(content, opening == "{", indent)
    if opening == "[" and not atom and (len(items) > 1 or group.trailing_comma):
        raise _Unsupported("subscript split")
    one_tuple = group.trailing_comma and len(items) == 1
    flat = ", ".join(items) + ("," if one_tuple else "")
    if len(items) == 1:
        return _lay(flat, indent, inside=one_tuple)
    if not atom and not group.trailing_comma and fits(flat, indent):
        return [" " * indent + flat]
    lines: list[str] = []
    for item in items:
        lines += _lay(item + ",", indent, inside=True)
    return lines


def _lay_comprehension(content: str, braces: bool, indent: int) -> list[str]:
    """Lay out a split bracket's comprehension: on one line if it fits, else the element
    then each ``for``/``if`` clause on a line of its own."""
    pad = " " * indent
    if fits(content, indent):
        return [pad + content]
    top = _mask(content)
    if " async for " in top or " await " in top:
        raise _Unsupported("async comprehension")
    cuts = [m.start() for m in re.finditer(r" (?=(?:for|if) )", top)]
    first = next(i for i in cuts if top.startswith(" for ", i))
    bounds = [i for i in cuts if i >= first] + [len(content)]
    clauses = [content[a + 1 : b] for a, b in zip(bounds, bounds[1:])]
    if not all(fits(clause, indent) for clause in clauses):
        raise _Unsupported("comprehension clause too long")
    return _lay_element(content[:first], braces, indent) + [pad + c for c in clauses]


def _lay_element(element: str, braces: bool, indent: int) -> list[str]:
    """Lay out a comprehension's element (``key: value`` in braces). Black puts a
    conditional expression in parentheses and splits it before ``if`` and ``else``."""
    pad = " " * indent
    if fits(element, indent):
        return [pad + element]
    top = _mask(element)
    key = ""
    if braces:
        colon = top.find(": ")
        if colon < 0:
            raise _Unsupported("dict comprehension shape")
        key, element, top = element[: colon + 2], element[colon + 2 :], top[colon + 2 :]
    ternary = re.fullmatch(r"(.+?) if (.+?) else (.+)", top)
    if ternary is None:
        return (
            _led(element, key, indent) if key else _lay(element, indent, inside=False)
        )
    inner = indent + _INDENT
    if fits(element, inner):
        body = [" " * inner + element]
    else:
        chosen, test, other = (element[slice(*ternary.span(i))] for i in (1, 2, 3))
        condition = " " * inner + "if " + test
        if not fits(condition) or " if " in _mask(other):
            raise _Unsupported("conditional expression shape")
        body = [
            *_lay(chosen, inner, inside=False),
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
    groups, _ = _parse(text)
    if not groups or groups[-1].end != len(text) - 1 or not groups[-1].items:
        raise _Unsupported("operand shape")
    group = groups[-1]
    if not _DOTTED.fullmatch(text[: group.start]):
        raise _Unsupported("operand shape")
    body = _body(text, group, indent + _INDENT)
    return [pad + lead + text[: group.start + 1], *body, pad + text[group.end :]]


def _simple_declaration(text: str) -> bool:
    """Return whether a line is ``name: annotation``, maybe ``= value`` with one leaf
    (not ``key: value,``, an item of an exploded dict)."""
    # Cheap first: a value with brackets (most long declarations) ends with one.
    if text.endswith((",", ")", "}")):
        return False
    top = _mask(text)
    equals = top.find(" = ")
    return equals < 0 or _simple_value(text[equals + 3 :])


def _lay_annotated(text: str, indent: int) -> list[str]:
    """Lay out a declaration ``name: annotation [= value]`` as black does.

    Annotation and value each sit in optional parentheses. Black splits at the value's
    when the line up to it fits; else at the annotation's, unless the annotation has no
    ``|`` at its top level: then at its own last bracket (``name: list[``).
    """
    _parse(text)
    pad = " " * indent
    name, _, rest = text.partition(": ")
    equals = _mask(rest).find(" = ")
    annotation, value = (
        (rest, "") if equals < 0 else (rest[:equals], rest[equals + 3 :])
    )
    top = _mask(annotation)
    if re.search(r"[^\w.\[\], |]", top.replace("_", "")):
        raise _Unsupported("annotation shape")
    if value:
        opening = f"{name}: {annotation} = ("
        if fits(opening, indent):
            return [pad + opening, " " * (indent + _INDENT) + value, pad + ")"]
    after = f" = {value}" if value else ""
    if " | " not in top:
        groups, _ = _parse(annotation)
        if not groups or groups[-1].end != len(annotation) - 1:
            raise _Unsupported("annotation without a bracket to split at")
        group = groups[-1]
        head = f"{name}: {annotation[: group.start + 1]}"
        if not fits(head, indent) or not _DOTTED.fullmatch(annotation[: group.start]):
            raise _Unsupported("annotation head")
        content = annotation[group.start + 1 : group.end]
        body = _type_lines(content, indent + _INDENT)
        return [pad + head, *body, pad + "]" + after]
    body = _type_lines(annotation, indent + _INDENT)
    return [f"{pad}{name}: (", *body, pad + ")" + after]


def _lay_parameter(text: str, indent: int) -> list[str]:
    """Lay out a parameter of an exploded signature, ``name: annotation [= default],``.

    Such a line is read as a parameter, not as the item ``key: value,`` of a dict display
    (split otherwise): generated dict displays have literal keys, not names.
    """
    name, _, rest = text[:-1].partition(": ")
    equals = _mask(rest).find(" = ")
    if equals < 0:
        return _lay_hint(name + ": ", rest, ",", indent)
    default = rest[equals + 3 :]
    if not _simple_value(default):
        raise _Unsupported("parameter default")
    return _lay_hint(name + ": ", rest[:equals], f" = {default},", indent)


def _lay_hint(lead: str, annotation: str, tail: str, indent: int) -> list[str]:
    """Lay out a type hint black puts in optional parentheses, a parameter's (``name: ``
    before it, ``= default,`` after) or a return annotation (``) -> ``, ``:``).

    A union at the top level is split in the parentheses; else black splits at the
    hint's own last bracket (``list[``), and keeps a parameter's lone name as it is.
    """
    _parse(annotation)  # refuses comments and unbalanced text
    top = _mask(annotation)
    if re.search(r"[^\w.\[\], |]", top.replace("_", "")):
        raise _Unsupported("annotation shape")
    pad = " " * indent
    if " | " in top:
        body = _type_lines(annotation, indent + _INDENT)
        lines = [pad + lead + "(", *body, pad + ")" + tail]
    elif _DOTTED.fullmatch(annotation):
        # A return annotation goes in parentheses even when it does not fit in them.
        if lead == ") -> " or fits(annotation, indent + _INDENT):
            raise _Unsupported("a lone name")
        return [pad + lead + annotation + tail]
    else:
        groups, _ = _parse(annotation)
        group = groups[-1] if groups else None
        if (
            group is None
            or group.end != len(annotation) - 1
            or annotation[group.start] != "["
            or not _DOTTED.fullmatch(annotation[: group.start])
        ):
            raise _Unsupported("annotation shape")
        content = annotation[group.start + 1 : group.end]
        body = _type_lines(content, indent + _INDENT)
        lines = [pad + lead + annotation[: group.start + 1], *body, pad + "]" + tail]
    if not fits(lines[0]) or not fits(lines[-1]):
        raise _Unsupported("hint head or tail too long")
    return lines


def _type_lines(text: str, indent: int, lead: str = "", comma: str = "") -> list[str]:
    """Lay out a type expression inside brackets (``lead`` before it, ``comma`` after):
    one line if it fits, else split at its top-level commas (a subscript's arguments, one
    a line, each with its comma), else at ``|`` (one operand a line, each after the first
    led by ``| ``), else at its subscript bracket."""
    pad = " " * indent
    if fits(lead + text + comma, indent):
        return [pad + lead + text + comma]
    top = _mask(text)
    if "," in top:
        if lead or comma:
            raise _Unsupported("a tuple of types")
        lines: list[str] = []
        start = 0
        for cut in [m.start() for m in re.finditer(",", top)] + [len(text)]:
            lines += _type_lines(text[start:cut].strip(), indent, comma=",")
            start = cut + 1
        return lines
    if " | " in top:
        if lead:
            raise _Unsupported("nested union")
        lines = []
        start = 0
        cuts = [m.start() for m in re.finditer(r" \| ", top)] + [len(text)]
        for cut in cuts:
            last = cut == len(text)
            lines += _type_lines(
                text[start:cut], indent, "| " if start else "", comma if last else ""
            )
            start = cut + 3
        return lines
    if _DOTTED.fullmatch(text) or _simple_value(text):
        return [pad + lead + text + comma]  # nothing to split
    groups, _ = _parse(text)
    if len(groups) != 1 or groups[0].end != len(text) - 1:
        raise _Unsupported("type expression")
    group = groups[0]
    if not _DOTTED.fullmatch(text[: group.start]) or text[group.start] != "[":
        raise _Unsupported("type expression")
    body = _type_lines(text[group.start + 1 : group.end], indent + _INDENT)
    return [pad + lead + text[: group.start + 1], *body, pad + "]" + comma]
