"""Compiled validators and decoders against their peers, in one run.

    python3 benchmarks/validators.py [--rounds N | --quick] [--no-gc] [--json PATH]

The first run makes `benchmarks/.venv` (stdlib venv, shared with the other benchmarks) and
installs `benchmarks/requirements-validators.txt` into it: fastjsonschema, jsonschema with
rfc3339-validator, jsonschema-rs, pydantic, msgspec, and httpx, which the generated package
imports. Later runs reuse it (reinstalling when that file changes); the project's own
dependencies are never touched. The script then re-executes itself in that venv and times,
every (payload, contender) pair interleaved with every other round by round so that load on
the machine hits them alike:

* validation of RoomSession payloads with 0, 10 and 1,000 participants (valid), and 1,000
  with a bad ``joined_at`` at participant 500 (first-error mode): ours
  (``validate_room_session``, ``is_valid_room_session``), fastjsonschema (draft-07 form of the
  schema, a uuid format added), jsonschema (Draft202012Validator + FORMAT_CHECKER, with
  rfc3339-validator) and jsonschema-rs (``validate_formats=True``);
* decoding of the valid payloads: ours (``RoomSession.from_validated``, the decoder of a
  payload the validator accepted, which checks nothing the validator proved, and
  ``RoomSession.from_dict``, the lenient decoder of any payload), pydantic v2
  (``TypeAdapter.validate_python`` on equivalent BaseModels) and msgspec (``msgspec.convert``
  to equivalent Structs), all with datetime-typed timestamps and str ids.

It checks first that every contender accepts the valid payloads and rejects the bad one, and
says which of them miss exact date-time/uuid checks. Then it prints the median CPU
microseconds per call and each contender's time divided by ours, checks the targets, and exits
1 naming any that were missed. ``--quick`` is 5 rounds instead of 15 (a smoke run);
``--no-gc`` turns the garbage collector off while timing, as ``timeit`` does.
"""

import argparse
import copy
import gc
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional, TypeVar
from _env import reexec_inside  # benchmarks/_env.py, beside this script

K = TypeVar("K")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REQUIREMENTS = HERE / "requirements-validators.txt"
GENERATED = ROOT / "generated"
SCHEMA = GENERATED / "telnyx_rooms" / "schemas" / "RoomSession.json"


# --------------------------------------------------------------------------- environment


def ensure_venv() -> None:
    """Re-execute inside benchmarks/.venv, creating it and installing the peers if needed."""
    if sys.version_info < (3, 11):
        sys.exit(
            "benchmarks/validators.py needs Python >= 3.11 (as the generated code does)"
        )
    reexec_inside(REQUIREMENTS, __file__)


# --------------------------------------------------------------------------- payloads

