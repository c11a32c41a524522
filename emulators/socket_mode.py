"""A Socket Mode endpoint on loopback: the WebSocket Slack hands out from apps.connections.open.

Served by the ``websockets`` library's threaded server. On connect it says ``hello`` as
Slack does; ``send`` pushes an envelope to the connected app; ``acks`` collects what the
app answers.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from websockets.sync.server import Server, ServerConnection, serve


class FakeSocketMode:
    def __init__(self) -> None:
        self._connection: ServerConnection | None = None
        self.connected = threading.Event()
        self.acks: list[dict[str, Any]] = []
        self._server: Server = serve(self._session, "127.0.0.1", 0)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/link"

    def send(self, envelope: dict[str, Any]) -> None:
        assert self._connection is not None, "no app connected"
        self._connection.send(json.dumps(envelope))

    def stop(self) -> None:
        self._server.shutdown()

    def _session(self, connection: ServerConnection) -> None:
        self._connection = connection
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        self.connected.set()
        for message in connection:  # ends when the app closes the connection
            self.acks.append(json.loads(message))
