"""Stage 6: the only stage that touches disk. Atomic, and it only ever removes what it owns.

A manifest beside the output lists every file contractgen wrote with its hash. A file that
exists but is not in the manifest belongs to the user: it is never overwritten or deleted.
All new contents are staged to temporary files first, so a failure before the final renames
leaves the output exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from generator import fork

MANIFEST = ".contractgen-manifest.json"


class WriteError(Exception):
    """The output cannot be written (not the spec's fault): permissions, foreign files, disk."""


@dataclass
class Plan:
    """What a write would do: which paths change, which stay, which owned files go away."""

    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def stale(self) -> list[str]:
        """Return every path that differs from what generation would produce."""
        return sorted(self.changed + self.removed)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(out: Path) -> dict[str, str]:
    """Return {relative path: sha256} of the files contractgen owns in an output directory."""
    path = out / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise WriteError(
            f"{path}: unreadable manifest ({exc}); remove it to start over"
        ) from None
    return {str(k): str(v) for k, v in files.items()}


def plan(out: Path, files: dict[str, str], kept: Iterable[str] = ()) -> Plan:
    """Compare the wanted files with the output directory without changing anything
    (``kept``: owned files left as they are, which are not removed)."""
    owned = read_manifest(out)
    result = _compare(out, files, owned)
    skip = set(kept)
    result.removed = sorted(
        rel
        for rel in owned
        if rel not in files and rel not in skip and (out / rel).is_file()
    )
    return result


def _compare(out: Path, files: dict[str, str], owned: dict[str, str]) -> Plan:
    """Sort the wanted files into changed and unchanged ones (foreign files refused)."""
    result = Plan()
    names = sorted(files)
    contents = [_read_if_file(out / rel) for rel in names]
    for rel, current in zip(names, contents):
        target = out / rel
        wanted = files[rel].encode("utf-8")
        if current == wanted:
            result.unchanged.append(rel)
            continue
        if current is not None and rel not in owned:
            raise WriteError(
                f"{target}: exists but was not written by contractgen; move it away"
            )
        result.changed.append(rel)
    return result


def _read_if_file(path: Path) -> bytes | None:
    # Plain system calls, one file after another: for files in the page cache, threads
    # or ``Path.read_bytes`` cost several times the reading itself.
    try:
        fd = os.open(path, os.O_RDONLY)
    except (FileNotFoundError, NotADirectoryError):
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


@dataclass
class Staged:
    """Files written beside their targets under temporary names, not yet in place."""

    plan: Plan  # which of the staged files change (``removed`` is left empty)
    pairs: list[tuple[Path, Path]] = field(default_factory=list)  # (temporary, target)
    created: list[Path] = field(default_factory=list)  # directories made for them


def stage(out: Path, files: dict[str, str]) -> Staged:
    """Write the files that change to temporary names beside their targets.

    Nothing is in place until ``commit``; on failure, what was staged is removed.
    """
    result = _compare(out, files, read_manifest(out))
    staged = Staged(result)
    wanted = [(out / rel, files[rel].encode("utf-8")) for rel in result.changed]
    staged.pairs = [(_tmp_name(target), target) for target, _ in wanted]
    try:
        # Each directory once: thousands of files share a few.
        for directory in dict.fromkeys(target.parent for target, _ in wanted):
            _make_dirs(directory, staged.created)
        for target, data in wanted:
            _write_bytes(_tmp_name(target), data)
    except BaseException as exc:  # an interrupt too: no temporary file is left behind
        discard(staged)
        if isinstance(exc, OSError):
            raise WriteError(f"cannot write {exc.filename}: {exc.strerror}") from None
        raise
    return staged


def discard(staged: Staged) -> None:
    """Remove what a stage wrote (temporary files, then the directories it made)."""
    for tmp, _ in staged.pairs:
        _unlink_quietly(tmp)
    for directory in reversed(staged.created):
        _rmdir_quietly(directory)


def commit(
    out: Path,
    parts: Sequence[Staged],
    files: dict[str, str],
    comment: str,
    kept: Mapping[str, str] | None = None,
) -> Plan:
    """Put staged files in place, drop obsolete owned files and record the manifest.

    ``files`` is everything this generation produced (the parts staged all of it);
    ``kept`` maps the files it left as they are, known current (`OutputState.fresh`),
    to their hashes.
    """
    kept = kept or {}
    result = Plan(
        sorted(rel for part in parts for rel in part.plan.changed),
        sorted([rel for part in parts for rel in part.plan.unchanged] + list(kept)),
        sorted(
            rel
            for rel in read_manifest(out)
            if rel not in files and rel not in kept and (out / rel).is_file()
        ),
    )
    digests = dict(kept)
    digests.update((rel, _digest(text.encode("utf-8"))) for rel, text in files.items())
    manifest = {"$comment": comment, "files": dict(sorted(digests.items()))}
    manifest_text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    target = out / MANIFEST
    if (
        not result.removed
        and not any(part.pairs for part in parts)
        and _read_if_file(target) == manifest_text.encode("utf-8")
    ):
        return result  # nothing to do: no flush of the whole system's buffers either
    last = Staged(Plan())
    try:
        _make_dirs(target.parent, last.created)
        _write_bytes(_tmp_name(target), manifest_text.encode("utf-8"))
        last.pairs.append((_tmp_name(target), target))
        pairs = [pair for part in (*parts, last) for pair in part.pairs]
        _flush([tmp for tmp, _ in pairs])
    except OSError as exc:
        for part in (*parts, last):
            discard(part)
        raise WriteError(f"cannot write {exc.filename}: {exc.strerror}") from None
    for tmp, target in pairs:
        os.replace(tmp, target)
    for rel in result.removed:
        (out / rel).unlink(missing_ok=True)
        _prune_empty(out, (out / rel).parent)
    return result


def write(out: Path, files: dict[str, str], comment: str) -> Plan:
    """Write the files atomically, drop obsolete owned files and record the new manifest."""
    return commit(out, [stage(out, files)], files, comment)


def cache_file(target: Path, data: bytes) -> bool:
    """Write a cache file through a temporary name (concurrent runs never see half of
    one); return whether it worked. Failures leave nothing behind: a cache only saves time.
    """
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_bytes(tmp, data)
        os.replace(tmp, target)
    except OSError:
        _unlink_quietly(tmp)
        return False
    return True


Stat = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def _stat(path: Path) -> Stat | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


class OutputState:
    """What the last generation into a directory left there, kept in the cache: per file
    the key of its inputs (`generator.render.Output.key`), its hash and its stat.

    A file is fresh when its inputs key is the one recorded, the manifest still owns it
    with the recorded hash, and its stat is unchanged (as git trusts its index: an edit
    changes the modification time, or the inode when an editor replaces the file). A fresh
    file is neither rendered nor written again. Anything unreadable is simply not fresh.
    """

    def __init__(self, root: Path, out: Path) -> None:
        self.out = out
        name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:32]
        self.path = root / f"{name}.json"
        self.records: dict[str, tuple[str, str, Stat]] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            for rel, (key, digest, stat) in data["files"].items():
                self.records[rel] = (str(key), str(digest), tuple(stat))
        except (OSError, ValueError, KeyError, TypeError):
            self.records = {}
        try:
            self.owned = read_manifest(out) if self.records else {}
        except WriteError:  # nothing is fresh; writing reports the manifest
            self.owned = {}

    def fresh(self, rel: str, key: str | None) -> bool:
        """Return whether a file generated from inputs with this key is already in place."""
        record = self.records.get(rel)
        return (
            key is not None
            and record is not None
            and record[0] == key
            and self.owned.get(rel) == record[1]
            and _stat(self.out / rel) == record[2]
        )

    def save(self, keys: Mapping[str, str | None]) -> None:
        """Record the files just committed (errors leave no state: nothing is fresh)."""
        try:
            owned = read_manifest(self.out)
            records = {}
            for rel, key in sorted(keys.items()):
                stat = _stat(self.out / rel)
                if key is not None and rel in owned and stat is not None:
                    records[rel] = [key, owned[rel], list(stat)]
        except WriteError:  # the manifest just written is unreadable: record nothing
            _unlink_quietly(self.path)
            return
        if not cache_file(self.path, json.dumps({"files": records}).encode("utf-8")):
            _unlink_quietly(self.path)


