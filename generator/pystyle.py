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
This module picks the rule for each kind of line and holds the statement rules; reading
a line and the split at its brackets, which most shapes come down to, are
``generator.pybrackets``.
``tests/unit/test_pystyle.py`` (hand-picked lines and random shapes),
``tests/unit/test_format.py`` and ``tests/scale/test_full_format.py`` hold it to black's
output.
"""

from __future__ import annotations

import re


from generator.pybrackets import (
    DOTTED,
    INDENT,
    LINE_LENGTH,
    Unsupported,
    fits,
    group_lines,
    lay,
    mask,
    parse,
    simple_value,
)

__all__ = ["LINE_LENGTH", "fits", "layout", "string"]


def string(value: str) -> str:
    """Return the literal black would write for a str (quotes chosen as black chooses)."""
    text = repr(value)
    # Hundreds of thousands of literals on a large API: only a value holding both quote
    # characters (repr escapes one of them) needs black's escape counting.
    if text[0] == '"' or "'" not in value:
        return text if text[0] == '"' or '"' in value else f'"{text[1:-1]}"'
    # Rare (both quote kinds in one string): black itself is imported only then.
    from black.strings import normalize_string_quotes

    return normalize_string_quotes(text)


# The first line of an exploded signature: black has nothing to split in it.
_DEF_HEAD = re.compile(r"(?:async )?def \w+\(")
# What ranks above ``and``/``or`` among black's delimiters, or changes how it splits.
_ABOVE_LOGIC = re.compile(
    r"(?:^|[^\w.])(?:if|else|for|lambda|async|await|yield)(?![\w])|:=|,"
)
_LOGIC = re.compile(r" (and|or) ")
_CLASS_HEAD = re.compile(r"class \w+\(")
# A declaration ``name: annotation`` (a dataclass field), maybe with a value.
_ANNOTATED = re.compile(r"[A-Za-z_]\w*: ")


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
        return lay(stripped, indent, inside=inside, statement=not inside)
    except Unsupported:
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
        raise Unsupported("import shape")
    pad = " " * indent
    inner = " " * (indent + INDENT)
    items = [name.strip() for name in names.split(",")]
    return [f"{pad}{head} import (", *[f"{inner}{n}," for n in items], f"{pad})"]


def _lay_def(text: str, indent: int) -> list[str]:
    """Lay out a too-long ``def`` line the way black's left-hand split does."""
    groups, outside = parse(text)
    params = groups[0]
    if text[params.start] != "(" or not params.items:
        raise Unsupported("def without parameters")
    head = text[: params.start + 1]
    tail = text[params.end :]
    pad = " " * indent
    inner = indent + INDENT
    # A head too long stays too long (black's left-hand split has no other choice).
    if not fits(tail, indent):
        raise Unsupported("def tail too long")
    items = [text[a:b] for a, b in params.items]
    if len(items) == 1:
        body = lay(items[0] + ",", inner, inside=True)
    elif fits(", ".join(items), inner) and not params.trailing_comma:
        body = [" " * inner + ", ".join(items)]
    else:
        body = [line for item in items for line in lay(item + ",", inner, inside=True)]
    return [pad + head, *body, pad + tail]


def _lay_class(text: str, indent: int) -> list[str]:
    """Lay out a too-long ``class Name(bases):`` as black does: bases split like a call's
    arguments, the head as long as the name makes it."""
    if re.fullmatch(r"class \w+:", text):
        return [" " * indent + text]  # nothing to split
    groups, _ = parse(text[:-1])
    if not _CLASS_HEAD.match(text) or not text.endswith("):") or len(groups) != 1:
        raise Unsupported("class shape")
    group = groups[0]
    if not group.items or group.start != text.index("("):
        raise Unsupported("class shape")
    pad = " " * indent
    return [
        pad + text[: group.start + 1],
        *group_lines(text, group, indent + INDENT),
        pad + "):",
    ]


