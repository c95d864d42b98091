#!/usr/bin/env python3
"""Whole-API generation against its peers, in one command: `python benchmarks/generate.py`.

The first run makes `benchmarks/.venv` (stdlib venv, shared with the other benchmarks) and
installs `benchmarks/requirements-generate.txt` into it: openapi-python-client,
datamodel-code-generator and the official `telnyx` SDK. The project's own dependencies are
never touched; contractgen itself runs with the interpreter this script was started with
(the project's venv), as ``python -m generator``.

What it measures on the full Telnyx spec (../shared/specs/telnyx-openapi-2026-07-16.yml):

* YAML load: ``yaml.load`` with PyYAML's C loader, the floor any Python generator pays;
  every generation time is also shown as a multiple of it;
* cold generation: ``contractgen generate`` with an empty cache directory, next to
  ``openapi-python-client generate`` (config: ``literal_enums: true``; its default post
  hooks, ``ruff check --fix`` and ``ruff format``) and ``datamodel-codegen
  --output-model-type dataclasses.dataclass`` (its default formatters, black and isort);
* warm regeneration after a one-operation change: the summary of one operation is edited in
  the spec (a copy in the work directory, which the cold runs read too) and the package
  regenerated into the cold run's output with the cold run's cache (a different operation
  each repeat); the stage timings come from ``contractgen generate --timings``;
* peak memory of each run: the largest single process (``wait4``'s ru_maxrss) and the whole
  process tree (its RSS summed, sampled every 50 ms: our formatting pool has workers);
* import cost in a fresh process (median of 7, after a warm-up that writes the .pyc files):
  ``import <generated package>; Client(api_key=...)`` next to ``import telnyx;
  telnyx.Telnyx(api_key=...)``, both in the benchmark venv.

Cold runs take minutes each, so each generator runs once cold unless ``--repeats N`` asks
for more (medians are shown then). Targets (exit 1 naming each missed one, after printing
everything): cold contractgen >= 4x faster than openapi-python-client; warm regeneration
after a one-operation change <= 2 s, wall time of the whole command (the issue's target);
import + Client() < 150 ms.

Options: ``--repeats N`` cold runs per generator (default 1), ``--warm N`` warm repeats
(default 3), ``--skip-peers`` (ours only: the speed target is then not checked),
``--jobs N`` (passed to contractgen), ``--keep DIR`` (work in DIR and keep the outputs),
``--json PATH`` (also write the numbers), ``--import-only DIR`` (only the import cost, of a
package already generated in DIR).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from _env import VENV, install, venv_bin  # benchmarks/_env.py, beside this script

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REQUIREMENTS = HERE / "requirements-generate.txt"
SHARED = Path(os.environ.get("CONTRACTGEN_SHARED", ROOT.parent / "shared")).resolve()
SPEC = SHARED / "specs" / "telnyx-openapi-2026-07-16.yml"
PACKAGE = "telnyx_full"
# Where the contractgen runs keep their bytecode (see ``our_env``).
PYCACHE = HERE / ".pycache"


COLD_RATIO_TARGET = 4.0  # openapi-python-client cold time / ours
WARM_TARGET = 2.0  # seconds: the whole regeneration after a one-operation change
IMPORT_TARGET = 0.150  # seconds: import + Client()


# --------------------------------------------------------------------------- environment


def ensure_venv() -> None:
    """Create benchmarks/.venv if needed and install the peers when the file changed."""
    install(REQUIREMENTS)


# --------------------------------------------------------------------------- measuring


@dataclass
class Run:
    """One measured process: wall time, peak memory, exit code and output."""

    wall: float
    max_rss_mb: float  # the largest single process of the tree
    tree_rss_mb: float  # the whole tree's summed RSS, sampled
    returncode: int
    stdout: str = field(repr=False, default="")
    stderr: str = field(repr=False, default="")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_rss_kb(root: int) -> int:
    tree = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss_kb(pid)
        stack.extend(tree.get(pid, ()))
    return total


def measure(
    cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None
) -> Run:
    """Run a command, returning its wall time and peak memory (single process and tree)."""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if os.path.isdir("/proc"):
        sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out.seek(0)
    err.seek(0)
    return Run(
        wall,
        usage.ru_maxrss / 1024,
        peak[0] / 1024,
        proc.returncode,
        out.read().decode("utf-8", "replace"),
        err.read().decode("utf-8", "replace"),
    )


def our_env() -> dict[str, str]:
    # As installed, with bytecode: compiled once (by the first cold run) into the work
    # directory, not beside the sources; the peers' venv has its own from pip.
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONPYCACHEPREFIX=str(PYCACHE))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def peer_env() -> dict[str, str]:
    path = f"{venv_bin('python').parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return dict(os.environ, PATH=path, VIRTUAL_ENV=str(VENV))


def yaml_floor(repeats: int = 3) -> float:
    """Median seconds for PyYAML's C loader to load the spec (in the project interpreter)."""
    code = (
        "import sys, time, yaml\n"
        "text = open(sys.argv[1], 'rb').read()\n"
        "t = time.perf_counter(); yaml.load(text, Loader=yaml.CSafeLoader)\n"
        "print(time.perf_counter() - t)\n"
    )
    times = []
    for _ in range(repeats):
        proc = subprocess.run(
            [sys.executable, "-c", code, str(SPEC)],
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(proc.stdout))
    return statistics.median(times)


