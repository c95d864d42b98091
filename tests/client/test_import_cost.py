"""Import cost of a generated package: `import` + `Client()` must not load httpx, asyncio
or the (large, lazy) models, validators and resources modules; the first request must.

Each check runs in a fresh interpreter, since this test process has long imported httpx.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import httpx
import pytest

from generator.runtime import _requests
from generator.runtime import _runtime as rt
from tests.paths import GENERATED

# What `import telnyx_rooms; telnyx_rooms.Client(api_key=...)` must leave unimported.
HEAVY = (
    "httpx",
    "httpcore",
    "asyncio",
    "telnyx_rooms.models",
    "telnyx_rooms.validators",
    "telnyx_rooms.resources",
)

SESSION = {
    "id": "0ccc7b54-4df3-4bca-a65a-3da1ecc777f0",
    "room_id": "7b61621f-5fe4-4aad-ab11-9fd19e272e73",
    "active": False,
    "created_at": "2021-04-16T09:46:20.954863Z",
    "updated_at": "2021-04-16T10:24:55.962200Z",
    "ended_at": "2021-04-16T10:24:55.962200Z",
    "participants": [],
    "record_type": "room_session",
}


def run_fresh(code: str) -> object:
    """Run ``code`` in a new interpreter with generated/ importable; return what it
    printed last, parsed as JSON."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELNYX_")}
    env["PYTHONPATH"] = str(GENERATED)
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_import_and_client_construction_load_nothing_heavy() -> None:
    loaded = run_fresh(f"""
        import json, sys
        heavy = {HEAVY!r}
        preloaded = [m for m in heavy if m in sys.modules]
        import telnyx_rooms
        from telnyx_rooms import NOT_GIVEN, APIStatusError, Client
        client = Client(api_key="KEY-import-cost")
        client.with_options(max_retries=0, base_url="http://127.0.0.1:4010/v2")
        assert repr(client) == "Client(base_url='https://api.telnyx.com/v2')"
        assert client.api_key == "KEY-import-cost" and client.max_retries == 2
        print(json.dumps({{
            "preloaded": preloaded,
            "loaded": [m for m in heavy if m in sys.modules],
        }}))
        """)
    assert loaded == {"preloaded": [], "loaded": []}


def test_first_request_imports_httpx_and_shares_the_lazy_http_client() -> None:
    body = json.dumps({"data": SESSION})
    result = run_fresh(f"""
        import json, sys, threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                payload = {body!r}.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        import telnyx_rooms
        url = f"http://127.0.0.1:{{server.server_address[1]}}/v2"
        client = telnyx_rooms.Client(api_key="KEY-import-cost", base_url=url)
        copy = client.with_options(max_retries=0)
        before = "httpx" in sys.modules
        session = client.rooms.sessions.retrieve("{SESSION["id"]}").data
        shared = copy._http is client._http
        copy.close()
        open_after_copy_closed = not client._http.is_closed
        client.close()
        server.shutdown()
        print(json.dumps({{
            "before": before,
            "after": "httpx" in sys.modules,
            "id": session.id,
            "shared": shared,
            "open_after_copy_closed": open_after_copy_closed,
            "closed": client._http.is_closed,
        }}))
        """)
    assert result == {
        "before": False,
        "after": True,
        "id": SESSION["id"],
        "shared": True,
        "open_after_copy_closed": True,
        "closed": True,
    }


# The fast path must give exactly what httpx.URL gives; the others go to httpx itself.
PLAIN = [
    "https://api.telnyx.com/v2",
    "https://api.telnyx.com/v2/",
    "https://api.telnyx.com",
    "http://127.0.0.1:4010",
    "http://localhost:8080/a/b.c/~d_e-f/",
    "https://h:80/v2",
    "http://h:443",
    "https://h/.well-known",
    "https://h:65536",
    "http://127.1",
]
NOT_PLAIN = [
    "HTTPS://API.Telnyx.com/V2",
    "https://h:443/v2",
    "http://h:80",
    "http://h:0080",
    "https://h:/x",
    "https://h/a/../b",
    "https://h/a/./b",
    "https://h/%7Ea",
    "https://h/~a b",
    "https://h?x=1",
    "https://h#f",
    "https://user:pw@h/v2",
    "https://h/v2//",
    "https://h.",
    "https://h_x.com",
    "https://xn--bcher-kva.com",
    "https://bücher.com",
    "http://[::1]:8080/x",
    "http://256.1.1.1",
    "http://01.1.1.1",
    "http://999.1.1.1/v2",
    "ftp://h/x",
    "https://",
    "/v2",
    "",
]


def httpx_base_url(text: str) -> tuple[str, bool]:
    url = httpx.URL(text)
    return str(url).rstrip("/"), url.scheme in ("http", "https") and bool(url.host)


@pytest.mark.parametrize("text", PLAIN + NOT_PLAIN)
def test_base_url_fast_path_matches_httpx(text: str) -> None:
    assert _requests._is_plain_url(text) is (text in PLAIN)
    try:
        expected: object = httpx_base_url(text)
    except Exception as exc:  # httpx.InvalidURL: the runtime must raise it too
        with pytest.raises(type(exc)):
            _requests._parse_base_url(text)
        return
    assert _requests._parse_base_url(text) == expected


def test_httpx_constants_resolve_on_first_use() -> None:
    assert rt.Timeout is httpx.Timeout
    assert rt.DEFAULT_TIMEOUT is rt.DEFAULT_TIMEOUT
    assert rt.DEFAULT_TIMEOUT == httpx.Timeout(60.0, connect=5.0)
    with pytest.raises(AttributeError, match="no_such_name"):
        rt.no_such_name  # type: ignore[attr-defined]  # noqa: B018
