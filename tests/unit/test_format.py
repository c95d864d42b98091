"""Unit layer: segmented formatting is byte-identical to black on the whole module, and the
segment cache only ever saves time (never serves stale or corrupt output)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.analyze import analyze
from generator.config import load_config
from generator.format import (
    FormatStats,
    format_files,
    format_python,
    format_segmented,
    split_module,
)
from generator.load import load_file
from generator.render import RUNTIME_MODULES, black_normal, render
from generator.write import SegmentCache
from tests.paths import ROOT


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    """The golden package's modules as rendered (unformatted), runtime copies included."""
    config = load_config(ROOT)
    assert config.spec is not None
    api = analyze(load_file(config.spec), config)
    files = render(api, "telnyx_rooms", config.templates, config.client)
    return {p: t for p, t in files.items() if p.endswith(".py")}


def test_golden_modules_format_identically_whole_and_in_segments(
    rendered: dict[str, str],
) -> None:
    templated = [p for p in rendered if p.rsplit("/", 1)[-1] not in RUNTIME_MODULES]
    assert len(templated) >= 5
    for path, text in rendered.items():
        whole = format_python(path, text)
        assert format_segmented(path, text) == whole, path
        # The cuts are really made (else the equality would prove nothing).
        if path.endswith(("models.py", "validators.py", "rooms.py")):
            assert len(split_module(path, text)) > 10, path


TRICKY = '''\
# header comment
"""Module docstring."""
import os
x = 1
# comment directly above a class moves with it
@decorator
class A(Base):
    """Doc."""
    attr: int = 1
    def a(self): return 1
    # comment above a method
    @property
    def b(self):
        return 2


    def c(self): ...
    def d(self): ...
    async def e(self):
        pass
def stub(): ...
def after_stub():
    pass
if TYPE_CHECKING:
    def nested(): ...
def f(x,):
    return """
def not_a_def():
"""
class Empty: pass
Y = 2



Z = 3
class Last:
    def only(self): return  # trailing
'''


def test_tricky_module_formats_identically() -> None:
    # Shrink the thresholds so that every rule is exercised on a small text.
    import generator.format as fmt

    saved = fmt._CLASS_SPLIT_LINES, fmt._RUN_SPLIT_LINES
    fmt._CLASS_SPLIT_LINES, fmt._RUN_SPLIT_LINES = 1, 1
    try:
        assert format_segmented("t.py", TRICKY) == format_python("t.py", TRICKY)
        assert len(split_module("t.py", TRICKY)) >= 8
    finally:
        fmt._CLASS_SPLIT_LINES, fmt._RUN_SPLIT_LINES = saved


def test_cache_serves_what_black_made_and_rewrites_corrupt_entries(
    rendered: dict[str, str], tmp_path: Path
) -> None:
    files = {p: rendered[p] for p in sorted(rendered) if "resources" in p}
    assert files
    expected = {p: format_python(p, t) for p, t in files.items()}
    cache = SegmentCache(tmp_path / "format")
    cold = FormatStats()
    assert format_files(files, cache=cache, jobs=1, stats=cold) == expected
    assert cold.formatted > 0 and cold.modules_cached == 0

    warm = FormatStats()
    assert format_files(files, cache=cache, jobs=1, stats=warm) == expected
    assert warm.modules_cached == warm.modules and warm.formatted == 0

    # One changed method: only its segment goes to black again.
    path = next(p for p in files if p.endswith("/rooms.py"))
    changed = {path: files[path].replace("Operations on", "Calls on", 1)}
    one = FormatStats()
    assert format_files(changed, cache=cache, jobs=1, stats=one) == {
        path: format_python(path, changed[path])
    }
    assert changed[path] != files[path]
    assert one.formatted == 1 and one.cached == one.segments - 1

    # Corrupt every entry: each is detected, ignored and rewritten.
    entries = [p for p in (tmp_path / "format").rglob("*") if p.is_file()]
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:-3] + b"xx\n")
    cache = SegmentCache(tmp_path / "format")
    again = FormatStats()
    assert format_files(files, cache=cache, jobs=1, stats=again) == expected
    assert cache.rejected > 0 and again.formatted > 0
    cache = SegmentCache(tmp_path / "format")
    assert format_files(files, cache=cache, jobs=1) == expected
    assert cache.rejected == 0


def test_process_pool_gives_the_same_bytes(rendered: dict[str, str]) -> None:
    import generator.format as fmt

    saved = fmt._POOL_MIN_LINES, fmt._BATCH_LINES
    fmt._POOL_MIN_LINES, fmt._BATCH_LINES = 0, 50
    try:
        pooled = format_files(rendered, jobs=2)
    finally:
        fmt._POOL_MIN_LINES, fmt._BATCH_LINES = saved
    assert pooled == {p: format_python(p, t) for p, t in rendered.items()}


