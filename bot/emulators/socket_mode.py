"""A Socket Mode endpoint on loopback: the WebSocket Slack hands out from apps.connections.open.

Just enough of RFC 6455 for slack_sdk's built-in client: the upgrade handshake, text
frames both ways (client frames are masked), ping/pong and close. ``send`` pushes an
envelope to the connected app; ``acks`` collects what it answers.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
from typing import Any

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


class FakeSocketMode:
    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._connection: socket.socket | None = None
        self._send_lock = threading.Lock()
        self.connected = threading.Event()
        self.acks: list[dict[str, Any]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._listener.getsockname()[1]}/link"

    def send(self, envelope: dict[str, Any]) -> None:
        assert self._connection is not None, "no app connected"
        self._frame(TEXT, json.dumps(envelope).encode())

    def stop(self) -> None:
        self._listener.close()
        if self._connection is not None:
            self._connection.close()

    def _accept(self) -> None:
        try:
            connection, _ = self._listener.accept()
        except OSError:
            return  # stopped before anyone connected
        request = b""
        while b"\r\n\r\n" not in request:
            request += connection.recv(4096)
        headers = dict(line.split(": ", 1) for line in request.decode().split("\r\n")[1:] if ": " in line)
        key = next(v for k, v in headers.items() if k.lower() == "sec-websocket-key")
        accept = base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()
        connection.sendall(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept}\r\n\r\n".encode()
        )
        self._connection = connection
        self._frame(TEXT, json.dumps({"type": "hello", "num_connections": 1}).encode())
        self.connected.set()
        self._read(connection)

    def _read(self, connection: socket.socket) -> None:
        try:
            while True:
                opcode, payload = _read_frame(connection)
                if opcode == TEXT:
                    self.acks.append(json.loads(payload))
                elif opcode == PING:
                    self._frame(PONG, payload)
                elif opcode == CLOSE:
                    return
        except (OSError, ConnectionError):
            return

    def _frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        if len(payload) < 126:
            header += bytes([len(payload)])
        elif len(payload) < 65536:
            header += bytes([126]) + struct.pack("!H", len(payload))
        else:
            header += bytes([127]) + struct.pack("!Q", len(payload))
        assert self._connection is not None
        with self._send_lock:
            self._connection.sendall(header + payload)


def _read_frame(connection: socket.socket) -> tuple[int, bytes]:
    first, second = _exactly(connection, 2)
    length = second & 0x7F
    if length == 126:
        length = struct.unpack("!H", _exactly(connection, 2))[0]
    elif length == 127:
        length = struct.unpack("!Q", _exactly(connection, 8))[0]
    mask = _exactly(connection, 4) if second & 0x80 else b"\0\0\0\0"
    data = _exactly(connection, length)
    return first & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(data))


def _exactly(connection: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = connection.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data