def _lay_condition(text: str, indent: int) -> list[str]:
    """Lay out ``if``/``elif``/``while`` over ``and``/``or``: black puts the condition in
    parentheses, one operand a line, each line after the first led by its operator."""
    keyword, _, rest = text.partition(" ")
    condition = rest[:-1]
    parse(condition)  # refuses comments and unbalanced text
    top = mask(condition)
    if _ABOVE_LOGIC.search(top):
        raise Unsupported("a delimiter that ranks above and/or")
    cuts = list(_LOGIC.finditer(top))
    if not cuts:
        return _lay_negation(keyword, condition, indent)
    if len(cuts) == 1 and (condition[0] in "([{" or condition[-1] in ")]}"):
        raise Unsupported(
            "one operator next to a bracket: black may drop the parentheses"
        )
    pad = " " * indent
    inner = " " * (indent + INDENT)
    if fits(condition, indent + INDENT):  # after a keyword longer than "if"
        return [f"{pad}{keyword} (", inner + condition, pad + "):"]
    body = _lay_logic(condition, indent + INDENT)
    return [f"{pad}{keyword} (", *body, pad + "):"]


def _lay_negation(keyword: str, condition: str, indent: int) -> list[str]:
    """Lay out ``if not (a or b):``: black splits at the bracket, as for a call."""
    if (
        not condition.startswith("not (")
        or mask(condition) != "not (" + "_" * (len(condition) - 6) + ")"
    ):
        raise Unsupported("condition shape")
    head = f"{keyword} not ("
    if not fits(head, indent):
        raise Unsupported("head too long")
    pad = " " * indent
    body = _lay_logic(condition[5:-1], indent + INDENT)
    return [pad + head, *body, pad + "):"]


def _lay_logic(text: str, indent: int) -> list[str]:
    """Lay out the content of a bracket: one line, or one operand of its top-level
    ``and``/``or`` a line, each after the first led by its operator."""
    pad = " " * indent
    if fits(text, indent):
        return [pad + text]
    top = mask(text)
    cuts = list(_LOGIC.finditer(top))
    if not cuts or _ABOVE_LOGIC.search(top):
        raise Unsupported("bracket content shape")
    lines: list[str] = []
    start, lead = 0, ""
    for cut in cuts:
        lines.append(pad + lead + text[start : cut.start()])
        start, lead = cut.end(), cut.group(1) + " "
    lines.append(pad + lead + text[start:])
    if not all(fits(line) for line in lines):
        raise Unsupported("an operand too long: black would split it further")
    return lines


def _simple_declaration(text: str) -> bool:
    """Return whether a line is ``name: annotation``, maybe ``= value`` with one leaf
    (not ``key: value,``, an item of an exploded dict)."""
    # Cheap first: a value with brackets (most long declarations) ends with one.
    if text.endswith((",", ")", "}")):
        return False
    top = mask(text)
    equals = top.find(" = ")
    return equals < 0 or simple_value(text[equals + 3 :])


def _lay_annotated(text: str, indent: int) -> list[str]:
    """Lay out a declaration ``name: annotation [= value]`` as black does.

    Annotation and value each sit in optional parentheses. Black splits at the value's
    when the line up to it fits; else at the annotation's, unless the annotation has no
    ``|`` at its top level: then at its own last bracket (``name: list[``).
    """
    parse(text)
    pad = " " * indent
    name, _, rest = text.partition(": ")
    equals = mask(rest).find(" = ")
    annotation, value = (
        (rest, "") if equals < 0 else (rest[:equals], rest[equals + 3 :])
    )
    top = mask(annotation)
    if re.search(r"[^\w.\[\], |]", top.replace("_", "")):
        raise Unsupported("annotation shape")
    if value:
        opening = f"{name}: {annotation} = ("
        if fits(opening, indent):
            return [pad + opening, " " * (indent + INDENT) + value, pad + ")"]
    after = f" = {value}" if value else ""
    if " | " not in top:
        groups, _ = parse(annotation)
        if not groups or groups[-1].end != len(annotation) - 1:
            raise Unsupported("annotation without a bracket to split at")
        group = groups[-1]
        head = f"{name}: {annotation[: group.start + 1]}"
        if not fits(head, indent) or not DOTTED.fullmatch(annotation[: group.start]):
            raise Unsupported("annotation head")
        content = annotation[group.start + 1 : group.end]
        body = _type_lines(content, indent + INDENT)
        return [pad + head, *body, pad + "]" + after]
    body = _type_lines(annotation, indent + INDENT)
    return [f"{pad}{name}: (", *body, pad + ")" + after]


