"""Stage 5: format generated Python with black, as a library; other files pass through.

Black costs far more than every other stage on a large API (it formats ~2k lines/s), so a
module is not handed to black whole. It is cut into segments that black formats the same
way alone as in the module, the segments are formatted independently (in a process pool,
and only those not already in the cache), and the results are joined with the blank lines
black puts between them:

* top level: a cut before every ``class``/``def`` (its decorators and the comment lines
  directly above it belong to it); black puts exactly two blank lines before it;
* inside a top-level class: a cut before every method after the first; the method is
  formatted inside a stand-in ``class _:`` (so it is formatted at its own depth) whose line
  is dropped afterwards; black puts exactly one blank line before it;
* a long run of simple top-level statements (``X = ...``) is cut between statements; black
  keeps the blank lines written there, at most two.

A cut is only made where the rule is certain: nothing but blank lines between the two
statements (apart from the comments that move with the definition), no one-line stub
(``def f(): ...``, after which black keeps zero blank lines) before it. The result is
byte-identical to formatting the module whole (``tests/unit/test_format.py`` proves it on
the golden package, both ways). The cache key is the exact text given to black plus black's
version and mode, so a cached result can never be stale.
"""

from __future__ import annotations

import ast
import functools
import gc
import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from generator import pybrackets, pystyle

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    import black
# The stand-in class a method is formatted in, and the line dropped from black's output.
_WRAPPER = "class _:\n"
# Only classes at least this long are cut into methods (small ones are cheap to format).
_CLASS_SPLIT_LINES = 60
# A run of simple top-level statements is cut once a piece reaches this many lines.
_RUN_SPLIT_LINES = 400
# Below this many lines to format, a process pool costs more than it saves (starting
# one takes about a second: each worker imports black).
_POOL_MIN_LINES = 4000
# Splitting (ast.parse) is ~50x cheaper per line than black: a pool only pays off for it
# on a cold run.
_POOL_SPLIT_LINES = 100_000
# Each job sent to a worker holds about this many lines (amortises the pickling).
_BATCH_LINES = 1500
_SIMPLE_STATEMENTS = (ast.Assign, ast.AnnAssign, ast.AugAssign)
# Part of a whole module's cache key: bump it when the splitting or joining rules change
# (a segment's key needs none: it is black's exact input).
_SPLIT_VERSION = b"split 2\n"
# A laid-out module's output also depends on the layout code itself: its source is part of
# the key, so an edited pystyle or pybrackets can never be served an old layout from the
# cache.
_LAYOUT_VERSION = hashlib.sha256(
    Path(pystyle.__file__).read_bytes()
    + Path(pybrackets.__file__).read_bytes()
    + Path(__file__).read_bytes()
).digest()


class FormatError(Exception):
    """Generated code black could not parse: a generator or template bug, never the spec's."""


class SegmentStore(Protocol):
    """Where formatted segments are kept between runs (``generator.write.SegmentCache``)."""

    def get(self, key: str) -> str | None:
        """Return the formatted text stored under a key, or None (missing or corrupt)."""

    def put(self, key: str, text: str) -> None:
        """Store a formatted text under a key."""


@dataclass(frozen=True)
class Segment:
    """A piece of a module given to black alone.

    ``source`` is exactly what black formats; ``wrapped`` says it starts with the stand-in
    class line, which is dropped from the output; ``gap`` is the number of blank lines
    between this segment and the one before it in the formatted module.
    """

    source: str
    wrapped: bool
    gap: int

    @property
    def key(self) -> str:
        """Return the content address of black's output for this segment."""
        return hashlib.sha256(_key_prefix() + self.source.encode("utf-8")).hexdigest()


@dataclass
class FormatStats:
    """What a formatting run did: modules and segments served from the cache or formatted."""

    modules: int = 0
    modules_cached: int = 0
    segments: int = 0
    formatted: int = 0
    formatted_lines: int = 0
    cached: int = 0
    modules_laid: int = 0  # black-normal modules whose every long line pystyle laid out


