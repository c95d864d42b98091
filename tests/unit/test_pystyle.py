"""Unit layer: ``generator.pystyle`` writes what black writes, or declines.

Black itself is the oracle: each line is formatted by black inside enough nested blocks to
put it at its indentation, and ``layout`` must give the same lines, or None (then the
format stage hands the segment to black). Random shapes (names, literals, calls, tuples,
dicts and keyword arguments nested a few deep, at indentations from 0 to 40 columns)
cover the combinations no hand-picked case would.
"""

from __future__ import annotations

import random
import re

import black
import pytest

from generator import pystyle

MODE = black.Mode()


def _black_lines(line: str) -> list[str]:
    """Return black's lines for one line at its indentation (nested ``if`` blocks).

    A line ending in a comma is an item of an exploded group: black sees it inside a
    bracket pair with a magic trailing comma, one level less indented.
    """
    stripped = line.lstrip(" ")
    depth = (len(line) - len(stripped)) // 4
    item = stripped.endswith(",")
    blocks = depth - 1 if item else depth
    opener = [" " * (4 * i) + "if x:" for i in range(blocks)]
    closer: list[str] = []
    if item:
        outer = " " * (4 * blocks)
        if re.match(r"\w+=", stripped):
            pair = ("f(", ")")
        elif re.match(r"""(?:"[^"]*"|'[^']*'): """, stripped):
            pair = ("{", "}")
        else:
            pair = ("[", "]")
        opener.append(outer + pair[0])
        closer.append(outer + pair[1])
    elif stripped.startswith("def "):
        closer.append(" " * (4 * depth + 4) + "pass")
    source = "\n".join([*opener, line, *closer]) + "\n"
    out = black.format_str(source, mode=MODE).rstrip("\n").split("\n")
    return out[len(opener) : len(out) - len(closer)]


@pytest.mark.parametrize(
    "value",
    ["plain", "it's", 'say "hi"', "both ' and \"", "back\\slash", "new\nline", "é ☃ 𝄞",
     "\x00\x7f", "'\"'\"'", ""],
)
def test_string_literals_are_blacks(value: str) -> None:
    literal = pystyle.string(value)
    assert eval(literal) == value  # noqa: S307 - a literal we just made
    formatted = black.format_str(f"x = {literal}\n", mode=MODE)
    assert formatted == f"x = {literal}\n"


CASES = [
    '_fail(e, (p, "messaging_settings", "conversation_inactivity_minutes"), v123, _K1234)',
    '                _fail(e, (p, "messaging_settings", "conversation_inactivity_min"), v1, _K1)',
    '_K1: tuple[str, str, Any] = ("/$defs/AVeryLongSchemaName/properties/some_field/type", "type", ("string",))',
    '_E2: frozenset[Any] = frozenset(("US", "Europe", "Canada", "Australia", "Middle East", "Asia"))',
    "def iter_errors_inference_embedding_transfer_tool_params_voicemail_detection(payload: Any) -> Iterator[ValidationError]:",
    "def _v_defs_InferenceEmbeddingTransferToolParamsVoicemailDetectionOnVoi(d: Any, e: _Sink, p: Any) -> None:",
    '    """A docstring far longer than the line length allows, which black leaves exactly as it is."""',
    '            "200": _m.SomeVeryLongResponseModelNameThatGoesOnAndOn.from_dict(value, strict=True),',
    '    x = "a string that is long enough to need parentheses around it, so black adds them"',
    "    return some_function_name(first_argument, second_argument, third_argument_here)",
]


@pytest.mark.parametrize("line", CASES)
def test_layout_matches_black(line: str) -> None:
    laid = pystyle.layout(line)
    assert laid is not None, line
    assert laid == _black_lines(line)


@pytest.mark.parametrize(
    "line",
    [
        "        if not (isinstance(v17139, (int, float)) and not isinstance(v17139, bool)) or x_is_long:",
        "x = first_value_in_a_long_sum + second_value_in_a_long_sum + third_value_in_the_sum_and_more",
        "x = obj.method_one(argument_number_one).method_two(argument_number_two, more_arguments_here)",
        "    # a comment that is much too long for the line length, and black never splits one at all",
    ],
)
def test_layout_declines_shapes_it_does_not_reproduce(line: str) -> None:
    assert not pystyle.fits(line)
    assert pystyle.layout(line) is None


def _name(rng: random.Random) -> str:
    return rng.choice(["v", "_K", "payload", "some_longer_name", "x" * rng.randint(1, 40)])


def _expr(rng: random.Random, depth: int) -> str:
    roll = rng.random()
    if depth > 2 or roll < 0.35:
        return rng.choice(
            [_name(rng), pystyle.string("s" * rng.randint(0, 60)), str(rng.randint(-5, 99))]
        )
    items = [_expr(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    if roll < 0.6:
        kwargs = [f"{_name(rng)}={_expr(rng, depth + 1)}" for _ in range(rng.randint(0, 2))]
        return f"{_name(rng)}({', '.join(items + kwargs)})"
    if roll < 0.75:
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if roll < 0.85:
        return "[" + ", ".join(items) + "]"
    pairs = [f"{pystyle.string(_name(rng))}: {item}" for item in items]
    return "{" + ", ".join(pairs) + "}"


def test_layout_matches_black_on_random_shapes() -> None:
    rng = random.Random(20261125)
    compared = 0
    for _ in range(600):
        indent = " " * (4 * rng.randint(1, 10))
        expr = _expr(rng, 0)
        form = rng.choice(["{e}", "x = {e}", "x: tuple[str, Any] = {e}", "return {e}", "{e},"])
        line = indent + form.format(e=expr)
        laid = pystyle.layout(line)
        if laid is None:
            continue
        assert laid == _black_lines(line), line
        compared += 1
    # Most shapes are reproduced, not declined (else the fast path would rarely apply).
    assert compared > 450
