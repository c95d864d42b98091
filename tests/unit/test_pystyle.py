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
    bracket pair with a magic trailing comma, one level less indented (``name: hint,``
    is a parameter). ``) -> hint:`` closes an exploded signature.
    """
    stripped = line.lstrip(" ")
    depth = (len(line) - len(stripped)) // 4
    item = stripped.endswith(",")
    returns = stripped.startswith(") -> ")
    blocks = depth - 1 if item else depth
    opener = [" " * (4 * i) + "if x:" for i in range(blocks)]
    closer: list[str] = []
    if returns:
        opener += [" " * (4 * depth) + "def f(", " " * (4 * depth + 4) + "x,"]
        closer.append(" " * (4 * depth + 4) + "pass")
    elif item:
        outer = " " * (4 * blocks)
        if re.match(r"\w+=", stripped):
            pair = ("f(", ")")
        elif re.match(r"\w+: ", stripped):
            pair = ("def f(", "):")
            closer.append(outer + "    pass")
        elif re.match(r"""(?:"[^"]*"|'[^']*'): """, stripped):
            pair = ("{", "}")
        else:
            pair = ("[", "]")
        opener.append(outer + pair[0])
        closer.insert(0, outer + pair[1])
    elif stripped.endswith(":"):  # a block opener: def, class, if, elif, while
        if stripped.startswith("elif "):
            opener += [" " * (4 * depth) + "if x:", " " * (4 * depth + 4) + "pass"]
        closer.append(" " * (4 * depth + 4) + "pass")
    source = "\n".join([*opener, line, *closer]) + "\n"
    out = black.format_str(source, mode=MODE).rstrip("\n").split("\n")
    if any(o.strip() == "def f(" for o in opener) and "" in out:
        out.remove("")  # black's blank line before a nested def
    return out[len(opener) : len(out) - len(closer)]


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "it's",
        'say "hi"',
        "both ' and \"",
        "back\\slash",
        "new\nline",
        "é ☃ 𝄞",
        "\x00\x7f",
        "'\"'\"'",
        "",
    ],
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
    # Conditions over and/or: parenthesized, one operand a line.
    "        if not (isinstance(v17139, (int, float)) and not isinstance(v17139, bool)) or x_is_long:",
    "                if page_number_ is not None and page_size_ is not None and total_pages_ is not None:",
    '        elif self.conversation_relay_settings is not None or "conversation_relay" in nulls:',
    # A value whose head does not fit: in parentheses when every line then fits, else not.
    "                    value.date_ended_at = _decode_list_room_sessions_filter_date_ended_at(date_ended_at_)",
    "                    value.date_created_at = _decode_list_room_sessions_filter_date_created_at(date_created_at_)",
    "            value.field_name = _decode_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx(field_name_)",
    "        return _from_inference_embedding_transfer_tool_params_voicemail_detection_on_voicemail(value)",
    "_from_inference_embedding_transfer_tool_params_voicemail_detected = InferenceEmbeddingTransferToolParamsVoicemailDetected.from_dict",
    # Subscripts: a lone key is split like an argument; a subscript target keeps parentheses.
    '            long_target_name_for_this_thing_that_is_even_longer_ = raw["long_wire_name_for_this_thing"]',
    '        out["conversation_relay_dtmf_detection"] = self.conversation_relay_dtmf_detection',
    '        out["conversation_relay_dtmf_detection"] = _s.dump(self.conversation_relay_dtmf_detection_x)',
    "class DialConferenceParticipantRequestConferenceRecordingStatusCallbackMethod(_s.OpenStrEnum):",
    # Comprehensions: element and clauses apart, a conditional element in parentheses.
    "        return [_from_room_participant(_item) if type(_item) is dict else _decode_room_participant(_item) for _item in value]",
    "        return {_key: _from_answer_request_webhook_retries_policies_value(_item) if type(_item) is dict else _decode_answer_request_webhook_retries_policies_value(_item) for _key, _item in value.items()}",
    # Signatures: parameter and return hints in black's optional parentheses.
    "        page: _m.GetTestRunsForTestPublicAssistantsTestsTestIdRunsGetPage | Mapping[str, Any] | None = None,",
    "        sort_phone_number: _m.ListPhoneNumbersWithMessagingSettingsSortPhoneNumber | None = None,",
    "        body: Mapping[str, _m.UpdateNumberOrderPhoneNumberRequirementGroupRequestXXXXXXXXXX] = None,",
    "        body: _m.UpdateNumberOrderPhoneNumberRequirementGroupRequestXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX,",
    "        body: _m.UpdateNumberOrderPhoneNumberRequirementGroupRequest | Mapping[str, Any],",
    "    ) -> _r.AsyncPager[_m.ScheduledPhoneCallEventResponse | _m.ScheduledSmsEventResponse]:",
    "    ) -> _m.EnablePhoneNumberEmergencyResponse | _m.EnablePhoneNumberEmergency202Response:",
    "        spec: _r.RequestSpec[_m.EnumStringListResponse | _m.EnumObjectListResponse | _m.EnumObjectToStringResponse]",
]