def contractgen(spec: Path, out: Path, cache: Path, jobs: int | None) -> Run:
    cmd = [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(out)]
    cmd += ["--package", PACKAGE, "--cache-dir", str(cache), "--timings"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    run = measure(cmd, env=our_env(), cwd=ROOT)
    if run.returncode != 0:
        raise SystemExit(f"contractgen failed:\n{run.stdout}\n{run.stderr[-3000:]}")
    return run


def timings(run: Run) -> dict[str, float]:
    """Parse ``contractgen: timings: load 3.71 s, ...`` from a run's stderr."""
    line = next(
        l for l in run.stderr.splitlines() if l.startswith("contractgen: timings:")
    )
    return {m[0]: float(m[1]) for m in re.findall(r"(\w+) ([\d.]+) s[,;]", line)}


def openapi_python_client(work: Path) -> Run:
    config = work / "opc-config.yaml"
    config.write_text("literal_enums: true\n")
    out = work / "opc"
    cmd = [str(venv_bin("openapi-python-client")), "generate", "--path", str(SPEC)]
    cmd += ["--config", str(config), "--output-path", str(out), "--overwrite"]
    return measure(cmd, env=peer_env(), cwd=work)


def datamodel_codegen(work: Path) -> Run:
    out = work / "dcg"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    cmd = [str(venv_bin("datamodel-codegen")), "--input", str(SPEC)]
    cmd += ["--input-file-type", "openapi", "--output", str(out / "models.py")]
    cmd += ["--output-model-type", "dataclasses.dataclass"]
    return measure(cmd, env=peer_env(), cwd=work)


def edit_one_operation(source: str, nth: int) -> str:
    """Return the spec with the summary of one operation (chosen by ``nth``) changed.

    Operations sit at ``paths: /path: method:``, so their summaries are the lines indented
    by six spaces inside the top-level ``paths:`` block (the spec is block-style YAML).
    """
    start = re.search(r"^paths:", source, re.MULTILINE)
    assert start is not None, "no top-level paths: in the spec"
    end = re.compile(r"^\S", re.MULTILINE).search(source, start.end())
    stop = end.start() if end else len(source)
    matches = list(
        re.compile(r"^ {6}summary: (.+)$", re.MULTILINE).finditer(
            source, start.end(), stop
        )
    )
    match = matches[(nth * 97) % len(matches)]
    value = match.group(1)
    if value[:1] in "'\"":
        edited = value[0] + f"(edited {nth}) " + value[1:]
    else:
        edited = f"(edited {nth}) {value}"
    return source[: match.start(1)] + edited + source[match.end(1) :]


def import_cost(pythonpath: Path | None, code: str, repeats: int = 7) -> float:
    """Median seconds of ``code`` (an import and a construction) in a fresh process.

    Bytecode is compiled first and may be written (``PYTHONDONTWRITEBYTECODE`` is dropped):
    an installed package has its .pyc files, and so should the generated one.
    """
    timer = (
        "import time\nt = time.perf_counter()\n" + code + "\n"
        "print(time.perf_counter() - t)\n"
    )
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    python = str(venv_bin("python"))
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
        subprocess.run(
            [python, "-m", "compileall", "-q", str(pythonpath)],
            env=env,
            check=True,
            capture_output=True,
        )
    subprocess.run([python, "-c", timer], env=env, check=True, capture_output=True)
    times = []
    for _ in range(repeats):
        proc = subprocess.run(
            [python, "-c", timer], env=env, check=True, capture_output=True, text=True
        )
        times.append(float(proc.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def import_costs(out: Path) -> tuple[float, float, float]:
    """Return (ours, the SDK's, httpx alone): import + client construction, fresh process."""
    ours = import_cost(out, f"import {PACKAGE}\n{PACKAGE}.Client(api_key='k')")
    sdk = import_cost(None, "import telnyx\ntelnyx.Telnyx(api_key='k')")
    httpx = import_cost(None, "import httpx")
    return ours, sdk, httpx


def print_imports(ours: float, sdk: float, httpx: float) -> None:
    print(f"import {PACKAGE} + Client():   {ours * 1000:7.1f} ms")
    print(
        f"import telnyx + Telnyx():      {sdk * 1000:7.1f} ms  ({sdk / ours:.1f}x ours)"
    )
    print(
        f"  of which import httpx alone: {httpx * 1000:7.1f} ms (both clients use it; "
        "in this venv it also pulls click/rich/pygments for its CLI, installed for the "
        "peer generators)"
    )


def count_opc(work: Path) -> str:
    api = list((work / "opc").rglob("api/**/*.py"))
    models = list((work / "opc").rglob("models/*.py"))
    endpoints = len([p for p in api if p.name != "__init__.py"])
    return f"{endpoints} endpoint modules, {len(models)} model modules"


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--warm", type=int, default=3)
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--import-only",
        type=Path,
        metavar="DIR",
        help=f"only measure import cost, of {PACKAGE} already generated in DIR",
    )
    args = parser.parse_args()
    if args.import_only:
        ensure_venv()
        ours, sdk, httpx = import_costs(args.import_only.resolve())
        print_imports(ours, sdk, httpx)
        if ours >= IMPORT_TARGET:
            print(f"MISSED import: {ours * 1000:.0f} ms (target < 150 ms)")
            return 1
        return 0
    if not SPEC.is_file():
        raise SystemExit(f"{SPEC} is missing (set CONTRACTGEN_SHARED)")
    ensure_venv()
    work = (
        args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="cg-bench-"))
    )
    work.mkdir(parents=True, exist_ok=True)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; spec {SPEC.name} "
        f"({SPEC.stat().st_size / 1e6:.1f} MB); work dir {work}",
        flush=True,
    )
    numbers: dict[str, object] = {}

    floor = yaml_floor()
    numbers["yaml_load_s"] = floor
    print(f"YAML load (C loader): {floor:.2f} s", flush=True)

    ours_cold: list[Run] = []
    out = work / "ours"
    cache = work / "cache"
    # A user's spec stays where it is while they edit it: generate from a copy at one path,
    # edited in place below (the files name the spec's path).
    source = SPEC.read_text(encoding="utf-8")
    spec = work / "spec" / SPEC.name
    spec.parent.mkdir(exist_ok=True)
    spec.write_text(source, encoding="utf-8")
    for i in range(args.repeats):
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        run = contractgen(spec, out, cache, args.jobs)
        ours_cold.append(run)
        print(
            f"contractgen cold #{i + 1}: {run.wall:.1f} s; {timings(run)}", flush=True
        )

    warm_runs: list[Run] = []
    for i in range(args.warm):
        spec.write_text(edit_one_operation(source, i + 1), encoding="utf-8")
        run = contractgen(spec, out, cache, args.jobs)
        warm_runs.append(run)
        print(
            f"contractgen warm #{i + 1}: {run.wall:.2f} s; {timings(run)}", flush=True
        )
    # Leave the package generated from the real spec for the import measurement.
    spec.write_text(source, encoding="utf-8")
    contractgen(spec, out, cache, args.jobs)

    peers: dict[str, list[Run]] = {}
    if not args.skip_peers:
        for name, runner in (
            ("openapi-python-client", openapi_python_client),
            ("datamodel-code-generator", datamodel_codegen),
        ):
            runs = []
            for i in range(args.repeats):
                run = runner(work)
                runs.append(run)
                print(
                    f"{name} #{i + 1}: {run.wall:.1f} s (exit {run.returncode})",
                    flush=True,
                )
                if run.returncode != 0:
                    print(run.stderr[-2000:], flush=True)
            peers[name] = runs
        print(f"openapi-python-client output: {count_opc(work)}", flush=True)

    ours_import, sdk_import, httpx_import = import_costs(out)

    # ------------------------------------------------------------------ table
    def med(runs: list[Run], attr: str) -> float:
        return float(statistics.median(float(getattr(r, attr)) for r in runs))

    cold = med(ours_cold, "wall")
    warm_total = (
        statistics.median(r.wall for r in warm_runs) if warm_runs else float("nan")
    )
    warm_format = (
        statistics.median(timings(r).get("format", float("nan")) for r in warm_runs)
        if warm_runs
        else float("nan")
    )
    rows = [("contractgen (cold, empty cache)", ours_cold)]
    rows += [(f"{name} (cold)", runs) for name, runs in peers.items()]
    print()
    print(
        f"{'generator':<40} {'wall s':>9} {'x YAML':>7} {'vs ours':>8} "
        f"{'max RSS MB':>11} {'tree RSS MB':>12}"
    )
    for name, runs in rows:
        wall = med(runs, "wall")
        print(
            f"{name:<40} {wall:>9.1f} {wall / floor:>7.1f} {wall / cold:>7.2f}x "
            f"{med(runs, 'max_rss_mb'):>11.0f} {med(runs, 'tree_rss_mb'):>12.0f}"
        )
    if warm_runs:
        print(
            f"{'contractgen warm (one operation edited)':<40} {warm_total:>9.2f} "
            f"{warm_total / floor:>7.1f} {'':>8} {med(warm_runs, 'max_rss_mb'):>11.0f} "
            f"{med(warm_runs, 'tree_rss_mb'):>12.0f}"
        )
        per_stage = {
            k: statistics.median(timings(r).get(k, 0.0) for r in warm_runs)
            for k in timings(warm_runs[0])
        }
        print(
            "  warm stages (median): "
            + ", ".join(f"{k} {v:.2f} s" for k, v in per_stage.items())
        )
    print(f"{'YAML load floor (C loader)':<40} {floor:>9.2f} {1.0:>7.1f}")
    print()
    print_imports(ours_import, sdk_import, httpx_import)
    if args.repeats == 1:
        print("(cold: one run per generator; pass --repeats N for medians)")

    numbers.update(
        cold_s=[r.wall for r in ours_cold],
        cold_timings=[timings(r) for r in ours_cold],
        warm_s=[r.wall for r in warm_runs],
        warm_timings=[timings(r) for r in warm_runs],
        ours_max_rss_mb=[r.max_rss_mb for r in ours_cold],
        ours_tree_rss_mb=[r.tree_rss_mb for r in ours_cold],
        peers={
            name: [
                {
                    "wall_s": r.wall,
                    "max_rss_mb": r.max_rss_mb,
                    "tree_rss_mb": r.tree_rss_mb,
                    "exit": r.returncode,
                }
                for r in runs
            ]
            for name, runs in peers.items()
        },
        import_ours_ms=ours_import * 1000,
        import_httpx_ms=httpx_import * 1000,
        import_sdk_ms=sdk_import * 1000,
    )
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=2) + "\n")

    missed = []
    if "openapi-python-client" in peers:
        ratio = med(peers["openapi-python-client"], "wall") / cold
        if ratio < COLD_RATIO_TARGET:
            missed.append(
                f"cold: openapi-python-client / contractgen = {ratio:.2f}x "
                f"(target >= {COLD_RATIO_TARGET:.0f}x)"
            )
    if warm_runs and not warm_total <= WARM_TARGET:
        missed.append(
            f"warm: regeneration took {warm_total:.2f} s, of which formatting "
            f"{warm_format:.2f} s (target <= {WARM_TARGET:.0f} s)"
        )
    if not ours_import < IMPORT_TARGET:
        missed.append(
            f"import: {ours_import * 1000:.0f} ms (target < {IMPORT_TARGET * 1000:.0f} ms)"
        )
    for line in missed:
        print(f"MISSED {line}")
    if not missed:
        print("all targets met")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
