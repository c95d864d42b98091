"""Command line: ``contractgen generate|slice|lint``; spec errors become one ``PATH:LINE:COL: msg`` line."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence

from generator.errors import SpecError

# Each subcommand module exposes ``add_arguments(parser)`` and ``run(args) -> int``.
_COMMANDS: dict[str, tuple[str, str]] = {
    "generate": (
        "generator.commands.generate",
        "regenerate the output package from a spec",
    ),
    "slice": ("generator.commands.slice", "write a self-contained sub-API of a spec"),
    "lint": (
        "generator.commands.lint",
        "check every documented example against its schema",
    ),
}


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """Return the parser; with ``only``, the other commands are listed but not imported."""
    import importlib

    parser = argparse.ArgumentParser(prog="contractgen", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in _COMMANDS.items():
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        if only is not None and name != only:
            continue
        module = importlib.import_module(module_name)
        module.add_arguments(cmd)
        run: Callable[[argparse.Namespace], int] = module.run
        cmd.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # Only the command asked for is imported (each pulls in its own stages).
    only = argv[0] if argv and argv[0] in _COMMANDS else None
    args = _parser(only).parse_args(argv)
    # A spec tree, its IR and the rendered text are long-lived and acyclic: the cyclic
    # collector would only rescan them again and again as they grow (it tripled the time
    # to load a 4 MB spec). A command runs once, so it does without.
    collecting = gc.isenabled()
    gc.disable()
    try:
        code: int = args.run(args)
    except SpecError as exc:
        print(str(exc).replace("\n", " "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        if collecting:
            gc.enable()
    return code


def entry() -> None:
    """Run the command line as a process and exit without tearing down the heap."""
    code = main()
    # Freeing a large spec's hundreds of megabytes of objects one by one takes about a
    # second and gains nothing at exit (everything is written and closed by now).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
