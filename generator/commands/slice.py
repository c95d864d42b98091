"""``contractgen slice``: write a self-contained sub-API (chosen operations + what they need)."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

import yaml

from generator.errors import Location, SpecError
from generator.load import load_file
from generator.slicing import HTTP_METHODS, Selection, slice_document
from generator.write import WriteError, write_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``slice``."""
    parser.add_argument("spec", type=Path, help="the OpenAPI file to cut from")
    parser.add_argument(
        "--tag", action="append", default=[], help="keep operations with this tag"
    )
    parser.add_argument(
        "--path-prefix",
        action="append",
        default=[],
        help="keep operations whose path starts with this",
    )
    parser.add_argument(
        "--operation-id", action="append", default=[], help="keep this operation"
    )
    parser.add_argument(
        "-o", "--output", type=Path, required=True, help="the YAML file to write"
    )


def dump(data: object, banner: str) -> str:
    """Return the YAML text of a sliced document, banner comment first."""
    body = yaml.dump(
        data,
        Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
        sort_keys=False,
        allow_unicode=True,
        width=88,
    )
    return f"# {banner}\n{body}"


def run(args: argparse.Namespace) -> int:
    """Slice the spec and write the result atomically."""
    selection = Selection(
        tuple(args.tag), tuple(args.path_prefix), tuple(args.operation_id)
    )
    if not (selection.tags or selection.path_prefixes or selection.operation_ids):
        raise SpecError(
            Location(str(args.spec), 1, 1),
            "nothing selected: give --tag, --path-prefix or --operation-id",
        )
    doc = load_file(args.spec)
    sliced = slice_document(doc, selection)
    options = [f"--tag {shlex.quote(t)}" for t in selection.tags]
    options += [f"--path-prefix {shlex.quote(p)}" for p in selection.path_prefixes]
    options += [f"--operation-id {shlex.quote(i)}" for i in selection.operation_ids]
    # Only the source's file name and hash: the banner must not depend on where it lives.
    banner = (
        f"Sliced by contractgen from {args.spec.name} (sha256 {doc.sha256}) "
        f"with {' '.join(options)}"
    )
    try:
        write_file(args.output, dump(sliced, banner))
    except WriteError as exc:
        print(f"contractgen: {exc}")
        return 2
    operations = sum(
        key in HTTP_METHODS for item in sliced["paths"].values() for key in item
    )
    schemas = len(sliced.get("components", {}).get("schemas", {}))
    print(
        f"contractgen: {args.output}: {operations} operations, "
        f"{len(sliced['paths'])} paths, {schemas} schemas"
    )
    return 0
