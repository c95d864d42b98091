"""The validator compiler: hostile schemas stay data, patterns compile once at import,
untranslatable patterns fail at their pointer, deep payloads never crash, and errors come
out where (and in the order) jsonschema reports them."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import black
import jsonschema
import pytest

from generator.validation import (
    Entry,
    SchemaCompileError,
    compile_module,
    load_validators,
)

SENTINEL_CODE = "__import__('pathlib').Path({path!r}).touch()"


def hostile_schema(token: str, sentinel: str) -> dict[str, Any]:
    """Return a schema whose every literal slot holds hostile text (or ``token``)."""
    evil = SENTINEL_CODE.format(path=sentinel)
    hostile = {
        "pattern": f"^['\"]{{3}}\\\\\n\"\"\"'''{re.escape(token)}$",
        "enum": f'"""; {evil}; """{token}',
        "const": f"'''; {evil} #{token}",
        "prop": f"__import__('os').system('x'){token}",
        "ref": f"Odd\"\"\" '''\n{{}}/~\\#{token}",
        "format": f'date-time"; {evil}; "{token}',
    }
    return {
        "$defs": {
            "Root": {
                "type": "object",
                "properties": {
                    hostile["prop"]: {"type": "string", "pattern": hostile["pattern"]},
                    "e": {"enum": [hostile["enum"], 1, None]},
                    "s": {"enum": [hostile["enum"], "plain"]},
                    "c": {"const": hostile["const"]},
                    "f": {"type": "string", "format": hostile["format"]},
                    "r": {
                        "$ref": "#/$defs/"
                        + hostile["ref"].replace("~", "~0").replace("/", "~1")
                    },
                    "d": {"default": evil, "type": "integer"},
                },
                "required": [hostile["prop"]],
                "additionalProperties": {"const": {evil: [evil]}},
            },
            hostile["ref"]: {"type": "array", "items": {"$ref": "#/$defs/Root"}},
        }
    }


def shape(body: str) -> list[str]:
    """Return the module's top-level statement kinds: what hostile text must not change."""
    return [type(node).__name__ for node in ast.parse(body).body]


def test_hostile_literals_do_not_change_the_module_shape(tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    entries = [Entry("root", "/$defs/Root")]
    benign = compile_module(hostile_schema("", str(sentinel)), entries)
    for token in ('"""', "'''", "\\", "\n", "\u2028", "\x00", "'); import os #"):
        body = compile_module(hostile_schema(token, str(sentinel)), entries)
        assert shape(body) == shape(benign), token
        tree = ast.parse(body)
        for node in tree.body:
            assert isinstance(
                node,
                (
                    ast.Import,
                    ast.ImportFrom,
                    ast.Assign,
                    ast.AnnAssign,
                    ast.FunctionDef,
                ),
            ), ast.dump(node)[:100]
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        module = load_validators(hostile_schema(token, str(sentinel)), entries)
        module.is_valid_root({})
        list(module.iter_errors_root({"x": 1, "e": "no", "r": [{}]}))
    assert not sentinel.exists(), "a schema literal was executed"


def test_hostile_literals_keep_their_meaning(tmp_path: Path) -> None:
    schema = hostile_schema('"""', str(tmp_path / "pwned"))
    module = load_validators(schema, [Entry("root", "/$defs/Root")])
    root = schema["$defs"]["Root"]
    prop = next(iter(root["properties"]))
    enum_value = root["properties"]["e"]["enum"][0]
    const_value = root["properties"]["c"]["const"]
    matching = "'''\\\n\"\"\"'''\"\"\""
    assert re.search(r"\n", prop) is None
    assert module.is_valid_root({prop: '"""\\\n"""\'\'\'"""'})
    payload = {
        prop: '"""\\\n"""\'\'\'"""',
        "e": enum_value,
        "s": enum_value,
        "c": const_value,
    }
    assert module.is_valid_root(payload), list(module.iter_errors_root(payload))
    assert not module.is_valid_root({**payload, "e": enum_value + " "})
    assert not module.is_valid_root({**payload, "c": "x"})
    assert not module.is_valid_root({"x": 1})  # required hostile name is missing


def test_regexes_are_compiled_once_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    schema = {
        "$defs": {
            "A": {
                "properties": {"a": {"pattern": "^a+$"}, "b": {"pattern": "^a+$"}},
                "patternProperties": {"^x-": {"type": "string"}},
                "additionalProperties": False,
            }
        }
    }
    body = compile_module(schema, [Entry("a", "/$defs/A")])
    tree = ast.parse(body)
    compiles = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Attribute) and n.attr == "compile"
    ]
    top_level = [
        n
        for n in tree.body
        if isinstance(n, ast.AnnAssign) and "compile" in ast.unparse(n)
    ]
    assert len(compiles) == len(top_level) == 2  # "^a+$" deduplicated, "^x-" once
    module = load_validators(schema, [Entry("a", "/$defs/A")])
    patterns = [v for v in vars(module).values() if isinstance(v, re.Pattern)]
    assert len(patterns) == 2

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("re.compile called while validating")

    monkeypatch.setattr(re, "compile", boom)
    assert module.is_valid_a({"a": "aa", "x-y": "s"})
    assert not module.is_valid_a({"a": "ab"})
    assert not module.is_valid_a({"x-y": 1})
    assert not module.is_valid_a({"zz": 1})


