"""The full spec's 66 webhooks: a parse function each, and their documented examples
parse (or are refused exactly where jsonschema refuses them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import jsonschema

from generator.jsonschema_docs import document
from tests.scale.conftest import PACKAGE, Generated


def test_every_webhook_has_a_parse_function(full: Generated) -> None:
    spec_hooks = full.spec.get("webhooks")
    assert isinstance(spec_hooks, dict) and len(spec_hooks) == 66
    assert [w.name for w in full.api.webhooks] == list(spec_hooks)
    functions = {w.name: f"parse_{w.snake}" for w in full.api.webhooks}
    models = {m.name: m for m in full.api.models}
    cases: list[dict[str, Any]] = []
    for hook in full.api.webhooks:
        assert hook.body is not None and hook.body.type is not None, hook.name
        model = models[hook.body.type.name]
        schema = document(model.name, full.api.schemas, "")
        checker = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        for example in model.examples:
            cases.append(
                {
                    "hook": hook.name,
                    "example": example,
                    "valid": checker.is_valid(example),
                }
            )
    assert len(cases) >= 6  # the six event schemas with a documented example
    code = (
        "import json, sys\n"
        f"from {PACKAGE} import webhooks, validators\n"
        "functions, cases = json.loads(sys.argv[1]), json.loads(sys.argv[2])\n"
        "assert {k: v.__name__ for k, v in webhooks.WEBHOOKS.items()} == functions\n"
        "out = []\n"
        "for case in cases:\n"
        "    parse = webhooks.WEBHOOKS[case['hook']]\n"
        "    try:\n"
        "        value = parse(json.dumps(case['example']).encode())\n"
        "    except validators.ValidationError as exc:\n"
        "        out.append(['refused', exc.path])\n"
        "        continue\n"
        "    out.append(['parsed', value.to_dict() == case['example']])\n"
        "print(json.dumps(out))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, json.dumps(functions), json.dumps(cases)],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(full.out)),
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    results = json.loads(proc.stdout)
    for case, (verdict, detail) in zip(cases, results, strict=True):
        if case["valid"]:
            assert (verdict, detail) == ("parsed", True), case["hook"]
        else:
            assert verdict == "refused", case["hook"]
