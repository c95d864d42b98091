#!/usr/bin/env python3
"""Client benchmark: sequential ``rooms.sessions.retrieve(id)`` calls per second.

Run it from the repository root (the first run creates benchmarks/.venv and installs
benchmarks/requirements-client.txt, then re-runs itself there):

    python3 benchmarks/client.py    # ~5 min on a busy 2-core VM

Options: ``--rounds N`` (default 7), ``--calls N`` per round (default 1000, the
100-participant payload uses a fifth), ``--skip-sdk`` (no official SDK: its target is then
not checked), ``--no-targets`` (report only, always exit 0), ``--placement same|split|none``
(default ``same``: server and benchmark pinned to one core, see below).

What it measures, all in this one process against the same loopback server:

* ``raw httpx``: ``httpx.Client.get`` / ``httpx.AsyncClient.get`` + ``json.loads``: the floor.
* ``contractgen``: ``telnyx_rooms.Client`` / ``AsyncClient`` from ``generated/`` (put on
  ``sys.path``), default settings (``strict=False``, 2 retries armed), returning the decoded
  ``ViewRoomSessionResponse``; ``contractgen strict`` also validates every response (shown,
  no target).
* ``telnyx SDK``: the official Stainless-generated ``telnyx`` package (``Telnyx`` /
  ``AsyncTelnyx``, installed only into the benchmark environment), returning its pydantic
  ``SessionRetrieveResponse``.

All clients use the one httpx imported here. The server is a raw asyncio HTTP/1.1 server in a
child process (127.0.0.1, port 0, keep-alive, precomputed response bytes) serving a
RoomSession with 0 and with 100 participants (random uuids, microsecond timestamps). Its
ceiling is measured with a blocking socket client sending the same request bytes, so the
server is known not to be the bottleneck. On Linux the server and the benchmark are pinned
to the same core by default: the calls are sequential, so the two never run at once, and on
a small VM waking a process on another core costs more than the server's whole answer (on
the 2-core machine this was written on, the socket ceiling was ~3k calls/s split across
cores against >10k calls/s on one core). The printed ceiling shows what the chosen
placement gives.

Each round runs every case; a case's calls are split into 10 blocks, interleaved with the
other cases' blocks in a fresh random order, so load from outside hits all cases alike. The
table shows the median over the rounds of calls/s and of this process's CPU time per call
(the server's CPU is not in it). ``overhead`` is the extra time per call over raw httpx:
``raw_calls_per_s / ours_calls_per_s - 1``.

Targets (exit 1 naming each missed one): contractgen overhead <= 15 % over raw httpx on the
0-participant payload, sync and async; contractgen faster than the official SDK in every
case (payload x sync/async).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from _env import reexec_inside  # benchmarks/_env.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
API_KEY = "KEYbenchmark0000000000000000000000"
OVERHEAD_TARGET = 0.15
# One session id per payload; the server answers 404 for any other.
SESSION_IDS = {
    0: "0f6a4c3e-2b1d-4c5e-9a7b-1d2e3f4a5b6c",
    100: "7b61621f-62e0-4aad-ab11-9fd19e272e73",
}
BLOCKS = 10  # each case's calls in a round are split into this many interleaved blocks
SERVER_TIME_LIMIT = 1800.0  # the server stops by itself after this many seconds


# ------------------------------------------------------------------------------- payloads


def _ts(base: datetime, rng: random.Random) -> str:
    moment = base + timedelta(
        seconds=rng.randint(0, 3600), microseconds=rng.randint(0, 999_999)
    )
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def make_payload(participants: int, session_id: str, seed: int = 11) -> dict[str, Any]:
    """A ViewRoomSession response body: ``{"data": RoomSession}`` with N participants."""
    rng = random.Random(seed + participants)
    base = datetime(2021, 4, 16, 9, 46, 20, tzinfo=timezone.utc)
    people = [
        {
            "context": rng.choice(["Alice", "Bob", "Carol", "Dave", "Eve"]) + f"-{i}",
            "id": _uuid(rng),
            "joined_at": _ts(base, rng),
            "left_at": _ts(base + timedelta(hours=1), rng),
            "record_type": "room_participant",
            "session_id": session_id,
            "updated_at": _ts(base + timedelta(hours=1), rng),
        }
        for i in range(participants)
    ]
    return {
        "data": {
            "active": False,
            "created_at": _ts(base, rng),
            "ended_at": _ts(base + timedelta(hours=2), rng),
            "id": session_id,
            "participants": people,
            "record_type": "room_session",
            "room_id": _uuid(rng),
            "updated_at": _ts(base + timedelta(hours=2), rng),
        }
    }


# --------------------------------------------------------------------------------- server


def _responses() -> dict[bytes, bytes]:
    """Precomputed full HTTP/1.1 responses keyed by the session id in the path."""
    out: dict[bytes, bytes] = {}
    for count, session_id in SESSION_IDS.items():
        body = json.dumps(
            make_payload(count, session_id), separators=(",", ":")
        ).encode()
        head = (
            "HTTP/1.1 200 OK\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
            "x-request-id: 3c9f5b1e-bench\r\n"
            "\r\n"
        ).encode()
        out[session_id.encode()] = head + body
    return out


_NOT_FOUND_BODY = b'{"errors":[{"code":"10005","title":"Resource not found"}]}'
_NOT_FOUND = (
    b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
    b"Content-Length: %d\r\n\r\n%s" % (len(_NOT_FOUND_BODY), _NOT_FOUND_BODY)
)


class _HTTPProtocol(asyncio.Protocol):
    """Minimal keep-alive HTTP/1.1: reads request heads (bodies by Content-Length), answers
    each with precomputed bytes chosen by the last path segment."""

    def __init__(self, responses: dict[bytes, bytes]) -> None:
        self.responses = responses
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer + data if self.buffer else data
        out = []
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = buffer[:end]
            length = 0
            lowered = head.lower()
            at = lowered.find(b"\r\ncontent-length:")
            if at >= 0:
                line_end = lowered.find(b"\r\n", at + 2)
                length = int(lowered[at + 17 : line_end if line_end >= 0 else None])
            if len(buffer) < end + 4 + length:
                break
            target = head[: head.find(b"\r\n")].split(b" ")[1]
            last = target.split(b"?", 1)[0].rsplit(b"/", 1)[-1]
            out.append(self.responses.get(last, _NOT_FOUND))
            buffer = buffer[end + 4 + length :]
        self.buffer = buffer
        if out and self.transport is not None:
            self.transport.write(b"".join(out))


def serve() -> None:
    """Child process: serve until stdin closes (the parent exited) or the time limit."""
    responses = _responses()

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: _HTTPProtocol(responses), "127.0.0.1", 0, backlog=64
        )
        port = server.sockets[0].getsockname()[1]
        print(port, flush=True)
        stop = asyncio.Event()
        stdin = sys.stdin.fileno()
        loop.add_reader(stdin, lambda: None if os.read(stdin, 1) else stop.set())
        try:
            await asyncio.wait_for(stop.wait(), SERVER_TIME_LIMIT)
        except asyncio.TimeoutError:
            pass
        server.close()

    asyncio.run(main())


def start_server() -> tuple[subprocess.Popen[bytes], int]:
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.strip():
        proc.kill()
        raise SystemExit("the benchmark server did not start")
    return proc, int(line)


def pin(pid: int, cpu: int) -> bool:
    if not hasattr(os, "sched_setaffinity") or (os.cpu_count() or 1) < 2:
        return False
    try:
        os.sched_setaffinity(pid, {cpu})
    except OSError:
        return False
    return True


# ---------------------------------------------------------------------------- the cases

Case = tuple[str, int]  # (client name, participants)
Call = Callable[[], object]
ACall = Callable[[], Awaitable[object]]


def _check(result: object, participants: int) -> None:
    """Every client must really have decoded the payload it was sent."""
    if isinstance(result, dict):
        data = result["data"]
        got = len(data["participants"])
    else:
        data = getattr(result, "data")
        got = len(data.participants or [])
        if not isinstance(data.created_at, datetime):
            raise AssertionError(f"{type(result).__name__}: created_at not decoded")
    if got != participants:
        raise AssertionError(
            f"{type(result).__name__}: {got} participants, expected {participants}"
        )


def socket_ceiling(port: int, path: str, calls: int) -> float:
    """Calls/s of a blocking socket client that sends the request bytes and reads exactly the
    response: the server's own ceiling for one sequential connection."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\n"
        f"Authorization: Bearer {API_KEY}\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(request)
        first = b""
        while b"\r\n\r\n" not in first:
            first += sock.recv(65536)
        head, _, rest = first.partition(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        size = len(head) + 4 + length
        while len(first) < size:
            first += sock.recv(65536)
        started = time.perf_counter()
        for _ in range(calls):
            sock.sendall(request)
            got = 0
            while got < size:
                got += len(sock.recv(65536))
        return calls / (time.perf_counter() - started)


def timed(call: Call, calls: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) for ``calls`` sequential calls."""
    cpu, started = time.process_time(), time.perf_counter()
    for _ in range(calls):
        call()
    return time.perf_counter() - started, time.process_time() - cpu


async def atimed(call: ACall, calls: int) -> tuple[float, float]:
    cpu, started = time.process_time(), time.perf_counter()
    for _ in range(calls):
        await call()
    return time.perf_counter() - started, time.process_time() - cpu


class Round:
    """One round: every case runs ``calls_for[n]`` calls, split into BLOCKS blocks that are
    interleaved in a fresh random order each time, so load from outside the benchmark hits
    all cases alike; gives (calls/s, CPU microseconds per call) per case."""

    def __init__(self, cases: list[Case], calls_for: dict[int, int], seed: int) -> None:
        self.rng = random.Random(seed)
        self.cases = cases
        self.calls_for = calls_for
        self.wall: dict[Case, float] = dict.fromkeys(cases, 0.0)
        self.cpu: dict[Case, float] = dict.fromkeys(cases, 0.0)

    def blocks(self) -> Iterator[tuple[Case, int]]:
        order = list(self.cases)
        for _ in range(BLOCKS):
            self.rng.shuffle(order)
            for case in order:
                yield case, self.calls_for[case[1]] // BLOCKS

    def add(self, case: Case, spent: tuple[float, float]) -> None:
        self.wall[case] += spent[0]
        self.cpu[case] += spent[1]

    def rates(self) -> dict[Case, tuple[float, float]]:
        return {
            case: (
                self.calls_for[case[1]] / self.wall[case],
                self.cpu[case] / self.calls_for[case[1]] * 1e6,
            )
            for case in self.cases
        }


def build_sync(
    port: int, with_sdk: bool
) -> tuple[dict[str, Callable[[str], Call]], list[Any]]:
    import httpx
    from telnyx_rooms import Client

    base = f"http://127.0.0.1:{port}/v2"
    raw = httpx.Client(base_url=base)
    raw_headers = {"Accept": "application/json", "Authorization": f"Bearer {API_KEY}"}
    ours = Client(api_key=API_KEY, base_url=base)
    strict = Client(api_key=API_KEY, base_url=base, strict=True)
    factories: dict[str, Callable[[str], Call]] = {
        "raw httpx": lambda sid: lambda: json.loads(
            raw.get(f"/room_sessions/{sid}", headers=raw_headers).content
        ),
        "contractgen": lambda sid: lambda: ours.rooms.sessions.retrieve(sid),
        "contractgen strict": lambda sid: lambda: strict.rooms.sessions.retrieve(sid),
    }
    closers: list[Any] = [raw.close, ours.close, strict.close]
    if with_sdk:
        import telnyx

        sdk = telnyx.Telnyx(api_key=API_KEY, base_url=base)
        factories["telnyx SDK"] = lambda sid: lambda: sdk.rooms.sessions.retrieve(sid)
        closers.append(sdk.close)
    return factories, closers


def build_async(
    port: int, with_sdk: bool
) -> tuple[dict[str, Callable[[str], ACall]], list[Any]]:
    import httpx
    from telnyx_rooms import AsyncClient

    base = f"http://127.0.0.1:{port}/v2"
    raw = httpx.AsyncClient(base_url=base)
    raw_headers = {"Accept": "application/json", "Authorization": f"Bearer {API_KEY}"}
    ours = AsyncClient(api_key=API_KEY, base_url=base)
    strict = AsyncClient(api_key=API_KEY, base_url=base, strict=True)

    def raw_call(sid: str) -> ACall:
        async def call() -> object:
            response = await raw.get(f"/room_sessions/{sid}", headers=raw_headers)
            return json.loads(response.content)

        return call

    factories: dict[str, Callable[[str], ACall]] = {
        "raw httpx": raw_call,
        "contractgen": lambda sid: lambda: ours.rooms.sessions.retrieve(sid),
        "contractgen strict": lambda sid: lambda: strict.rooms.sessions.retrieve(sid),
    }
    closers: list[Any] = [raw.aclose, ours.aclose, strict.aclose]
    if with_sdk:
        import telnyx

        sdk = telnyx.AsyncTelnyx(api_key=API_KEY, base_url=base)
        factories["telnyx SDK"] = lambda sid: lambda: sdk.rooms.sessions.retrieve(sid)
        closers.append(sdk.close)
    return factories, closers


# ------------------------------------------------------------------------------- running


def run(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(Path(args.generated).resolve()))
    import httpx

    with_sdk = not args.skip_sdk
    if with_sdk:
        try:
            import telnyx
        except ImportError:
            print(
                "the official SDK is not installed in benchmarks/.venv: "
                "delete it and run python3 benchmarks/client.py again (or --skip-sdk)",
                file=sys.stderr,
            )
            return 2
        sdk_version = telnyx.__version__
    else:
        sdk_version = "skipped"

    proc, port = start_server()
    pinned = "server and client not pinned"
    if args.placement == "split" and pin(proc.pid, 1) and pin(0, 0):
        pinned = "server and client pinned to separate cores"
    elif args.placement == "same" and pin(proc.pid, 0) and pin(0, 0):
        pinned = "server and client pinned to one core"
    try:
        return measure(args, port, with_sdk, sdk_version, pinned, httpx.__version__)
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


def measure(
    args: argparse.Namespace,
    port: int,
    with_sdk: bool,
    sdk_version: str,
    pinned: str,
    httpx_version: str,
) -> int:
    sizes = sorted(SESSION_IDS)
    calls_for = {
        0: max(args.calls // BLOCKS, 1) * BLOCKS,
        100: max(args.calls // 5 // BLOCKS, 1) * BLOCKS,
    }
    results: dict[tuple[str, int, str], list[tuple[float, float]]] = {}
    ceiling: dict[int, list[float]] = {n: [] for n in sizes}

    sync_factories, sync_closers = build_sync(port, with_sdk)
    sync_cases = {
        (name, n): factory(SESSION_IDS[n])
        for n in sizes
        for name, factory in sync_factories.items()
    }

    async def async_main() -> None:
        factories, closers = build_async(port, with_sdk)
        cases = {
            (name, n): factory(SESSION_IDS[n])
            for n in sizes
            for name, factory in factories.items()
        }
        for (name, n), call in cases.items():  # check + warm up
            _check(await call(), n)
            await atimed(call, max(calls_for[n] // 10, 20))
        for round_no in range(args.rounds):
            round_ = Round(list(cases), calls_for, round_no)
            for case, calls in round_.blocks():
                round_.add(case, await atimed(cases[case], calls))
            for (name, n), measured in round_.rates().items():
                results.setdefault(("async", n, name), []).append(measured)
        for close in closers:
            await close()

    try:
        for (name, n), call in sync_cases.items():  # check + warm up
            _check(call(), n)
            timed(call, max(calls_for[n] // 10, 20))
        for round_no in range(args.rounds):
            for n in sizes:
                ceiling[n].append(
                    socket_ceiling(
                        port, f"/v2/room_sessions/{SESSION_IDS[n]}", calls_for[n]
                    )
                )
            round_ = Round(list(sync_cases), calls_for, round_no)
            for case, calls in round_.blocks():
                round_.add(case, timed(sync_cases[case], calls))
            for (name, n), measured in round_.rates().items():
                results.setdefault(("sync", n, name), []).append(measured)
    finally:
        for close in sync_closers:
            close()
    asyncio.run(async_main())

    median = {
        key: statistics.median(r for r, _ in values) for key, values in results.items()
    }
    cpu_us = {
        key: statistics.median(c for _, c in values) for key, values in results.items()
    }
    print(
        f"client benchmark {datetime.now().date()} | python {platform.python_version()} | "
        f"httpx {httpx_version} | telnyx {sdk_version} | {os.cpu_count()} cores "
        f"({platform.machine()}){' | ' + pinned if pinned else ''}"
    )
    print(
        f"median of {args.rounds} rounds; {calls_for[0]} calls/round (0 participants), "
        f"{calls_for[100]} (100 participants); CPU = this process's CPU time per call"
    )
    for n in sizes:
        body = len(_responses()[SESSION_IDS[n].encode()])
        print(
            f"server ceiling, {n} participants ({body} bytes/response, raw socket client): "
            f"{statistics.median(ceiling[n]):,.0f} calls/s"
        )
    print()
    print(
        "| mode | participants | client | calls/s | CPU µs/call | vs raw httpx | contractgen vs it |"
    )
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
    names = ["raw httpx", "contractgen", "contractgen strict"]
    names += ["telnyx SDK"] if with_sdk else []
    for mode in ("sync", "async"):
        for n in sizes:
            raw = median[(mode, n, "raw httpx")]
            ours = median[(mode, n, "contractgen")]
            for name in names:
                rate = median[(mode, n, name)]
                extra = "-" if name == "raw httpx" else f"{raw / rate - 1:+.1%}"
                versus = "" if name == "contractgen" else f"{ours / rate:.2f}x"
                print(
                    f"| {mode} | {n} | {name} | {rate:,.0f} | {cpu_us[(mode, n, name)]:,.0f} | "
                    f"{extra} | {versus} |"
                )
    print()

    missed: list[str] = []
    for mode in ("sync", "async"):
        raw = median[(mode, 0, "raw httpx")]
        ours = median[(mode, 0, "contractgen")]
        overhead = raw / ours - 1
        verdict = "ok" if overhead <= OVERHEAD_TARGET else "MISSED"
        print(
            f"target {mode}: contractgen overhead over raw httpx, 0 participants "
            f"{overhead:+.1%} <= {OVERHEAD_TARGET:.0%}: {verdict}"
        )
        if verdict != "ok":
            missed.append(f"{mode} overhead {overhead:+.1%} > {OVERHEAD_TARGET:.0%}")
        if with_sdk:
            for n in sizes:
                sdk = median[(mode, n, "telnyx SDK")]
                ours_n = median[(mode, n, "contractgen")]
                verdict = "ok" if ours_n > sdk else "MISSED"
                print(
                    f"target {mode}: contractgen faster than the telnyx SDK, {n} participants "
                    f"{ours_n / sdk:.2f}x: {verdict}"
                )
                if verdict != "ok":
                    missed.append(
                        f"{mode} {n} participants: {ours_n / sdk:.2f}x the SDK"
                    )
    if missed:
        print("targets missed: " + "; ".join(missed), file=sys.stderr)
        return 0 if args.no_targets else 1
    print("all targets hold")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None
    )
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--skip-sdk", action="store_true")
    parser.add_argument("--no-targets", action="store_true")
    parser.add_argument(
        "--placement", choices=["same", "split", "none"], default="same"
    )
    parser.add_argument(
        "--generated", default=str(ROOT / "generated"), help=argparse.SUPPRESS
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return 0
    if args.rounds < 1 or args.calls < 1:
        parser.error("--rounds and --calls must be >= 1")
    if not args.skip_sdk:
        reexec_inside(ROOT / "benchmarks" / "requirements-client.txt", __file__)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
