"""Prism, Stoplight's independent mock server (pinned in package.json), for contract tests.

:class:`PrismServer` runs ``node_modules/.bin/prism mock SPEC -h 127.0.0.1 -p PORT --errors``
on a free loopback port, waits (bounded) until it answers HTTP, and stops it (SIGTERM, then
SIGKILL after a timeout). Its output goes to a temporary file, never a pipe, so a chatty
server can never block; failures quote the tail of that output.

Why ``--errors``: Prism validates every request whatever the flag (an invalid request is
answered with the operation's documented 422/400/4XX response plus an ``sl-violations``
header, or, when none is documented, with its own ``application/problem+json`` 422/401).
``--errors`` additionally turns violations of the *responses Prism builds* into errors, so a
spec whose examples break its own schemas cannot pass silently either.

:class:`Traffic` records every exchange of an httpx client (event hooks), so a test can
assert that Prism found nothing wrong with any request the generated client sent - retries and
follow-up pages included - via :meth:`Traffic.assert_clean`.
"""

from __future__ import annotations

import json
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from tests.paths import ROOT

PRISM = ROOT / "node_modules" / ".bin" / "prism"
STARTUP_DEADLINE = 60.0  # seconds until Prism must answer HTTP
STOP_TIMEOUT = 10.0  # seconds between SIGTERM and SIGKILL
OUTPUT_TAIL = 4000  # characters of Prism's output quoted in failures (head + tail)
# Prism's own (not the spec's) error responses carry this problem type prefix.
PRISM_PROBLEM = "https://stoplight.io/prism/errors#"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def require_prism() -> Path:
    """Return the Prism executable or fail (never skip) saying how to install it."""
    if not PRISM.exists():
        pytest.fail(
            f"{PRISM} is missing: the contract tests run the Prism mock server pinned in "
            "package.json. Install it with `npm ci --no-audit --no-fund` in "
            f"{ROOT} (Node.js 20+).",
            pytrace=False,
        )
    return PRISM