@functools.cache
def _black() -> tuple[black.Mode, type[Exception]]:
    """Import black (a quarter of a second) only for what it formats: its mode and the
    error it raises on input that does not parse."""
    import black
    from black.mode import TargetVersion
    from black.parsing import InvalidInput

    return black.Mode(target_versions={TargetVersion.PY311}), InvalidInput


@functools.cache
def _key_prefix() -> bytes:
    """Return what keys every input to black: another black or mode is another key."""
    import black

    mode, _ = _black()
    version: str = getattr(black, "__version__", "unknown")
    return f"black {version}\n{mode.get_cache_key()}\n".encode()


def _module_key(text: str, laid: bool = False, via_black: bool = True) -> str:
    """Return the content address of a whole module's formatted text.

    A module ``laid`` out whole by pystyle never met black (``via_black=False``): its
    key holds the layout code, not black's version.
    """
    kind = b"laid module\n" + _LAYOUT_VERSION if laid else b"module\n"
    prefix = _key_prefix() if via_black else b"pystyle\n"
    return hashlib.sha256(
        prefix + kind + _SPLIT_VERSION + text.encode("utf-8")
    ).hexdigest()


def formats(path: str, preformatted: frozenset[str] = frozenset()) -> bool:
    """Return whether ``format_files`` formats a file (else it passes it through as is)."""
    return path.endswith(".py") and path not in preformatted


def format_files(
    files: dict[str, str],
    preformatted: frozenset[str] = frozenset(),
    on_file: Callable[[int, int, str], None] | None = None,
    *,
    cache: SegmentStore | None = None,
    jobs: int | None = None,
    stats: FormatStats | None = None,
    black_normal: frozenset[str] = frozenset(),
    prelaid: Iterable[PreLaid] = (),
) -> dict[str, str]:
    """Return the files with every ``.py`` file black-formatted.

    ``black_normal`` names the modules emitted in black's layout (by built-in templates
    and the validator writer): their too-long lines are laid out by ``pystyle`` and only
    the segments holding a line it cannot lay out go to black.

    ``preformatted`` names files copied from hand-written, black-clean sources (the
    runtime): formatting them again would only cost time (the quality tests check them).
    ``cache`` keeps formatted modules and segments between runs: a module whose text is
    unchanged is not even split, a changed one only has its changed segments formatted.
    ``jobs`` caps the worker processes (default: the CPUs available); the output never
    depends on it. ``on_file(done, total, what)`` reports progress. ``prelaid`` holds
    layouts `prelay` made meanwhile in another process; each is used only for the exact
    text it was made from.
    """
    stats = stats if stats is not None else FormatStats()
    done_elsewhere = {p.key: p.laid for p in prelaid}
    out = dict(files)
    # The header comment (spec path and hash) changes with every spec edit: it is split
    # off first, so that the rest of an unchanged module is still found in the cache.
    parts = {
        path: split_header(text)
        for path, text in files.items()
        if formats(path, preformatted)
    }
    # The header of a black-normal module is ours (``render.python_header``): comment
    # lines black leaves as they are. Any other goes to black like the rest.
    headers = {
        h: Segment(h, False, 0)
        for path, (h, _, _) in parts.items()
        if h and not (path in black_normal and _plain_comments(h))
    }
    formatted_headers = _format_segments(headers.values(), cache, None, stats, None)
    bodies: dict[str, str] = {}
    todo: dict[str, str] = {}  # path -> module key, for bodies not in the cache
    unsupported: set[str] = set()  # lines of laid-out modules that black must format
    laid_paths: set[str] = set()  # laid-out modules that still hold such a line
    for path, (_, _, body) in parts.items():
        stats.modules += 1
        laid_out = path in black_normal
        # Keyed by the rendered text: an unchanged module is not even laid out again.
        key = _module_key(body, laid=laid_out, via_black=not laid_out)
        hit = cache.get(key) if cache is not None else None
        if hit is not None:
            bodies[path] = hit
            stats.modules_cached += 1
            continue
        if laid_out:
            laid = done_elsewhere.get(key) or lay_out(body)
            if not laid.unsupported:
                bodies[path] = laid.text.rstrip("\n") + "\n"
                stats.modules_laid += 1
                if cache is not None:
                    cache.put(key, bodies[path])
                continue
            # Lines pystyle leaves to black: the module's text depends on black too.
            key = _module_key(body, laid=True)
            hit = cache.get(key) if cache is not None else None
            if hit is not None:
                bodies[path] = hit
                stats.modules_cached += 1
                continue
            parts[path] = (parts[path][0], parts[path][1], laid.text)
            unsupported |= laid.unsupported
            laid_paths.add(path)
        todo[path] = key
    if todo:
        with _Pool(jobs or cpus()) as pool:
            texts = {p: parts[p][2] for p in todo}
            _format_modules(
                texts,
                todo,
                bodies,
                cache,
                pool,
                stats,
                on_file,
                unsupported,
                laid_paths,
            )
    for path, (header, gap, _) in parts.items():
        head = formatted_headers[headers[header].key] if header in headers else header
        body = bodies[path]
        out[path] = head + "\n" * gap + body if head and body else head + body
    return out