@pytest.mark.parametrize(
    ("schema", "pointer"),
    [
        (
            # Scripts need data Python's unicodedata does not have.
            {
                "$defs": {
                    "A": {"properties": {"x": {"pattern": "^\\p{Script=Greek}+$"}}}
                }
            },
            "/$defs/A/properties/x/pattern",
        ),
        (
            # ECMA property names are case-sensitive: "letter" is not "Letter".
            {"$defs": {"A": {"patternProperties": {"\\P{letter}": {}}}}},
            "/$defs/A/patternProperties/\\P{letter}",
        ),
        (
            # Variable-width lookbehind is ECMA-262 but beyond Python's re.
            {"$defs": {"A": {"items": {"pattern": "(?<=a+)b"}}}},
            "/$defs/A/items/pattern",
        ),
        ({"$defs": {"A": {"pattern": "\\pL"}}}, "/$defs/A/pattern"),
        ({"$defs": {"A": {"pattern": "(unclosed"}}}, "/$defs/A/pattern"),
    ],
)
def test_untranslatable_pattern_names_its_pointer(
    schema: dict[str, Any], pointer: str
) -> None:
    with pytest.raises(SchemaCompileError) as info:
        compile_module(schema, [Entry("a", "/$defs/A")])
    assert info.value.pointer == pointer
    assert "pattern" in info.value.message


def test_ecma_pattern_semantics() -> None:
    schema = {
        "$defs": {
            "D": {"pattern": "^\\d+$"},
            "W": {"pattern": "^\\w+$"},
            "S": {"pattern": "^\\s$"},
            "Dot": {"pattern": "^.$"},
            "Search": {"pattern": "b"},
        }
    }
    entries = [Entry(n.lower(), f"/$defs/{n}") for n in schema["$defs"]]
    m = load_validators(schema, entries)
    assert (
        m.is_valid_d("123") and not m.is_valid_d("\u0661") and not m.is_valid_d("1\n")
    )
    assert m.is_valid_w("a_1") and not m.is_valid_w("\u00e9")
    assert (
        m.is_valid_s("\ufeff") and m.is_valid_s("\u00a0") and not m.is_valid_s("\x1c")
    )
    assert (
        m.is_valid_dot("a")
        and not m.is_valid_dot("\u2028")
        and not m.is_valid_dot("\r")
    )
    assert m.is_valid_search("abc")  # patterns search, they do not match


