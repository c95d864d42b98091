"""The benchmarks' own environment: `benchmarks/.venv`, with the peers each script needs.

Peers (fastjsonschema, pydantic, the official SDK, other generators) are installed only
there, never into the project's dependencies. A requirements file is reinstalled when its
content changes (a stamp holds its hash).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"


def venv_bin(name: str) -> Path:
    """Return the path of an executable inside benchmarks/.venv."""
    return VENV / ("Scripts" if os.name == "nt" else "bin") / name


def install(requirements: Path) -> Path:
    """Create benchmarks/.venv if needed, install a requirements file, return its python."""
    python = venv_bin("python")
    stamp = VENV / f".{requirements.stem}.sha256"
    wanted = hashlib.sha256(requirements.read_bytes()).hexdigest()
    if not python.exists():
        print(f"creating {VENV.relative_to(HERE.parent)} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not stamp.exists() or stamp.read_text().strip() != wanted:
        print(f"installing {requirements.relative_to(HERE.parent)} ...", flush=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-r", str(requirements)],
            check=True,
        )
        stamp.write_text(wanted + "\n")
    return python


def reexec_inside(requirements: Path, script: str) -> None:
    """Run ``script`` again inside benchmarks/.venv (set up first), unless already there."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    python = install(requirements)
    os.execv(str(python), [str(python), str(Path(script).resolve()), *sys.argv[1:]])