class BackgroundStage:
    """Stage some files in a forked child while this process keeps working.

    Creating thousands of small files is slow on many disks, and the format stage keeps
    this process busy: files that need no formatting are staged meanwhile. The child
    shares the rendered text with this process (nothing is copied to it); where there is
    no fork, the files are staged when the result is asked for.
    """

    def __init__(self, out: Path, files: dict[str, str], inline: bool = False) -> None:
        self.job = fork.call(stage, out, files, inline=inline)

    def result(self) -> Staged:
        """Wait for the child and return what it staged (raises its WriteError)."""
        return self.job.result()

    def cancel(self) -> None:
        """Wait for the child and remove whatever it staged (a failed stage removed its
        own files)."""
        staged = self.job.finish()
        if staged is not None:
            discard(staged)


def _tmp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.contractgen-tmp")


def _make_dirs(directory: Path, created: list[Path]) -> None:
    missing = [p for p in (directory, *directory.parents) if not p.exists()]
    for directory in reversed(missing):
        directory.mkdir()
        created.append(directory)


def _write_bytes(path: Path, data: bytes, sync: bool = False) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def _stage(target: Path, data: bytes, created: list[Path]) -> tuple[Path, Path]:
    _make_dirs(target.parent, created)
    tmp = _tmp_name(target)
    _write_bytes(tmp, data, sync=True)
    return tmp, target