_UUID_RE = (
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
BAD_INDEX = 500
BAD_JOINED_AT = "2021-04-16T09:46:20"  # no offset: invalid RFC 3339 for every contender


def room_session(participants: int, seed: int = 2021) -> dict[str, Any]:
    """A realistic RoomSession: distinct random uuids, distinct RFC 3339 timestamps."""
    rng = random.Random(seed + participants)

    def new_uuid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    start = datetime(2021, 4, 16, 9, 46, 20, tzinfo=timezone.utc)

    def stamp(seconds: float) -> str:
        moment = start + timedelta(
            seconds=seconds, microseconds=rng.randrange(1, 10**6)
        )
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    session_id = new_uuid()
    people = []
    for i in range(participants):
        joined = rng.uniform(0, 3000)
        left = joined + rng.uniform(10, 600)
        people.append(
            {
                "context": f"participant-{i}",
                "id": new_uuid(),
                "joined_at": stamp(joined),
                "left_at": stamp(left),
                "record_type": "room_participant",
                "session_id": session_id,
                "updated_at": stamp(left + 1),
            }
        )
    return {
        "active": False,
        "created_at": stamp(0),
        "ended_at": stamp(3700),
        "id": session_id,
        "participants": people,
        "record_type": "room_session",
        "room_id": new_uuid(),
        "updated_at": stamp(3701),
    }


def invalid_session() -> dict[str, Any]:
    payload = copy.deepcopy(room_session(1000))
    payload["participants"][BAD_INDEX]["joined_at"] = BAD_JOINED_AT
    return payload


# --------------------------------------------------------------------------- schemas


_ONLY_2019_PLUS = {
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
    "$vocabulary",
    "unevaluatedItems",
    "unevaluatedProperties",
    "dependentSchemas",
    "dependentRequired",
    "prefixItems",
    "minContains",
    "maxContains",
}


def draft7(schema: Any) -> Any:
    """The draft-07 form of a 2020-12 document: $defs -> definitions and refs to match."""
    if isinstance(schema, list):
        return [draft7(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    unsupported = _ONLY_2019_PLUS & schema.keys()
    if unsupported:
        raise SystemExit(f"no draft-07 form for {sorted(unsupported)}")
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$schema":
            out[key] = "http://json-schema.org/draft-07/schema#"
        elif key == "$defs":
            out["definitions"] = {k: draft7(v) for k, v in value.items()}
        elif key == "$ref" and isinstance(value, str):
            out[key] = value.replace("#/$defs/", "#/definitions/")
        elif key in ("properties", "patternProperties"):
            out[key] = {k: draft7(v) for k, v in value.items()}
        elif key in ("examples", "enum", "const", "default"):
            out[key] = value
        else:
            out[key] = draft7(value)
    return out


# --------------------------------------------------------------------------- timing


def calibrate(call: Callable[[], Any], target: float) -> int:
    """Iterations so that one sample takes about ``target`` seconds of CPU."""
    number = 1
    while True:
        start = time.process_time()
        for _ in range(number):
            call()
        elapsed = time.process_time() - start
        if elapsed >= target / 4 or number >= 1 << 20:
            return max(1, round(number * target / max(elapsed, 1e-9)))
        number *= 4


def measure(
    contenders: dict[K, Callable[[], Any]],
    rounds: int,
    collect: bool = True,
    target: float = 0.02,
) -> dict[K, float]:
    """Median microseconds per call, the contenders interleaved round by round.

    Time is the process's CPU time, so that other load on a shared machine is not counted
    (it still shows as spread between rounds, which the median absorbs). The garbage
    collector runs as in an application (``collect``), each sample starting from a full
    collection so that no contender pays for another's garbage; with ``collect=False`` it is
    off during samples, as in ``timeit``.
    """
    numbers = {name: calibrate(call, target) for name, call in contenders.items()}
    samples: dict[K, list[float]] = {name: [] for name in contenders}
    try:
        for _ in range(rounds):
            for name, call in contenders.items():
                number = numbers[name]
                gc.collect()
                if not collect:
                    gc.disable()
                start = time.process_time()
                for _ in range(number):
                    call()
                elapsed = time.process_time() - start
                gc.enable()
                samples[name].append(elapsed / number * 1e6)
    finally:
        gc.enable()
    return {name: statistics.median(values) for name, values in samples.items()}


def raises(call: Callable[[Any], Any], payload: Any) -> Callable[[], bool]:
    """A call that runs a raising validator and reports whether it accepted."""

    def run() -> bool:
        try:
            call(payload)
        except Exception:  # each library's own error type
            return False
        return True

    return run


# --------------------------------------------------------------------------- peers

if __name__ == "__main__":
    ensure_venv()  # before the peers are imported: they live in benchmarks/.venv

import fastjsonschema  # noqa: E402
import jsonschema  # noqa: E402
import jsonschema_rs  # noqa: E402
import msgspec  # noqa: E402
import pydantic  # noqa: E402

# The peers' models of RoomSession, at module level as applications define them (msgspec
# converts to a class defined inside a function measurably slower).


class Participant(pydantic.BaseModel):
    context: Optional[str] = None
    id: Optional[str] = None
    joined_at: Optional[datetime] = None
    left_at: Optional[datetime] = None
    record_type: Optional[str] = None
    session_id: Optional[str] = None
    updated_at: Optional[datetime] = None


class Session(pydantic.BaseModel):
    active: Optional[bool] = None
    created_at: Optional[datetime] = None
    ended_at: Optional[datetime] = None
    id: Optional[str] = None
    participants: Optional[list[Participant]] = None
    record_type: Optional[str] = None
    room_id: Optional[str] = None
    updated_at: Optional[datetime] = None


class ParticipantStruct(msgspec.Struct):
    context: Optional[str] = None
    id: Optional[str] = None
    joined_at: Optional[datetime] = None
    left_at: Optional[datetime] = None
    record_type: Optional[str] = None
    session_id: Optional[str] = None
    updated_at: Optional[datetime] = None


class SessionStruct(msgspec.Struct):
    active: Optional[bool] = None
    created_at: Optional[datetime] = None
    ended_at: Optional[datetime] = None
    id: Optional[str] = None
    participants: Optional[list[ParticipantStruct]] = None
    record_type: Optional[str] = None
    room_id: Optional[str] = None
    updated_at: Optional[datetime] = None


# --------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--no-gc",
        action="store_true",
        help="garbage collector off while timing (timeit's way); default: on, as in an app",
    )
    args = parser.parse_args()
    rounds = 5 if args.quick else args.rounds

    sys.path.insert(0, str(GENERATED))
    from telnyx_rooms import RoomSession, validators

    schema = json.loads(SCHEMA.read_text())
    fjs = fastjsonschema.compile(draft7(schema), formats={"uuid": _UUID_RE})
    oracle = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    rs = jsonschema_rs.validator_for(schema, validate_formats=True)

    adapter = pydantic.TypeAdapter(Session)

    validate_ours: Callable[[Any], None] = validators.validate_room_session
    is_valid_ours: Callable[[Any], bool] = validators.is_valid_room_session
    checkers: dict[str, Callable[[Any], bool]] = {
        "ours validate_room_session": lambda p: raises(validate_ours, p)(),
        "ours is_valid_room_session": is_valid_ours,
        "fastjsonschema": lambda p: raises(fjs, p)(),
        "jsonschema": oracle.is_valid,
        "jsonschema-rs": rs.is_valid,
    }

    # Sanity first: every contender must agree on what it is timed on, and we say who is exact.
    failures: list[str] = []
    sizes = (0, 10, 1000)
    payloads = {n: room_session(n) for n in sizes}
    bad = invalid_session()
    for name, check in checkers.items():
        for n, payload in payloads.items():
            if not check(payload):
                failures.append(
                    f"{name} rejects the valid payload with {n} participants"
                )
        if check(bad):
            failures.append(f"{name} accepts the invalid payload")
    exact_probes = {
        "date-time 2021-02-30": ("joined_at", "2021-02-30T09:46:20Z"),
        "date-time hour 24": ("joined_at", "2021-04-16T24:46:20Z"),
        "uuid with a 'g'": ("id", "7b61621f-62e0-4aad-ab11-9fd19e272e7g"),
    }
    exactness: dict[str, list[str]] = {}
    for name, check in checkers.items():
        missed = []
        for probe, (key, text) in exact_probes.items():
            payload = copy.deepcopy(payloads[10])
            payload["participants"][3][key] = text
            if check(payload):
                missed.append(probe)
        exactness[name] = missed
    for name in ("ours validate_room_session", "ours is_valid_room_session"):
        if exactness[name]:
            failures.append(f"{name} accepts {exactness[name]}")
    for n, payload in payloads.items():
        decoded = RoomSession.from_dict(payload)
        if decoded.to_dict() != payload:
            failures.append(f"from_dict/to_dict does not round-trip {n} participants")
        if RoomSession.from_validated(payload) != decoded:
            failures.append(
                f"from_validated differs from from_dict on {n} participants"
            )
        if n and not isinstance(decoded.participants[0].joined_at, datetime):  # type: ignore[index]
            failures.append("from_dict did not decode timestamps to datetime")
    struct = msgspec.convert(payloads[10], SessionStruct)
    model = adapter.validate_python(payloads[10])
    if not isinstance(struct.participants[0].joined_at, datetime):  # type: ignore[index]
        failures.append("msgspec did not decode timestamps to datetime")
    if not isinstance(model.participants[0].joined_at, datetime):  # type: ignore[index]
        failures.append("pydantic did not decode timestamps to datetime")
    if failures:
        for failure in failures:
            print(f"SANITY FAILED: {failure}")
        return 1

    def validation_contenders(payload: Any) -> dict[str, Callable[[], Any]]:
        return {
            "ours validate_room_session": raises(validate_ours, payload),
            "ours is_valid_room_session": lambda: is_valid_ours(payload),
            "fastjsonschema": raises(fjs, payload),
            "jsonschema": lambda: oracle.is_valid(payload),
            "jsonschema-rs": lambda: rs.is_valid(payload),
        }

    def decoding_contenders(payload: Any) -> dict[str, Callable[[], Any]]:
        return {
            "ours RoomSession.from_validated": lambda: RoomSession.from_validated(
                payload
            ),
            "ours RoomSession.from_dict": lambda: RoomSession.from_dict(payload),
            "pydantic TypeAdapter": lambda: adapter.validate_python(payload),
            "msgspec.convert": lambda: msgspec.convert(payload, SessionStruct),
        }

    print(
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {date.today().isoformat()}; {rounds} rounds, "
        f"garbage collector {'off' if args.no_gc else 'on'}; median CPU microseconds per "
        "call; ratio = time / ours (higher: ours faster)"
    )
    versions = {
        "fastjsonschema": fastjsonschema.VERSION,
        "jsonschema": _version("jsonschema"),
        "jsonschema-rs": _version("jsonschema_rs"),
        "pydantic": pydantic.VERSION,
        "msgspec": msgspec.__version__,
    }
    print("peers: " + ", ".join(f"{k} {v}" for k, v in versions.items()))

    tables: dict[str, dict[str, dict[str, float]]] = {"validate": {}, "decode": {}}
    workloads: list[tuple[str, str, dict[str, Callable[[], Any]]]] = []
    for n in sizes:
        workloads.append(
            ("validate", f"{n} participants", validation_contenders(payloads[n]))
        )
    workloads.append(
        ("validate", f"1000, bad at #{BAD_INDEX}", validation_contenders(bad))
    )
    for n in sizes:
        workloads.append(
            ("decode", f"{n} participants", decoding_contenders(payloads[n]))
        )
    # Within each table every (payload, contender) pair is interleaved with every other,
    # round by round, so that comparisons across payloads (the bad one against the good one)
    # are as fair as those within one. The tables are timed apart: next to the allocation
    # churn of jsonschema, msgspec ran up to twice as slow in trials on this machine.
    for kind in tables:
        flat = {
            (label, name): call
            for k, label, contenders in workloads
            if k == kind
            for name, call in contenders.items()
        }
        timed = measure(flat, rounds, not args.no_gc)
        for (label, name), micros in timed.items():
            tables[kind].setdefault(label, {})[name] = micros

    titles = {
        "validate": "Validation of a RoomSession",
        "decode": "Decoding a RoomSession into typed objects",
    }
    for kind, rows in tables.items():
        print()
        print(f"{titles[kind]}: µs per call (time / ours)")
        print()
        names = list(next(iter(rows.values())))
        print("| payload | " + " | ".join(names) + " |")
        print("|---|" + "---:|" * len(names))
        for label, timings in rows.items():
            ours = timings[names[0]]
            cells = [f"{timings[names[0]]:,.1f}"] + [
                f"{timings[name]:,.1f} ({timings[name] / ours:.2f}x)"
                for name in names[1:]
            ]
            print(f"| {label} | " + " | ".join(cells) + " |")
    print()
    for name, missed in exactness.items():
        if missed:
            print(
                f"note: {name} accepts {', '.join(missed)} (not an exact format check)"
            )

    valid = tables["validate"]["1000 participants"]
    invalid = tables["validate"][f"1000, bad at #{BAD_INDEX}"]
    decode = tables["decode"]["1000 participants"]
    ours_valid = valid["ours validate_room_session"]
    ours_decode = decode["ours RoomSession.from_validated"]
    lenient = decode["ours RoomSession.from_dict"]
    # (what, measured ratio, comparison, bound)
    targets = [
        (
            "validation, 1000 participants: fastjsonschema / ours >= 2",
            valid["fastjsonschema"] / ours_valid,
            ">=",
            2.0,
        ),
        (
            "validation, 1000 participants: jsonschema / ours >= 35",
            valid["jsonschema"] / ours_valid,
            ">=",
            35.0,
        ),
        (
            "validation: ours rejecting the bad payload / accepting the good one <= 1",
            invalid["ours validate_room_session"] / ours_valid,
            "<=",
            1.0,
        ),
        (
            "decoding, 1000 participants: pydantic / ours >= 1.3",
            decode["pydantic TypeAdapter"] / ours_decode,
            ">=",
            1.3,
        ),
        (
            "decoding, 1000 participants: pydantic / ours from_dict >= 1.3",
            decode["pydantic TypeAdapter"] / lenient,
            ">=",
            1.3,
        ),
        (
            "decoding, 1000 participants: ours / msgspec <= 2.5",
            ours_decode / decode["msgspec.convert"],
            "<=",
            2.5,
        ),
    ]
    # Not a target: the lenient decoder also checks what a validator would have (nulls,
    # offsets), so it is shown apart.
    print(
        "info  decoding, 1000 participants: ours from_dict / msgspec: "
        f"{lenient / decode['msgspec.convert']:.2f}"
    )
    missed_targets = []
    for what, value, op, bound in targets:
        ok = value >= bound if op == ">=" else value <= bound
        print(f"{'PASS' if ok else 'MISS'}  {what}: measured {value:.2f}")
        if not ok:
            missed_targets.append(what)
    if args.json:
        args.json.write_text(
            json.dumps({"versions": versions, "results": tables}, indent=2) + "\n"
        )
    if missed_targets:
        print(f"{len(missed_targets)} target(s) missed")
        return 1
    return 0


def _version(module: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(module.replace("_", "-"))
    except metadata.PackageNotFoundError:
        return "?"


if __name__ == "__main__":
    sys.exit(main())