def _plain_comments(header: str) -> bool:
    """Return whether every line is ``# `` and printable ASCII without trailing space, which
    black leaves as it is."""
    return all(
        line.startswith("# ")
        and line.isascii()
        and line.isprintable()
        and line == line.rstrip()
        for line in header.split("\n")[:-1]
    )


def split_header(text: str) -> tuple[str, int, str]:
    """Split a module into its leading comment lines, the blank lines after them, the rest.

    Black formats the two apart exactly as together when the rest starts with a statement
    that is not a definition (a docstring, an import): the blank lines between them are
    kept, at most two. Otherwise, or without a header, everything is the rest.
    """
    lines = _lines(text)
    if lines is None:
        return "", 0, text
    count = 0
    while count < len(lines) and lines[count].startswith("#"):
        count += 1
    blank = count
    while blank < len(lines) and _is_blank(lines[blank]):
        blank += 1
    if count == 0 or blank == len(lines):
        return "", 0, text
    first = lines[blank]
    # Only a plain statement (docstring, import, assignment) starts the rest: not a
    # definition (blank-line rules of their own), nor a form feed or anything unusual.
    if not (first[:1].isascii() and (first[:1].isalpha() or first[:1] in "_'\"")):
        return "", 0, text
    if first.startswith(("def ", "class ", "async ")):
        return "", 0, text
    header = "".join(lines[:count])
    if not header.endswith("\n"):
        return "", 0, text
    return header, min(blank - count, 2), "".join(lines[blank:])


