"""``contractgen generate``: spec -> package, or ``--check`` that the package is up to date."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from generator import fork, naming
from generator.analyze import analyze, analyze_cached
from generator.config import load_config
from generator.errors import Location, SpecError
from generator.format import (
    FormatError,
    FormatStats,
    PreLaid,
    cpus,
    format_files,
    formats,
    prelay,
)
from generator.ir import Api
from generator.loadcache import load_file_cached
from generator.progress import Progress
from generator.render import (
    RUNTIME_MODULES,
    black_normal,
    environment,
    header_lines,
    outputs,
    python_header,
    validators_key,
    validators_source,
)
from generator.write import (
    BackgroundStage,
    OutputState,
    SegmentCache,
    WriteError,
    commit,
    discard,
    plan,
    stage,
)

# The format stage's cache: ``--cache-dir``, else $CONTRACTGEN_CACHE, else this directory
# beside pyproject.toml. Entries are keyed by their input, so a cache never serves stale
# output and any directory may be shared or deleted at will.
CACHE_ENV = "CONTRACTGEN_CACHE"
DEFAULT_CACHE = ".contractgen-cache"
# A full regeneration of the whole Telnyx API keeps about 45 MB: room for several versions.
DEFAULT_CACHE_LIMIT_MB = 512
# From this many files that need no formatting on, staging them in another process while
# formatting repays starting it (about 0.1 s).
BACKGROUND_FILES = 200


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
    parser.add_argument(
        "--cache-dir",
        type=Path,
        help=f"formatting cache (default: ${CACHE_ENV}, else {DEFAULT_CACHE}/ beside "
        "pyproject.toml)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="format everything, keep no cache"
    )
    parser.add_argument(
        "--cache-limit",
        type=int,
        default=DEFAULT_CACHE_LIMIT_MB,
        metavar="MB",
        help="after a run, drop the least recently used cache entries beyond this size "
        f"(default: {DEFAULT_CACHE_LIMIT_MB}; entries this run used always stay)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        help="processes working in parallel (default: the CPUs available; 1: all in "
        "this one)",
    )
    parser.add_argument(
        "--format-all",
        action="store_true",
        help="hand every module to black (the built-in templates already emit black's "
        "layout; this only costs time)",
    )
    parser.add_argument(
        "--timings",
        action="store_true",
        help="also print how long each stage took (on stderr)",
    )


def cache_dir(args: argparse.Namespace, root: Path) -> Path | None:
    """Return the formatting cache's directory, or None when caching is off."""
    if args.no_cache:
        return None
    chosen: Path | None = args.cache_dir
    if chosen is None and os.environ.get(CACHE_ENV):
        chosen = Path(os.environ[CACHE_ENV])
    return (chosen or root / DEFAULT_CACHE) / "format"


def _validators_ahead(
    api: Api, templates: Path | None, cache: SegmentCache | None, laying: bool
) -> tuple[str, PreLaid | None]:
    """Render the validators module and, when it will be laid out, its layout."""
    text = validators_source(api, environment(templates), python_header(api), cache)
    return text, prelay(text, cache) if laying else None


def _salted(key: str | None, laying: bool) -> str | None:
    # The same inputs formatted another way (--format-all, overriding templates) is
    # another output.
    return None if key is None else f"{key}:{'laid' if laying else 'black'}"