@pytest.mark.parametrize("line", CASES)
def test_layout_matches_black(line: str) -> None:
    laid = pystyle.layout(line)
    assert laid is not None, line
    assert laid == _black_lines(line)


@pytest.mark.parametrize(
    "line",
    [
        "        if first_operand_is_fine and second_operand_is_much_longer_than_the_line_allows_it_to_be_xx is not None:",
        "        if value_a_is_here if some_condition_holds_true else value_b_is_there and another_operand:",
        "x = first_value_in_a_long_sum + second_value_in_a_long_sum + third_value_in_the_sum_and_more",
        "x = obj.method_one(argument_number_one).method_two(argument_number_two, more_arguments_here)",
        "    # a comment that is much too long for the line length, and black never splits one at all",
    ],
)
def test_layout_declines_shapes_it_does_not_reproduce(line: str) -> None:
    assert not pystyle.fits(line)
    assert pystyle.layout(line) is None


def _name(rng: random.Random) -> str:
    return rng.choice(
        ["v", "_K", "payload", "some_longer_name", "x" * rng.randint(1, 40)]
    )


def _expr(rng: random.Random, depth: int) -> str:
    roll = rng.random()
    if depth > 2 or roll < 0.35:
        return rng.choice(
            [
                _name(rng),
                pystyle.string("s" * rng.randint(0, 60)),
                str(rng.randint(-5, 99)),
            ]
        )
    items = [_expr(rng, depth + 1) for _ in range(rng.randint(0, 5))]
    if roll < 0.6:
        kwargs = [
            f"{_name(rng)}={_expr(rng, depth + 1)}" for _ in range(rng.randint(0, 2))
        ]
        return f"{_name(rng)}({', '.join(items + kwargs)})"
    if roll < 0.75:
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if roll < 0.85:
        return "[" + ", ".join(items) + "]"
    pairs = [f"{pystyle.string(_name(rng))}: {item}" for item in items]
    return "{" + ", ".join(pairs) + "}"


def _long_name(rng: random.Random) -> str:
    return rng.choice(
        [
            _name(rng),
            "_decode_" + "n" * rng.randint(20, 90),
            "obj.attr_" + "a" * rng.randint(5, 60),
        ]
    )


def _call(rng: random.Random) -> str:
    return f"{_long_name(rng)}({', '.join(_expr(rng, 2) for _ in range(rng.randint(1, 3)))})"


def _operand(rng: random.Random) -> str:
    return rng.choice(
        [
            f"{_long_name(rng)} is not None",
            f"{pystyle.string(_name(rng))} in nulls",
            f"not {_name(rng)}",
            _call(rng),
            f"{_name(rng)} == {_expr(rng, 2)}",
        ]
    )


def _element(rng: random.Random) -> str:
    item = rng.choice(["_item", "i"])
    roll = rng.random()
    if roll < 0.6:
        return f"{_long_name(rng)}({item}) if type({item}) is dict else {_long_name(rng)}({item})"
    return f"{_long_name(rng)}({item})" if roll < 0.9 else item


