"""``contractgen generate``: spec -> package, or ``--check`` that the package is up to date."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from generator import naming
from generator.analyze import analyze
from generator.config import load_config
from generator.errors import Location, SpecError
from generator.format import format_files
from generator.load import load_file
from generator.progress import Progress
from generator.render import RUNTIME_MODULES, header_lines, render
from generator.write import WriteError, plan, write


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``generate``."""
    parser.add_argument(
        "spec",
        nargs="?",
        type=Path,
        help="OpenAPI file (default: [tool.contractgen] spec)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="output directory (default: generated)"
    )
    parser.add_argument(
        "--package", help="package name (default: [tool.contractgen] package)"
    )
    parser.add_argument(
        "--templates", type=Path, help="directory of templates overriding ours"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 naming stale files"
    )


def run(args: argparse.Namespace) -> int:
    """Generate (or check) and print a one-line summary."""
    started = time.perf_counter()
    config = load_config()
    spec: Path | None = args.spec or config.spec
    if spec is None:
        raise SpecError(
            Location("pyproject.toml", 1, 1),
            "no spec given and no [tool.contractgen] spec",
        )
    output: Path = args.output or config.output
    package = args.package or config.package or naming.snake_case(spec.stem) or "api"
    if not package.isidentifier():
        raise SpecError(
            Location(str(spec), 1, 1), f"package name {package!r} is not an identifier"
        )
    progress = Progress()
    progress.stage(f"loading {spec}")
    doc = load_file(spec)
    progress.stage("analysing")
    api = analyze(doc, config)
    if api.unsupported:
        for location, message in api.unsupported:
            print(f"{location}: unsupported: {message}", file=sys.stderr)
        return 2
    progress.stage(
        f"rendering {len(api.models)} models, {len(api.operations)} operations"
    )
    rendered = render(api, package, args.templates or config.templates, config.client)
    files = format_files(
        rendered,
        frozenset(f"{package}/{module}" for module in RUNTIME_MODULES),
        on_file=lambda done, total, path: progress.stage(
            f"formatting {done}/{total}: {path}"
        ),
    )
    progress.stage(f"writing {len(files)} files")
    progress.done()
    try:
        if args.check:
            stale = plan(output, files).stale
            for rel in stale:
                print(f"stale: {output / rel}", file=sys.stderr)
            elapsed = time.perf_counter() - started
            state = f"{len(stale)} stale" if stale else "up to date"
            print(
                f"contractgen: {output}: {state} ({len(files)} files, {elapsed:.2f} s)"
            )
            return 1 if stale else 0
        result = write(output, files, " ".join(header_lines(api)))
    except WriteError as exc:
        print(f"contractgen: {exc}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    print(
        f"contractgen: {len(result.changed)} written, {len(result.unchanged)} unchanged, "
        f"{len(result.removed)} removed in {output} ({elapsed:.2f} s)"
    )
    return 0