class PrismServer:
    """One ``prism mock`` process; use as a context manager (stopped on any exit)."""

    def __init__(
        self,
        spec: Path,
        *,
        dynamic: bool = False,
        seed: str | None = None,
        errors: bool = True,
        verbose: str = "info",
    ) -> None:
        self.spec = spec
        self.dynamic = dynamic
        self.seed = seed
        self.errors = errors
        self.verbose = verbose
        self.port = 0
        self.url = ""
        # Seconds from launching the process that answered to its first HTTP answer.
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def command(self, port: int) -> list[str]:
        cmd = [str(require_prism()), "mock", str(self.spec), "-h", "127.0.0.1"]
        cmd += ["-p", str(port), "-v", self.verbose]
        if self.errors:
            cmd.append("--errors")
        if self.dynamic:
            cmd.append("--dynamic")
        if self.seed is not None:
            cmd += ["--seed", self.seed]
        return cmd

    def output(self) -> str:
        """What Prism printed so far (its head and tail when long)."""
        if self._log is None:
            return ""
        self._log.flush()
        text = Path(self._log.name).read_bytes().decode("utf-8", "replace")
        if len(text) <= OUTPUT_TAIL:
            return text
        head = OUTPUT_TAIL // 3
        return text[:head] + "\n[...]\n" + text[-(OUTPUT_TAIL - head) :]

    def start(self, deadline: float = STARTUP_DEADLINE) -> str:
        """Start Prism and return its base URL once it answers; fail with its output."""
        require_prism()
        # A port can be taken between free_port() and Prism's bind: try a few.
        for _ in range(3):
            launched = time.monotonic()
            self._spawn(free_port())
            if self._wait_ready(deadline):
                self.startup_seconds = time.monotonic() - launched
                return self.url
            assert self._proc is not None
            code = self._proc.poll()
            output = self.output()
            command = " ".join(self.command(self.port))
            self.stop()
            if "EADDRINUSE" not in output:
                break
        what = (
            f"exited with code {code}"
            if code is not None
            else f"did not answer within {deadline:.0f} s"
        )
        pytest.fail(
            f"Prism {what} on {self.url} (command: {command}).\n"
            f"Prism output:\n{output}",
            pytrace=False,
        )

    def _spawn(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._log = tempfile.NamedTemporaryFile(prefix="prism-", suffix=".log")
        self._proc = subprocess.Popen(
            self.command(port),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def _wait_ready(self, deadline: float) -> bool:
        assert self._proc is not None
        end = time.monotonic() + deadline
        with httpx.Client(timeout=2.0) as probe:
            while time.monotonic() < end:
                if self._proc.poll() is not None:
                    return False
                try:
                    probe.get(
                        self.url + "/"
                    )  # any HTTP answer (Prism: 404) means ready
                    return True
                except httpx.TransportError:
                    time.sleep(0.1)
        return False

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after STOP_TIMEOUT; idempotent."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(STOP_TIMEOUT)
        if self._log is not None:
            self._log.close()  # deletes the temporary file
            self._log = None

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> PrismServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def running_prism(spec: Path, **kwargs: Any) -> Iterator[PrismServer]:
    """``with running_prism(SPEC) as server: ... server.url ...``."""
    server = PrismServer(spec, **kwargs)
    try:
        server.start()
        yield server
    finally:
        server.stop()


# ----------------------------------------------------------------------------- traffic


@dataclass
class Exchange:
    """One request the client sent and what Prism thought of it."""

    method: str
    url: httpx.URL
    request_headers: httpx.Headers
    request_body: bytes
    status: int
    response_headers: httpx.Headers
    violations: list[Any] = field(default_factory=list)
    problem: Any = None  # Prism's own application/problem+json body, if any
    response_body: bytes | None = None  # kept only by ``Traffic(keep_bodies=True)``

    @property
    def request_violations(self) -> list[Any]:
        """Violations about the request (anything not located in the response)."""
        return [v for v in self.violations if not _in_response(v)]

    @property
    def response_violations(self) -> list[Any]:
        """Violations of the response Prism served (reported, not errors, without --errors)."""
        return [v for v in self.violations if _in_response(v)]

    def describe(self) -> str:
        return (
            f"{self.method} {self.url} -> {self.status}; "
            f"violations={json.dumps(self.violations)}; problem={json.dumps(self.problem)}"
        )


def _in_response(violation: Any) -> bool:
    location = violation.get("location") if isinstance(violation, dict) else None
    return isinstance(location, list) and location[:1] == ["response"]


def violations_of(headers: httpx.Headers, problem: Any) -> list[Any]:
    """Prism's complaints: the ``sl-violations`` header plus a problem body's ``validation``."""
    found: list[Any] = []
    header = headers.get("sl-violations")
    if header:
        try:
            parsed = json.loads(header)
        except ValueError:
            parsed = [header]
        found.extend(parsed if isinstance(parsed, list) else [parsed])
    if isinstance(problem, dict):
        found.extend(problem.get("validation") or [])
    return found


def _is_problem(response: httpx.Response) -> bool:
    mime = str(response.headers.get("content-type", "")).split(";", 1)[0]
    return mime.strip().lower() == "application/problem+json"


def _parse_problem(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return {"unparsable": content.decode("utf-8", "replace")}


class Traffic:
    """Records every exchange of the httpx clients it makes (response event hooks).

    ``keep_bodies=True`` also keeps every response body (read in the hook; httpx caches it,
    so the client under test reads the same bytes).
    """

    def __init__(self, *, keep_bodies: bool = False) -> None:
        self.exchanges: list[Exchange] = []
        self.keep_bodies = keep_bodies

    def _record(
        self, response: httpx.Response, problem: Any, body: bytes | None = None
    ) -> None:
        request = response.request
        self.exchanges.append(
            Exchange(
                method=request.method,
                url=request.url,
                request_headers=request.headers,
                request_body=request.content,
                status=response.status_code,
                response_headers=response.headers,
                violations=violations_of(response.headers, problem),
                problem=problem,
                response_body=body,
            )
        )

    def _hook(self, response: httpx.Response) -> None:
        # The runtime reads streamed bodies; reading a (small) problem body here is cached.
        body = response.read() if self.keep_bodies else None
        problem = _parse_problem(response.read()) if _is_problem(response) else None
        self._record(response, problem, body)

    async def _ahook(self, response: httpx.Response) -> None:
        body = await response.aread() if self.keep_bodies else None
        problem = (
            _parse_problem(await response.aread()) if _is_problem(response) else None
        )
        self._record(response, problem, body)

    def sync_client(self) -> httpx.Client:
        return httpx.Client(timeout=30.0, event_hooks={"response": [self._hook]})

    def async_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=30.0, event_hooks={"response": [self._ahook]})

    def clear(self) -> None:
        self.exchanges.clear()

    @property
    def last(self) -> Exchange:
        assert self.exchanges, "no request reached Prism"
        return self.exchanges[-1]

    def complaints(self) -> list[Exchange]:
        """Exchanges where Prism reported a request violation or answered on its own."""
        return [
            e
            for e in self.exchanges
            if e.violations
            or e.problem is not None
            or "sl-violations" in e.response_headers
        ]

    def assert_clean(self, *, expected: int | None = None) -> None:
        """Every recorded request passed Prism's validation (and ``expected`` were sent)."""
        bad = self.complaints()
        assert not bad, "Prism rejected requests:\n" + "\n".join(
            e.describe() for e in bad
        )
        if expected is not None:
            assert len(self.exchanges) == expected, "\n".join(
                e.describe() for e in self.exchanges
            )

    def statuses(self) -> Sequence[int]:
        return [e.status for e in self.exchanges]
