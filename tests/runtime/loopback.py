"""A scripted HTTP/1.1 server on 127.0.0.1 for fault tests: raw sockets, one request per
connection, so a handler can answer, stall, reset (RST) or truncate at will."""

from __future__ import annotations

import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

_REASONS = {
    200: "OK",
    204: "No Content",
    404: "Not Found",
    418: "I'm a teapot",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass
class Received:
    """One request as the server read it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Conn:
    """What a handler gets: the socket, the attempt number (1-based) and the request."""

    sock: socket.socket
    attempt: int
    request: Received
    stop: threading.Event
    done: bool = field(default=False)

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def respond(
        self,
        status: int,
        body: bytes | str = b"",
        *,
        content_type: str | None = "application/json",
        headers: dict[str, str] | None = None,
        content_length: int | None = None,
    ) -> None:
        """Send a whole response (``content_length`` may lie, to truncate), then close."""
        data = body.encode() if isinstance(body, str) else body
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
        if content_type is not None:
            lines.append(f"Content-Type: {content_type}")
        length = len(data) if content_length is None else content_length
        lines.append(f"Content-Length: {length}")
        lines.append("Connection: close")
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + data)

    def reset(self) -> None:
        """Close with RST (SO_LINGER 0) instead of FIN."""
        self.sock.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        self.sock.close()
        self.done = True

    def stall(self, seconds: float) -> None:
        """Wait without answering (returns early when the server stops)."""
        self.stop.wait(seconds)


Handler = Callable[[Conn], None]


def _read_request(sock: socket.socket) -> Received | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return Received(method, target, headers, rest[:length])


class LoopbackServer:
    """Start with ``with LoopbackServer(handler) as server:``; ``server.url`` and
    ``server.requests`` (every request read, in order) are what tests look at."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[Received] = []
        self.errors: list[BaseException] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, daemon=True)

    @property
    def attempts(self) -> int:
        with self._lock:
            return len(self.requests)

    def __enter__(self) -> LoopbackServer:
        self._accepter.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._accepter.join(2)
        for thread in self._threads:
            thread.join(2)
        self._listener.close()
        if self.errors and exc is None:
            raise AssertionError(f"loopback handler failed: {self.errors!r}")

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        sock.settimeout(5)
        try:
            request = _read_request(sock)
            if request is None:
                return
            with self._lock:
                self.requests.append(request)
                attempt = len(self.requests)
            conn = Conn(sock, attempt, request, self._stop)
            self.handler(conn)
            if not conn.done:
                sock.close()
        except OSError:
            pass  # the client went away (timeouts) - expected in fault tests
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.errors.append(exc)
        finally:
            try:
                sock.close()
            except OSError:
                pass