def test_unicode_property_escapes_expand_to_ranges() -> None:
    schema = {
        "$defs": {
            "Letters": {"pattern": "^\\p{Letter}+$"},
            "Upper": {"pattern": "^\\p{Lu}+$"},
            "GcDigit": {"pattern": "^\\p{General_Category=Decimal_Number}+$"},
            "NotLetter": {"pattern": "^[\\P{L}]+$"},
            "Mixed": {"pattern": "^[\\p{L}\\p{Nd}_-]+$"},
            "NoWord": {"pattern": "^[\\W\\d]+$"},
            "Astral": {"pattern": "^\\u{1F600}\\uD83D\\uDE01$"},
            "Ascii": {"pattern": "^\\p{ASCII}+$"},
        }
    }
    entries = [Entry(n.lower(), f"/$defs/{n}") for n in schema["$defs"]]
    body = compile_module(schema, entries)
    compiled = [
        node
        for node in ast.walk(ast.parse(body))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "_re.compile"
    ]
    assert len(compiled) == len(schema["$defs"])
    for call in compiled:
        # Error messages quote the ECMA source; the compiled regexes are plain ranges.
        source = call.args[0]
        assert isinstance(source, ast.Constant) and "\\p" not in source.value
    m = load_validators(schema, entries)
    assert m.is_valid_letters("Hello\u03c0\u00e9\u4e2d") and not m.is_valid_letters(
        "a1"
    )
    assert m.is_valid_upper("A\u00c9\u03a0") and not m.is_valid_upper("Aa")
    assert m.is_valid_gcdigit("12\u0663") and not m.is_valid_gcdigit("\u00bd")
    assert m.is_valid_notletter("1 -\u00bd") and not m.is_valid_notletter("1a")
    assert m.is_valid_mixed("\u00e9t\u00e9_2-\u0663") and not m.is_valid_mixed("a b")
    assert m.is_valid_noword("\u00e9 7") and not m.is_valid_noword("a")
    assert m.is_valid_astral("\U0001f600\U0001f601") and not m.is_valid_astral("x")
    assert m.is_valid_ascii("~\x00") and not m.is_valid_ascii("\u00e9")


def _nested(depth: int, make: Any) -> Any:
    value: Any = make(None)
    for _ in range(depth):
        value = make(value)
    return value


@pytest.mark.timeout(120)
@pytest.mark.parametrize("kind", ["array", "object"])
def test_very_deep_payload_gives_an_error_or_result(kind: str) -> None:
    schema = {
        "$defs": {
            "Array": {"type": "array", "items": {"$ref": "#/$defs/Array"}},
            "Object": {
                "type": "object",
                "properties": {"child": {"$ref": "#/$defs/Object"}},
                "additionalProperties": {"$ref": "#/$defs/Object"},
            },
            "Inline": {
                "anyOf": [
                    {"type": "null"},
                    {"$ref": "#/$defs/Inline"},
                    {"type": "array", "items": {"$ref": "#/$defs/Inline"}},
                ]
            },
        }
    }
    entries = [
        Entry("array", "/$defs/Array"),
        Entry("object", "/$defs/Object"),
        Entry("inline", "/$defs/Inline"),
    ]
    m = load_validators(schema, entries)
    if kind == "array":
        payload = _nested(100_000, lambda v: [] if v is None else [v])
        names: tuple[str, ...] = ("array", "inline")
    else:
        payload = _nested(100_000, lambda v: {} if v is None else {"child": v})
        names = ("object",)
    for name in names:
        with pytest.raises(m.ValidationError) as info:
            getattr(m, f"validate_{name}")(payload)
        assert "deep" in info.value.message
        assert getattr(m, f"is_valid_{name}")(payload) is False
        errors = list(getattr(m, f"iter_errors_{name}")(payload))
        assert errors and all(isinstance(e, m.ValidationError) for e in errors)
    # Shallow payloads still validate after the deep ones unwound.
    assert m.is_valid_array([[[]]]) and m.is_valid_object({"child": {}})