def run(args: argparse.Namespace) -> int:
    """Generate (or check) and print a one-line summary."""
    started = time.perf_counter()
    # Cache entries touched from here on are this run's (minus a filesystem's coarsest
    # timestamp step): pruning never drops them.
    began = time.time() - 2
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
    if args.jobs is not None and args.jobs < 1:
        raise SpecError(Location("--jobs", 1, 1), "--jobs must be at least 1")
    if args.cache_limit < 0:
        raise SpecError(Location("--cache-limit", 1, 1), "--cache-limit must be >= 0")
    progress = Progress()
    timings: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        timings[stage] = now - mark
        mark = now

    store = cache_dir(args, config.root)
    progress.stage(f"loading {spec}")
    doc = load_file_cached(spec, store.parent / "specs" if store else None)
    lap("load")
    progress.stage("analysing")
    if store is not None:
        api, units = analyze_cached(doc, config, store.parent / "analysis")
    else:
        api, units = analyze(doc, config), None
    lap("analyze")
    for location, message in api.notices:
        print(f"{location}: note: {message}", file=sys.stderr)
    if api.unsupported:
        for location, message in api.unsupported:
            print(f"{location}: unsupported: {message}", file=sys.stderr)
        return 2
    progress.stage(
        f"rendering {len(api.models)} models, {len(api.operations)} operations"
    )
    templates = args.templates or config.templates
    cache = SegmentCache(store) if store is not None else None
    # Overridden templates promise nothing about their layout: black gets it all.
    laying = templates is None and not args.format_all
    stats = FormatStats()
    # Compiling and laying out the validators is about half the work of render and format:
    # a forked child does it while this process renders and lays out everything else.
    # One CPU (or -j 1): everything in this process, where a second one would only wait.
    inline = (args.jobs or cpus()) < 2
    state = OutputState(store.parent / "outputs", output) if store else None
    validators = f"{package}/validators.py"
    # Addressed first: a fresh validators module needs no child (forking a large process
    # costs more than the little left to do then).
    validators_address = _salted(validators_key(api, templates), laying)
    validators_fresh = state is not None and state.fresh(validators, validators_address)
    with fork.call(
        _validators_ahead,
        api,
        templates,
        cache,
        laying,
        inline=inline or validators_fresh,
    ) as ahead:
        planned = outputs(api, package, templates, config.client, validators=False)
        keys = {path: _salted(out.key, laying) for path, out in planned.items()}
        keys[validators] = validators_address
        # Files whose inputs did not change since the last run here are left as they are.
        kept = {
            path
            for path, key in keys.items()
            if state is not None and state.fresh(path, key)
        }
        # Kept while the rest runs (addressing made the digests the records carry).
        saving = units.save() if units is not None else None
        lap("address")
        rendered = {
            path: out.produce() for path, out in planned.items() if path not in kept
        }
        lap("render")
        preformatted = frozenset(f"{package}/{module}" for module in RUNTIME_MODULES)
        # What formatting leaves alone (schema documents, the runtime) is staged to disk
        # by another process meanwhile; nothing is in place before the commit below.
        untouched = {
            path: text
            for path, text in rendered.items()
            if not formats(path, preformatted)
        }
        background = (
            BackgroundStage(output, untouched, inline=inline)
            if not args.check and len(untouched) >= BACKGROUND_FILES
            else None
        )
        normal = frozenset(
            path
            for path in (*rendered, validators)
            if laying and black_normal(package, path)
        )
        try:
            prelaid = [
                laid
                for path, text in rendered.items()
                if path in normal and (laid := prelay(text, cache)) is not None
            ]
            lap("layout")
            progress.stage(f"compiling validators for {len(api.models)} models")
            if validators not in kept:
                rendered[validators], validators_laid = ahead.result()
                if validators_laid is not None:
                    prelaid.append(validators_laid)
            lap("validators")
            files = format_files(
                rendered,
                preformatted,
                on_file=lambda done, total, what: progress.stage(
                    f"formatting {done}/{total}: {what}"
                ),
                cache=cache,
                jobs=args.jobs,
                stats=stats,
                black_normal=normal,
                prelaid=prelaid,
            )
        except BaseException as exc:
            if background is not None:
                background.cancel()
            if isinstance(exc, FormatError):  # e.g. an overriding template's bad Python
                print(f"contractgen: {exc}", file=sys.stderr)
                return 2
            raise
    lap("format")
    progress.stage(f"writing {len(files)} of {len(files) + len(kept)} files")
    progress.done()
    try:
        if args.check:
            if saving is not None:
                saving.result()
            stale = plan(output, files, kept).stale
            for rel in stale:
                print(f"stale: {output / rel}", file=sys.stderr)
            elapsed = time.perf_counter() - started
            verdict = f"{len(stale)} stale" if stale else "up to date"
            print(
                f"contractgen: {output}: {verdict} ({len(files) + len(kept)} files, "
                f"{elapsed:.2f} s)"
            )
            return 1 if stale else 0
        early = background.result() if background else stage(output, untouched)
        try:
            rest = stage(output, {p: t for p, t in files.items() if p not in untouched})
        except WriteError:
            discard(early)
            raise
        result = commit(
            output,
            [early, rest],
            files,
            " ".join(header_lines(api, digest=True)),
            {path: state.owned[path] for path in kept} if state else None,
        )
    except WriteError as exc:
        print(f"contractgen: {exc}", file=sys.stderr)
        return 2
    if state is not None:
        state.save(keys)
    if cache is not None:
        cache.prune(args.cache_limit * 2**20, keep_since=began)
    if saving is not None:
        saving.result()
    lap("write")
    elapsed = time.perf_counter() - started
    print(
        f"contractgen: {len(result.changed)} written, {len(result.unchanged)} unchanged, "
        f"{len(result.removed)} removed in {output} ({elapsed:.2f} s)"
    )
    if args.timings:
        stages = ", ".join(f"{name} {secs:.2f} s" for name, secs in timings.items())
        print(
            f"contractgen: timings: {stages}; {stats.modules_laid} of "
            f"{stats.modules} modules laid out without black, "
            f"{stats.modules_cached} cached, black formatted {stats.formatted} "
            f"segments ({stats.formatted_lines} lines), {stats.cached} segments cached",
            file=sys.stderr,
        )
    return 0