class _Pool:
    """A process pool started only when there is enough work to repay starting it.

    Workers are spawned (not forked): they do not inherit the parent's large heap (spec,
    IR, rendered text), and they cost the same on every platform.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.executor: ProcessPoolExecutor | None = None

    def get(self, lines: int, threshold: int) -> ProcessPoolExecutor | None:
        """Return the pool when ``lines`` of work reach ``threshold`` (None: work here)."""
        if self.executor is None and self.workers > 1 and lines >= threshold:
            # Imported here: most runs format too little to start a pool.
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("spawn")
            self.executor = ProcessPoolExecutor(self.workers, mp_context=context)
        return self.executor

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.executor is not None:
            self.executor.shutdown(cancel_futures=True)


def _format_modules(
    files: dict[str, str],
    todo: dict[str, str],
    out: dict[str, str],
    cache: SegmentStore | None,
    lazy: _Pool,
    stats: FormatStats,
    on_file: Callable[[int, int, str], None] | None,
    unsupported: set[str],
    laid: set[str],
) -> None:
    """Split the modules in ``todo``, format their segments and store the results.

    A segment of a ``laid`` (laid-out) module without any of the ``unsupported`` lines is
    already black's output: it is used as it is.
    """
    # Largest modules first, so the pool's workers finish together.
    order = sorted(todo, key=lambda p: (-len(files[p]), p))
    plans: dict[str, list[Segment]] = {}
    lines = sum(files[p].count("\n") for p in order)
    pool = lazy.get(lines, _POOL_SPLIT_LINES) if len(order) > 1 else None
    if pool is None:
        for done, path in enumerate(order, 1):
            if on_file is not None:
                on_file(done, len(order), f"splitting {path}")
            plans[path] = split_module(path, files[path])
    else:
        futures = {p: pool.submit(split_module, p, files[p]) for p in order}
        for done, path in enumerate(order, 1):
            if on_file is not None:
                on_file(done, len(order), f"splitting {path}")
            plans[path] = futures[path].result()
    segments = [s for p in order for s in plans[p]]
    trusted = {
        s.key: s.source.rstrip("\n") + "\n"
        for p in order
        if p in laid
        for s in plans[p]
        if not unsupported.intersection(s.source.split("\n"))
    }
    formatted = _format_segments(
        [s for s in segments if s.key not in trusted], cache, lazy, stats, on_file
    )
    formatted.update(trusted)
    for path in sorted(todo):
        out[path] = join_segments(plans[path], formatted)
        if cache is not None:
            cache.put(todo[path], out[path])


@dataclass(frozen=True)
class Laid:
    """A module whose too-long lines were laid out as black would (``pystyle.layout``).

    ``unsupported`` holds the lines left as they were because their layout is not
    reproduced: the segments holding one still go to black.
    """

    text: str
    unsupported: frozenset[str]


def lay_out(text: str) -> Laid:
    """Lay out every too-long line of black-normal generated code, as black would."""
    lines = text.split("\n")
    if "'''" in text:  # a quoting this scan does not track: black formats it all
        return Laid(text, frozenset(lines))
    limit = pystyle.LINE_LENGTH
    # A short ASCII line without triple quotes stays as it is, inside a string or not:
    # only the others (a few percent of a large module) are looked at one by one.
    marked = [
        i
        for i, line in enumerate(lines)
        if len(line) > limit or '"""' in line or not line.isascii()
    ]
    out: list[str] = []
    unsupported: set[str] = set()
    in_string = False  # inside a triple-quoted string spanning lines
    start = 0
    for i in marked:
        out += lines[start:i]
        start = i + 1
        line = lines[i]
        quotes = line.count('"""')
        if not in_string and (len(line) <= limit and line.isascii()):
            out.append(line)
        elif in_string or quotes % 2:
            if not pystyle.fits(line):
                unsupported.add(line)
            out.append(line)
        else:
            laid = pystyle.layout(line)
            if laid is None:
                unsupported.add(line)
                out.append(line)
            else:
                out += laid
        if quotes % 2:
            in_string = not in_string
    out += lines[start:]
    return Laid("\n".join(out), frozenset(unsupported))


@dataclass(frozen=True)
class PreLaid:
    """A black-normal module's layout made ahead of `format_files`: ``key`` addresses the
    module body it was made from."""

    key: str
    laid: Laid


def prelay(text: str, cache: SegmentStore | None = None) -> PreLaid | None:
    """Lay out a black-normal module as `format_files` will (None: the cache has it)."""
    _, _, body = split_header(text)
    key = _module_key(body, laid=True, via_black=False)
    if cache is not None and cache.get(key) is not None:
        return None
    return PreLaid(key, lay_out(body))


def format_python(path: str, text: str) -> str:
    """Format one Python source text whole (the reference the segmented path must match)."""
    import black

    mode, invalid = _black()
    try:
        return black.format_str(text, mode=mode)
    except invalid as exc:
        raise FormatError(f"{path}: generated code does not parse: {exc}") from None


def format_segmented(path: str, text: str) -> str:
    """Format one Python source text segment by segment, in this process, without a cache."""
    name = path if path.endswith(".py") else f"{path}.py"
    return format_files({name: text}, jobs=1)[name]


# -- splitting ---------------------------------------------------------------------------