ROOM_SESSION: dict[str, Any] = {
    "$defs": {
        "RoomSession": {
            "type": "object",
            "required": ["id", "room_id"],
            "properties": {
                "id": {"type": "string", "format": "uuid"},
                "room_id": {"type": "string", "format": "uuid"},
                "active": {"type": "boolean"},
                "created_at": {"type": "string", "format": "date-time"},
                "participants": {
                    "type": "array",
                    "items": {"$ref": "#/$defs/Participant"},
                },
                "record_type": {"type": "string", "enum": ["room_session"]},
            },
        },
        "Participant": {
            "properties": {
                "id": {"format": "uuid", "type": "string"},
                "joined_at": {"format": "date-time", "type": "string"},
                "left_at": {
                    "anyOf": [
                        {"type": "string", "format": "date-time"},
                        {"type": "null"},
                    ]
                },
            },
            "type": "object",
        },
    }
}
UUID = "7b61621f-62e0-4aad-ab11-9fd19e272e73"
GOOD_PARTICIPANT = {
    "id": UUID,
    "joined_at": "2021-04-16T09:46:20.954863Z",
    "left_at": None,
}


def _oracle_paths(payload: Any) -> list[str]:
    document = {"$ref": "#/$defs/RoomSession", "$defs": ROOM_SESSION["$defs"]}
    validator = jsonschema.Draft202012Validator(
        document, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [
        "".join(f"/{p}" for p in error.absolute_path)
        for error in validator.iter_errors(payload)
    ]


@pytest.mark.parametrize(
    "payload",
    [
        {"id": 1, "active": "no"},
        {"id": UUID, "room_id": UUID, "created_at": "2021-04-16 25:00"},
        {
            "id": UUID,
            "room_id": UUID,
            "participants": [GOOD_PARTICIPANT] * 3
            + [{**GOOD_PARTICIPANT, "joined_at": "2021-02-30T00:00:00Z"}],
        },
        {
            "id": UUID,
            "room_id": UUID,
            "participants": [GOOD_PARTICIPANT, {"left_at": 5}, "x"],
        },
        {"room_id": "nope", "record_type": "room"},
        [],
    ],
)
def test_first_error_and_all_errors_match_jsonschema(payload: Any) -> None:
    m = load_validators(ROOM_SESSION, [Entry("room_session", "/$defs/RoomSession")])
    expected = _oracle_paths(payload)
    with pytest.raises(m.ValidationError) as info:
        m.validate_room_session(payload)
    assert info.value.path == expected[0]
    assert sorted(e.path for e in m.iter_errors_room_session(payload)) == sorted(
        expected
    )
    assert not m.is_valid_room_session(payload)


def test_error_details() -> None:
    m = load_validators(ROOM_SESSION, [Entry("room_session", "/$defs/RoomSession")])
    payload = {
        "id": UUID,
        "room_id": UUID,
        "participants": [GOOD_PARTICIPANT] * 3 + [{"joined_at": "2021-04-16 25:00"}],
    }
    with pytest.raises(ValueError) as info:
        m.validate_room_session(payload)
    error = info.value
    assert isinstance(error, m.ValidationError)
    assert error.path == "/participants/3/joined_at"
    assert error.schema_path == "/$defs/Participant/properties/joined_at/format"
    assert error.message == "expected a date-time (RFC 3339), got '2021-04-16 25:00'"
    assert "/participants/3/joined_at" in str(error) and "date-time" in str(error)
    errors = list(m.iter_errors_room_session({"id": 1, "active": "no"}))
    assert [(e.path, e.schema_path.rsplit("/", 1)[-1]) for e in errors] == [
        ("", "required"),
        ("/id", "type"),
        ("/active", "type"),
    ]
    assert m.is_valid_room_session(
        {"id": UUID, "room_id": UUID, "participants": [GOOD_PARTICIPANT]}
    )


def test_pointer_escaping_and_json_equality() -> None:
    schema = {
        "$defs": {
            "A": {
                "properties": {"a/b~c": {"type": "integer"}},
                "patternProperties": {"^n": {"const": 1}},
                "additionalProperties": {"uniqueItems": True},
            }
        }
    }
    m = load_validators(schema, [Entry("a", "/$defs/A")])
    errors = list(m.iter_errors_a({"a/b~c": "x"}))
    assert [e.path for e in errors] == ["/a~1b~0c"]
    assert m.is_valid_a({"n": 1.0, "z": [1, True, "1"]})
    assert not m.is_valid_a({"n": True})
    assert not m.is_valid_a({"z": [1, 1.0]})
    assert not m.is_valid_a({"z": [{"a": 1}, {"a": 1.0}]})
    assert m.is_valid_a({"z": [0, False, [0], [False]]})


def test_bad_entry_names_and_references_are_compile_errors() -> None:
    with pytest.raises(SchemaCompileError):
        compile_module({"$defs": {"A": {}}}, [Entry("not valid", "/$defs/A")])
    with pytest.raises(SchemaCompileError) as info:
        compile_module(
            {"$defs": {"A": {"items": {"$ref": "#/$defs/Missing"}}}},
            [Entry("a", "/$defs/A")],
        )
    assert info.value.pointer == "/$defs/A/items/$ref"
    with pytest.raises(SchemaCompileError) as info:
        compile_module(
            {"$defs": {"A": {"$ref": "http://example.com/x.json"}}},
            [Entry("a", "/$defs/A")],
        )
    assert info.value.pointer == "/$defs/A/$ref"


def test_compiled_hostile_module_passes_mypy_strict(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    runtime = (
        Path(__file__).resolve().parents[2] / "generator" / "runtime" / "_validation.py"
    )
    (package / "__init__.py").write_text("")
    (package / "_validation.py").write_text(runtime.read_text())
    schema = hostile_schema('"""', str(tmp_path / "pwned"))
    schema["$defs"]["Dyn"] = {
        "$dynamicAnchor": "node",
        "unevaluatedProperties": False,
        "allOf": [{"properties": {"a": {"$dynamicRef": "#node"}}}],
        "oneOf": [{"required": ["a"]}, {"not": {"required": ["a"]}}],
        "if": {"minProperties": 1},
        "then": {"propertyNames": {"maxLength": 3}},
        "else": {"const": {}},
        "dependentSchemas": {"a": {"maxProperties": 2}},
        "contains": {"type": "null"},
        "prefixItems": [{"multipleOf": 0.5}],
        "unevaluatedItems": {"multipleOf": 3},
    }
    body = compile_module(
        schema, [Entry("root", "/$defs/Root"), Entry("dyn", "/$defs/Dyn")]
    )
    formatted = black.format_str(
        '"""Compiled validators."""\n\n' + body, mode=black.Mode()
    )
    (package / "validators.py").write_text(formatted)
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", "pkg"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout


def test_hoisted_tuples_are_laid_out_as_black_lays_them_out() -> None:
    """``tuple_constant`` writes tens of thousands of constants already in black's layout;
    every shape it takes on is compared with black, and the rest it leaves on one line.
    """
    import random

    from generator.format import format_python
    from generator.validation.writer import _tuple_lines, literal

    rng = random.Random(7)
    words = [
        "/$defs/Model",
        "/properties/",
        "x" * 30,
        "é",
        "名前",
        "type",
        "enum",
        "'q'",
    ]
    taken = left = 0
    for n in range(600):
        items = [
            literal("".join(rng.choice(words) for _ in range(rng.randrange(1, 9)))),
            literal(rng.choice(["type", "enum", "oneOf", "required"])),
            literal(
                rng.choice(
                    [
                        None,
                        rng.randrange(10**9),
                        ["string"],
                        ["a" * rng.randrange(1, 60), "b"],
                        {"k": "v" * rng.randrange(1, 90)},
                    ]
                )
            ),
        ]
        head = f"_K{n}: tuple[str, str, Any] = "
        one_line = f"{head}({', '.join(items)})\n"
        laid = _tuple_lines(head, items)
        if laid is None:
            left += 1
            continue
        taken += 1
        assert "\n".join(laid) + "\n" == format_python("k.py", one_line), one_line
    assert taken > 400 and left > 20, (taken, left)
