"""HTTP mode: Slack's requests arrive at ``POST /slack/events`` and go to Bolt as they are.

Bolt verifies the signature and timestamp (401 otherwise). A threaded stdlib server is
enough for one workspace; put a TLS-terminating proxy in front of it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import App, BoltRequest

EVENTS_PATH = "/slack/events"
MAX_BODY = 1024 * 1024


class SlackHttpServer:
    def __init__(self, app: App, *, host: str = "0.0.0.0", port: int = 3000) -> None:
        bolt = app

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if urlsplit(self.path).path == "/healthz":
                    self._answer(200, b"ok", {"Content-Type": "text/plain"})
                else:
                    self._answer(404, b"not found", {"Content-Type": "text/plain"})

            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                if parts.path != EVENTS_PATH or length > MAX_BODY:
                    self._answer(404, b"not found", {"Content-Type": "text/plain"})
                    return
                raw = self.rfile.read(length).decode("utf-8")
                headers: dict[str, str | Sequence[str]] = {k.lower(): [v] for k, v in self.headers.items()}
                response = bolt.dispatch(BoltRequest(body=raw, query=parts.query, headers=headers))
                out = {k: v[0] for k, v in response.headers.items() if v}
                self._answer(response.status, (response.body or "").encode("utf-8"), out)

            def _answer(self, status: int, payload: bytes, headers: dict[str, Any]) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() != "content-length":
                        self.send_header(name, str(value))
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def start_in_background(self) -> SlackHttpServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