def split_module(path: str, text: str) -> list[Segment]:
    """Cut a module into segments black formats alone exactly as within the module."""
    # The tree is acyclic and dropped on return: the cyclic collector would only rescan
    # the growing heap over and over (it more than doubles the parse time of a big module).
    collecting = gc.isenabled()
    gc.disable()
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        raise FormatError(f"{path}: generated code does not parse: {exc}") from None
    finally:
        if collecting:
            gc.enable()
    lines = _lines(text)
    if lines is None:  # a carriage return: not worth a rule of its own, keep it whole
        return [Segment(text, False, 0)]
    body = tree.body
    # Cut points: (index of the statement starting the new segment, first line, gap).
    cuts: list[tuple[int, int, int]] = []
    run_start_line = 1
    for i in range(1, len(body)):
        previous, node = body[i - 1], body[i]
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            start = _attached_start(lines, node, previous, 0)
            if start is not None and not _is_stub(lines, previous):
                cuts.append((i, start, 2))
                run_start_line = start
        elif (
            isinstance(node, _SIMPLE_STATEMENTS)
            and isinstance(previous, _SIMPLE_STATEMENTS)
            and node.lineno - run_start_line >= _RUN_SPLIT_LINES
        ):
            blank = _blank_between(lines, _end(previous), node.lineno)
            if blank is not None:
                cuts.append((i, node.lineno, min(blank, 2)))
                run_start_line = node.lineno
    segments: list[Segment] = []
    bounds = [(0, 1, 0), *cuts, (len(body), len(lines) + 1, 0)]
    for (first, start, gap), (_, end, _) in zip(bounds, bounds[1:]):
        head = body[first] if first < len(body) else None
        if isinstance(head, ast.ClassDef) and end - start >= _CLASS_SPLIT_LINES:
            segments += _split_class(lines, head, start, end, gap)
        else:
            segments.append(Segment("".join(lines[start - 1 : end - 1]), False, gap))
    return segments


def _split_class(
    lines: list[str], cls: ast.ClassDef, start: int, end: int, gap: int
) -> list[Segment]:
    """Cut a top-level class before each method but the first (see the module docstring)."""
    cuts: list[int] = []
    # body[0] always stays with the class line, so the first piece parses alone.
    for previous, node in zip(cls.body, cls.body[1:]):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        line = _attached_start(lines, node, previous, node.col_offset)
        if line is not None and not _is_stub(lines, previous):
            cuts.append(line)
    pieces = [start, *cuts, end]
    out = [Segment("".join(lines[pieces[0] - 1 : pieces[1] - 1]), False, gap)]
    for a, b in zip(pieces[1:], pieces[2:]):
        out.append(Segment(_WRAPPER + "".join(lines[a - 1 : b - 1]), True, 1))
    return out


def _end(node: ast.stmt) -> int:
    end = node.end_lineno
    assert end is not None
    return end


def _first_line(node: ast.stmt) -> int:
    if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return node.lineno


def _attached_start(
    lines: list[str], node: ast.stmt, previous: ast.stmt, indent: int
) -> int | None:
    """Return where a definition's segment starts, or None when a cut there is unsafe.

    The comment lines directly above the definition, at its indentation, move with it;
    between the previous statement and those only blank lines may stand.
    """
    start = _first_line(node)
    prefix = " " * indent
    while start - 1 > _end(previous):
        text = lines[start - 2]
        if text.startswith(prefix + "#"):
            start -= 1
        else:
            break
    if _blank_between(lines, _end(previous), start) is None:
        return None
    return start


def _lines(text: str) -> list[str] | None:
    """Split on ``\n`` only (as ast counts lines: not on form feeds or U+2028)."""
    if "\r" in text:
        return None
    lines = [line + "\n" for line in text.split("\n")]
    if text.endswith("\n"):
        lines.pop()
    elif lines:
        lines[-1] = lines[-1][:-1]
    return lines


def _is_blank(line: str) -> bool:
    # Not str.strip(): a form feed is not blank to black (it keeps it at top level).
    return not line.strip(" \t\n")