@pytest.mark.parametrize(
    "text",
    [
        "# h\n\x0c\nimport os\ndef f():\n    return 1\n\x0c\ndef g(): return 2\nx = 1\n\x0c\ny = 2\n",
        "# h\nx = '\u2028'\ndef f():\n    return '''a\u2028b\x0cc\x85d'''\n"
        "class A:\n    def a(self): pass\n    def b(self): return 1\n"
        "    def c(self): return 2\n",
        "# h\r\nimport os\r\ndef f():\r\n    pass\r\n",
        "def f(): pass\nx=1",
        "# only a comment",
        "",
    ],
    ids=[
        "form-feeds",
        "line-separators",
        "crlf",
        "no-final-newline",
        "comment",
        "empty",
    ],
)
def test_odd_texts_format_identically(text: str) -> None:
    import generator.format as fmt

    saved = fmt._CLASS_SPLIT_LINES, fmt._RUN_SPLIT_LINES
    fmt._CLASS_SPLIT_LINES, fmt._RUN_SPLIT_LINES = 1, 1
    try:
        assert format_segmented("t.py", text) == format_python("t.py", text)
    finally:
        fmt._CLASS_SPLIT_LINES, fmt._RUN_SPLIT_LINES = saved


def test_black_normal_fast_path_gives_blacks_bytes(rendered: dict[str, str]) -> None:
    """The built-in templates emit black's layout: laid out without black, every module of
    the golden package is byte-identical to black formatting it whole."""
    templated = {
        p: t for p, t in rendered.items() if p.rsplit("/", 1)[-1] not in RUNTIME_MODULES
    }
    normal = frozenset(p for p in templated if black_normal("telnyx_rooms", p))
    assert len(normal) >= len(templated) - 1
    stats = FormatStats()
    fast = format_files(templated, black_normal=normal, jobs=1, stats=stats)
    for path, text in templated.items():
        assert fast[path] == format_python(path, text), path
    # The fast path is really taken (else this proves nothing): _client.py's docstring
    # has lines too long inside a triple-quoted string, its one segment goes to black.
    assert stats.modules_laid >= len(normal) - 1, stats


def test_lines_the_fast_path_cannot_lay_out_go_to_black() -> None:
    """A too-long line of a shape pystyle does not reproduce is formatted by black."""
    text = (
        "def f() -> None:\n"
        "    total = first_value_in_a_long_sum + second_value_in_the_sum + third_value_in_the_sum_too\n"
        "    return total\n"
        "\n\n"
        "X = 1\n"
    )
    stats = FormatStats()
    out = format_files(
        {"m.py": text}, black_normal=frozenset({"m.py"}), jobs=1, stats=stats
    )
    assert out["m.py"] == format_python("m.py", text)
    assert stats.modules_laid == 0 and stats.formatted >= 1


def test_laid_out_modules_are_cached_by_their_rendered_text(
    rendered: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm run does not lay out an unchanged black-normal module again; a cache made
    by another version of the layout code is not served."""
    import generator.format as fmt

    normal = frozenset(p for p in rendered if black_normal("telnyx_rooms", p))
    files = {p: rendered[p] for p in normal}
    cache = SegmentCache(tmp_path / "format")
    cold = format_files(files, black_normal=normal, cache=cache, jobs=1)

    def refuse(text: str) -> fmt.Laid:
        raise AssertionError("laid out again")

    monkeypatch.setattr(fmt, "lay_out", refuse)
    warm = FormatStats()
    assert (
        format_files(files, black_normal=normal, cache=cache, jobs=1, stats=warm)
        == cold
    )
    assert warm.modules_cached == len(files)
    monkeypatch.setattr(fmt, "_LAYOUT_VERSION", b"another layout")
    with pytest.raises(AssertionError, match="laid out again"):
        format_files(files, black_normal=normal, cache=cache, jobs=1)


@pytest.mark.parametrize(
    "spec",
    [
        "spec/telnyx_room_sessions.yaml",
        "odd dir/spec with spaces .yaml",
        "a#b/'q'\"x\"\\\\/é😀\ttab\x0b.yaml",
        "x" * 200 + ".yml",
    ],
)
def test_our_headers_are_left_alone_by_black(spec: str) -> None:
    """Headers from ``python_header`` skip black: they must be what black would leave."""
    from generator.format import _plain_comments
    from generator.render import header_lines

    api = type("A", (), {"spec_file": spec, "spec_sha256": "0" * 64})()
    header = "\n".join(f"# {line}" for line in header_lines(api)) + "\n"  # type: ignore[arg-type]
    assert _plain_comments(header)
    module = header + '"""Doc."""\n'
    assert format_python("m.py", module) == module


def test_a_header_black_would_change_still_goes_to_black() -> None:
    from generator.format import _plain_comments

    for header in ("#no space\n", "# trailing \n", "# tab\tin it\n"):
        assert not _plain_comments(header)
    text = "#no space\n# trailing \n\nimport os\n"
    path = "pkg/models.py"
    out = format_files({path: text}, black_normal=frozenset({path}), jobs=1)
    assert (
        out[path]
        == format_python(path, text)
        == "# no space\n# trailing\n\nimport os\n"
    )


def test_built_in_modules_are_generated_without_importing_black(tmp_path: Path) -> None:
    """Everything the built-in templates emit is laid out by pystyle: a generation (cold,
    then warm) never imports black, a quarter of a second of every run."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from generator.cli import main\n"
        f"args = ['generate', '-o', {str(tmp_path / 'out')!r}, "
        f"'--cache-dir', {str(tmp_path / 'cache')!r}]\n"
        "assert main(args) == 0 and main(args) == 0\n"
        "print('black' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False"