def _lay_parameter(text: str, indent: int) -> list[str]:
    """Lay out a parameter of an exploded signature, ``name: annotation [= default],``.

    Such a line is read as a parameter, not as the item ``key: value,`` of a dict display
    (split otherwise): generated dict displays have literal keys, not names.
    """
    name, _, rest = text[:-1].partition(": ")
    equals = mask(rest).find(" = ")
    if equals < 0:
        return _lay_hint(name + ": ", rest, ",", indent)
    default = rest[equals + 3 :]
    if not simple_value(default):
        raise Unsupported("parameter default")
    return _lay_hint(name + ": ", rest[:equals], f" = {default},", indent)


def _lay_hint(lead: str, annotation: str, tail: str, indent: int) -> list[str]:
    """Lay out a type hint black puts in optional parentheses, a parameter's (``name: ``
    before it, ``= default,`` after) or a return annotation (``) -> ``, ``:``).

    A union at the top level is split in the parentheses; else black splits at the
    hint's own last bracket (``list[``), and keeps a parameter's lone name as it is.
    """
    parse(annotation)  # refuses comments and unbalanced text
    top = mask(annotation)
    if re.search(r"[^\w.\[\], |]", top.replace("_", "")):
        raise Unsupported("annotation shape")
    pad = " " * indent
    if " | " in top:
        body = _type_lines(annotation, indent + INDENT)
        lines = [pad + lead + "(", *body, pad + ")" + tail]
    elif DOTTED.fullmatch(annotation):
        # A return annotation goes in parentheses even when it does not fit in them.
        if lead == ") -> " or fits(annotation, indent + INDENT):
            raise Unsupported("a lone name")
        return [pad + lead + annotation + tail]
    else:
        groups, _ = parse(annotation)
        group = groups[-1] if groups else None
        if (
            group is None
            or group.end != len(annotation) - 1
            or annotation[group.start] != "["
            or not DOTTED.fullmatch(annotation[: group.start])
        ):
            raise Unsupported("annotation shape")
        content = annotation[group.start + 1 : group.end]
        body = _type_lines(content, indent + INDENT)
        lines = [pad + lead + annotation[: group.start + 1], *body, pad + "]" + tail]
    if not fits(lines[0]) or not fits(lines[-1]):
        raise Unsupported("hint head or tail too long")
    return lines


def _type_lines(text: str, indent: int, lead: str = "", comma: str = "") -> list[str]:
    """Lay out a type expression inside brackets (``lead`` before it, ``comma`` after):
    one line if it fits, else split at its top-level commas (a subscript's arguments, one
    a line, each with its comma), else at ``|`` (one operand a line, each after the first
    led by ``| ``), else at its subscript bracket."""
    pad = " " * indent
    if fits(lead + text + comma, indent):
        return [pad + lead + text + comma]
    top = mask(text)
    if "," in top:
        if lead or comma:
            raise Unsupported("a tuple of types")
        lines: list[str] = []
        start = 0
        for cut in [m.start() for m in re.finditer(",", top)] + [len(text)]:
            lines += _type_lines(text[start:cut].strip(), indent, comma=",")
            start = cut + 1
        return lines
    if " | " in top:
        if lead:
            raise Unsupported("nested union")
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
    if DOTTED.fullmatch(text) or simple_value(text):
        return [pad + lead + text + comma]  # nothing to split
    groups, _ = parse(text)
    if len(groups) != 1 or groups[0].end != len(text) - 1:
        raise Unsupported("type expression")
    group = groups[0]
    if not DOTTED.fullmatch(text[: group.start]) or text[group.start] != "[":
        raise Unsupported("type expression")
    body = _type_lines(text[group.start + 1 : group.end], indent + INDENT)
    return [pad + lead + text[: group.start + 1], *body, pad + "]" + comma]