def _type(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth > 1 or roll < 0.4:
        return rng.choice(["str", "None", "T" + "y" * rng.randint(5, 80)])
    if roll < 0.6:
        return f"list[{_union(rng, depth + 1)}]"
    if roll < 0.75:
        return f"dict[str, {_union(rng, depth + 1)}]"
    if roll < 0.85:
        return f"Literal[{pystyle.string('s' * rng.randint(1, 60))}]"
    return _union(rng, depth + 1)


def _union(rng: random.Random, depth: int) -> str:
    return " | ".join(_type(rng, depth + 1) for _ in range(rng.randint(1, 4)))


def _statement(rng: random.Random) -> str:
    """A statement of the shapes the models module is made of."""
    kind = rng.choice(
        [
            "condition",
            "assign",
            "return",
            "subscript",
            "comprehension",
            "class",
            "field",
            "call",
        ]
    )
    if kind == "call":
        return _call(rng)
    if kind == "field":
        default = rng.choice(["", " = None", f" = {pystyle.string(_name(rng))}"])
        return f"{_name(rng)}: {_union(rng, 0)}{default}"
    if kind == "condition":
        operands = [_operand(rng) for _ in range(rng.randint(2, 6))]
        text = operands[0]
        for operand in operands[1:]:
            text += rng.choice([" and ", " or "]) + operand
        if rng.random() < 0.25:
            text = f"not ({text})"
        return f"{rng.choice(['if', 'elif', 'while'])} {text}:"
    if kind == "assign":
        target = rng.choice(
            [_long_name(rng), f"out[{pystyle.string(_long_name(rng))}]"]
        )
        value = rng.choice(
            [_call(rng), _long_name(rng), f"raw[{pystyle.string(_long_name(rng))}]"]
        )
        return f"{target} = {value}"
    if kind == "return":
        return f"return {rng.choice([_call(rng), _long_name(rng)])}"
    if kind == "subscript":
        return f"{_long_name(rng)} = raw[{pystyle.string(_long_name(rng))}]"
    if kind == "comprehension":
        if rng.random() < 0.5:
            return f"return [{_element(rng)} for _item in value]"
        return f"return {{_key: {_element(rng)} for _key, _item in value.items()}}"
    bases = ", ".join(_long_name(rng) for _ in range(rng.randint(1, 3)))
    return f"class {'C' * rng.randint(10, 90)}({bases}):"


def _against_black(lines: list[str]) -> tuple[int, int]:
    """Lay out every line too long to fit and compare it with black's layout; return how
    many were compared and how many pystyle declined."""
    compared = declined = 0
    for line in lines:
        if pystyle.fits(line):
            continue
        laid = pystyle.layout(line)
        if laid is None:
            declined += 1
            continue
        assert laid == _black_lines(line), line
        compared += 1
    return compared, declined


def test_layout_matches_black_on_random_statements() -> None:
    """Long names, conditions, subscripts, comprehensions, class lines, annotated fields:
    the statements of the models module, whose layout turns on optional parentheses."""
    rng = random.Random(20261126)
    lines = []
    for _ in range(600):
        statement = _statement(rng)
        # A nested class would get black's blank line before it: classes stay at the top.
        depth = 0 if statement.startswith("class ") else rng.randint(0, 6)
        lines.append(" " * (4 * depth) + statement)
    compared, declined = _against_black(lines)
    # Declined: mostly operands or keys longer than a line (black splits inside them).
    assert compared > 300 and compared > 3 * declined


def _hint(rng: random.Random) -> str:
    """A client method's parameter or return annotation (names as long as models')."""
    model = "_m." + "M" * rng.randint(5, 80)
    roll = rng.random()
    if roll < 0.3:
        return " | ".join(
            rng.choice([model, "Mapping[str, Any]", "str", "None"])
            for _ in range(rng.randint(2, 8))
        )
    if roll < 0.5:
        return f"{model} | Mapping[str, Any]" + rng.choice(["", " | None"])
    if roll < 0.65:
        return f"_r.AsyncPager[{_union(rng, 1)}]"
    if roll < 0.8:
        return f"{model} | None"
    return rng.choice([model, _type(rng)])


def test_layout_matches_black_on_random_signature_lines() -> None:
    """Parameters of an exploded signature and its return annotation: type hints in
    black's optional parentheses."""
    rng = random.Random(20261127)
    lines = []
    for _ in range(500):
        depth = rng.randint(1, 5)
        if rng.random() < 0.3:
            statement = f") -> {_hint(rng)}:"
        else:
            default = rng.choice(["", " = None", " = _r.NOT_GIVEN"])
            statement = f"{_name(rng)}: {_hint(rng)}{default},"
        lines.append(" " * (4 * depth) + statement)
    compared, declined = _against_black(lines)
    assert compared > 200 and compared > 3 * declined


def test_layout_matches_black_on_random_shapes() -> None:
    rng = random.Random(20261125)
    compared = 0
    for _ in range(600):
        indent = " " * (4 * rng.randint(1, 10))
        expr = _expr(rng, 0)
        form = rng.choice(
            ["{e}", "x = {e}", "x: tuple[str, Any] = {e}", "return {e}", "{e},"]
        )
        line = indent + form.format(e=expr)
        laid = pystyle.layout(line)
        if laid is None:
            continue
        assert laid == _black_lines(line), line
        compared += 1
    # Most shapes are reproduced, not declined (else the fast path would rarely apply).
    assert compared > 450
