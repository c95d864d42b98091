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
from dataclasses import dataclass, field
from pathlib import Path

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


def plan(out: Path, files: dict[str, str]) -> Plan:
    """Compare the wanted files with the output directory without changing anything."""
    owned = read_manifest(out)
    result = Plan()
    for rel in sorted(files):
        target = out / rel
        wanted = files[rel].encode("utf-8")
        current = target.read_bytes() if target.is_file() else None
        if current == wanted:
            result.unchanged.append(rel)
            continue
        if current is not None and rel not in owned:
            raise WriteError(
                f"{target}: exists but was not written by contractgen; move it away"
            )
        result.changed.append(rel)
    result.removed = sorted(
        rel for rel in owned if rel not in files and (out / rel).is_file()
    )
    return result


def write(out: Path, files: dict[str, str], comment: str) -> Plan:
    """Write the files atomically, drop obsolete owned files and record the new manifest."""
    result = plan(out, files)
    manifest = {
        "$comment": comment,
        "files": {rel: _digest(files[rel].encode("utf-8")) for rel in sorted(files)},
    }
    staged: list[tuple[Path, Path]] = []
    created: list[Path] = []
    try:
        for rel in result.changed:
            staged.append(_stage(out / rel, files[rel].encode("utf-8"), created))
        manifest_text = json.dumps(manifest, indent=2, sort_keys=True) + "\n"
        staged.append(_stage(out / MANIFEST, manifest_text.encode("utf-8"), created))
    except OSError as exc:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        for directory in reversed(created):
            _rmdir_quietly(directory)
        raise WriteError(f"cannot write {exc.filename}: {exc.strerror}") from None
    for tmp, target in staged:
        os.replace(tmp, target)
    for rel in result.removed:
        (out / rel).unlink(missing_ok=True)
        _prune_empty(out, (out / rel).parent)
    return result


def _stage(target: Path, data: bytes, created: list[Path]) -> tuple[Path, Path]:
    missing = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
    for directory in reversed(missing):
        directory.mkdir()
        created.append(directory)
    tmp = target.with_name(f".{target.name}.contractgen-tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return tmp, target


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