def _blank_between(lines: list[str], after: int, before: int) -> int | None:
    """Return the number of blank lines strictly between two lines, None if any is not blank."""
    between = lines[after : before - 1]
    if not all(_is_blank(line) for line in between):
        return None
    return len(between)


def _is_stub(lines: list[str], node: ast.stmt) -> bool:
    """Return whether a statement may end in a stub definition (``def f(): ...``).

    Black keeps zero blank lines after a one-line stub when none were written, so no cut is
    made after one: after a definition whose whole body is ``...`` or ``pass``, or after
    any statement whose last line ends in ``...`` or ``pass`` (a stub nested in an ``if``).
    """
    last = lines[_end(node) - 1].rstrip()
    if last.endswith("...") or last.endswith("pass"):
        return True
    if not isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    if len(node.body) != 1:
        return False
    only = node.body[0]
    return isinstance(only, ast.Pass) or (
        isinstance(only, ast.Expr)
        and isinstance(only.value, ast.Constant)
        and only.value.value is Ellipsis
    )


# -- formatting and joining --------------------------------------------------------------


def join_segments(segments: Sequence[Segment], formatted: dict[str, str]) -> str:
    """Join formatted segments with the blank lines black puts between them."""
    parts: list[str] = []
    for segment in segments:
        text = formatted[segment.key]
        if segment.wrapped:
            assert text.startswith(_WRAPPER), text[:40]
            text = text[len(_WRAPPER) :]
        if parts and text:
            parts.append("\n" * segment.gap)
        parts.append(text)
    return "".join(parts)


def _format_segments(
    segments: Iterable[Segment],
    cache: SegmentStore | None,
    lazy: _Pool | None,
    stats: FormatStats,
    on_file: Callable[[int, int, str], None] | None,
) -> dict[str, str]:
    """Return {key: black output} for every segment, formatting only what is not cached."""
    results: dict[str, str] = {}
    missing: dict[str, str] = {}
    for segment in segments:
        stats.segments += 1
        key = segment.key
        if key in results or key in missing:
            continue
        hit = cache.get(key) if cache is not None else None
        if hit is not None:
            results[key] = hit
            stats.cached += 1
        else:
            missing[key] = segment.source
    lines = sum(s.count("\n") for s in missing.values())
    stats.formatted += len(missing)
    stats.formatted_lines += lines
    batches = _batches(missing)
    pool = lazy.get(lines, _POOL_MIN_LINES) if lazy is not None else None
    done = 0
    if pool is None or len(batches) < 2:
        for batch in batches:
            results.update(zip(batch, _format_batch([missing[k] for k in batch])))
            done += len(batch)
            if on_file is not None:
                on_file(done, len(missing), "segments")
    else:
        futures = [
            (batch, pool.submit(_format_batch, [missing[k] for k in batch]))
            for batch in batches
        ]
        for batch, future in futures:
            results.update(zip(batch, future.result()))
            done += len(batch)
            if on_file is not None:
                on_file(done, len(missing), "segments")
    if cache is not None:
        for key in missing:
            cache.put(key, results[key])
    return results


def _batches(missing: dict[str, str]) -> list[list[str]]:
    """Group segment keys into jobs of about ``_BATCH_LINES`` lines, largest jobs first."""
    order = sorted(missing, key=lambda k: (-missing[k].count("\n"), k))
    batches: list[list[str]] = []
    current: list[str] = []
    size = 0
    for key in order:
        lines = missing[key].count("\n")
        if current and size + lines > _BATCH_LINES:
            batches.append(current)
            current, size = [], 0
        current.append(key)
        size += lines
    if current:
        batches.append(current)
    return batches


def _format_batch(sources: list[str]) -> list[str]:
    """Format segment sources with black (runs in a worker process)."""
    import black

    mode, invalid = _black()
    out: list[str] = []
    for source in sources:
        try:
            out.append(black.format_str(source, mode=mode))
        except invalid as exc:
            raise FormatError(f"generated code does not parse: {exc}") from None
    return out


def cpus() -> int:
    """Return how many CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1