# Up to this many staged files, one fsync each is cheaper than flushing the whole system.
_FSYNC_FILES = 32


def _flush(paths: Sequence[Path]) -> None:
    """Make staged files durable before any is renamed into place.

    One fsync per file costs a journal commit each (seconds for the thousands of files of a
    large API); where the platform has it, one ``sync`` flushes them all at once. A
    regeneration that changes a few files syncs just those.
    """
    if hasattr(os, "sync") and len(paths) > _FSYNC_FILES:
        os.sync()
        return
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def drop_cache_entries(paths: Iterable[Path]) -> None:
    """Delete cache files, and cache directories with the files in them, that no run will
    read again (a cache entry that cannot be deleted is left: nothing depends on it)."""
    for path in paths:
        if path.is_dir():
            for item in path.iterdir():
                _unlink_quietly(item)
            _rmdir_quietly(path)
        else:
            _unlink_quietly(path)


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # e.g. a parent that is a file: nothing was staged there
        pass


def _rmdir_quietly(directory: Path) -> None:
    try:
        directory.rmdir()
    except OSError:
        pass


def _prune_empty(out: Path, directory: Path) -> None:
    """Remove directories emptied by dropping obsolete files, up to the output root."""
    while (
        directory != out and out in directory.parents and not any(directory.iterdir())
    ):
        directory.rmdir()
        directory = directory.parent


def write_file(target: Path, text: str) -> None:
    """Replace one file atomically (for single-file outputs such as a sliced spec)."""
    created: list[Path] = []
    try:
        tmp, final = _stage(target, text.encode("utf-8"), created)
        os.replace(tmp, final)
    except OSError as exc:
        raise WriteError(f"cannot write {exc.filename}: {exc.strerror}") from None


class SegmentCache:
    """Content-addressed store of formatted segments (the format stage's cache), on disk.

    One file per entry, ``<root>/<key[:2]>/<key>``: the sha256 of the text on the first
    line, then the text. The key is the hash of everything that determines the text, so an
    entry can never be stale; an entry whose hash does not match (torn, edited, truncated)
    is treated as missing and rewritten. Entries are written through a temporary file and a
    rename, so concurrent runs never see a half-written one. Failures to write are ignored:
    the cache only ever saves time.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.hits = 0
        self.misses = 0
        self.rejected = 0

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def get(self, key: str) -> str | None:
        """Return the text stored under a key, or None when missing or corrupt."""
        try:
            data = self._path(key).read_bytes()
        except OSError:
            self.misses += 1
            return None
        digest, sep, body = data.partition(b"\n")
        if not sep or digest.decode("ascii", "replace") != _digest(body):
            self.rejected += 1
            return None
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self.rejected += 1
            return None
        self.hits += 1
        try:  # recently used: `prune` keeps it longest
            os.utime(self._path(key))
        except OSError:
            pass
        return text

    def prune(self, limit: int, keep_since: float) -> int:
        """Delete the least recently used entries until at most ``limit`` bytes remain,
        never one stored or used since ``keep_since`` (a time); return how many went."""
        entries: list[tuple[float, int, str]] = []
        try:
            shards = [d.path for d in os.scandir(self.root) if d.is_dir()]
            for shard in shards:
                for entry in os.scandir(shard):
                    if not entry.name.startswith("."):  # not another run's temporary
                        info = entry.stat()
                        entries.append((info.st_mtime, info.st_size, entry.path))
        except OSError:
            return 0
        total = sum(size for _, size, _ in entries)
        removed = 0
        for mtime, size, path in sorted(entries):
            if total <= limit or mtime >= keep_since:
                break
            try:
                os.unlink(path)
            except OSError:
                continue
            total -= size
            removed += 1
        return removed

    def put(self, key: str, text: str) -> None:
        """Store a text under a key (atomically; errors leave the cache as it was)."""
        body = text.encode("utf-8")
        cache_file(self._path(key), _digest(body).encode("ascii") + b"\n" + body)
