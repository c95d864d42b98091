"""``contractgen lint``: list every documented example that contradicts its own schema."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from generator.analyze import analyze
from generator.config import load_config
from generator.lint import lint
from generator.load import load_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``lint``."""
    parser.add_argument("spec", type=Path, help="the OpenAPI file to check")
    parser.add_argument(
        "--warn-only",
        action="store_true",
        help="report defects but exit 0 (for specs you do not own)",
    )


def run(args: argparse.Namespace) -> int:
    """Lint the spec's examples; exit 1 when any contradicts its schema."""
    started = time.perf_counter()
    api = analyze(load_file(args.spec), load_config())
    report = lint(api)
    for finding in report.findings:
        print(finding)
    elapsed = time.perf_counter() - started
    print(
        f"contractgen: {args.spec}: {len(report.findings)} defects in "
        f"{report.checked} examples ({elapsed:.2f} s)"
    )
    return 1 if report.findings and not args.warn_only else 0
