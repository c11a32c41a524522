"""``POST /nexudus/webhooks``: Nexudus's pushes, verified, turned into ids, answered at once.

The body is a JSON array of the affected records (reference §9). A reply record carries
``CommunityThreadId``, a thread record a ``Subject``; we keep only their ids and let the
``PushInbox`` read them afresh in the background, so Nexudus gets its 200 within a second
whatever the API or Slack are doing. Refusals record nothing:

* body over 1 MB (by ``Content-Length``, and while reading): 413;
* missing or wrong ``X-Nexudus-Hook-Signature``: 401;
* a content type other than ``application/json``: 400;
* not JSON, or not an array of objects each with an integer ``Id``: 400.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIEnvironment

from pydantic import SecretStr

from bot.webhooks.signature import HEADER, verified

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
_READ_CHUNK = 64 * 1024
_STATUS = {200: "200 OK", 400: "400 Bad Request", 401: "401 Unauthorized", 413: "413 Payload Too Large"}
_SIGNATURE_KEY = "HTTP_" + HEADER.upper().replace("-", "_")

Nudge = Callable[[list[int], list[int]], None]  # (thread ids, reply ids)


class Refused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


class WebhookReceiver:
    """The WSGI app behind ``POST /nexudus/webhooks``."""

    def __init__(self, secret: SecretStr, nudge: Nudge, *, max_body: int = MAX_BODY) -> None:
        self._secret = secret
        self._nudge = nudge
        self._max_body = max_body

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        try:
            threads, replies = self._accepted(environ)
        except Refused as refusal:
            log.warning("webhook refused (%s): %s", refusal.status, refusal)
            return _answer(start_response, refusal.status, str(refusal))
        log.info("webhook: %s thread(s), %s reply(ies)", len(threads), len(replies))
        if threads or replies:
            self._nudge(threads, replies)
        return _answer(start_response, 200, "ok")

    def _accepted(self, environ: WSGIEnvironment) -> tuple[list[int], list[int]]:
        body = self._body(environ)
        if not verified(body, environ.get(_SIGNATURE_KEY), self._secret.get_secret_value()):
            raise Refused(401, f"missing or invalid {HEADER}")
        content_type = str(environ.get("CONTENT_TYPE", "")).partition(";")[0].strip().lower()
        if content_type != "application/json":
            raise Refused(400, f"expected Content-Type application/json, got {content_type or 'none'!r}")
        return record_ids(body)

    def _body(self, environ: WSGIEnvironment) -> bytes:
        declared = str(environ.get("CONTENT_LENGTH") or "")
        if declared.isdigit() and int(declared) > self._max_body:
            raise Refused(413, f"body over {self._max_body} bytes")
        stream = environ["wsgi.input"]
        left = int(declared) if declared.isdigit() else self._max_body + 1
        chunks: list[bytes] = []
        size = 0
        while left > 0:
            chunk = stream.read(min(_READ_CHUNK, left))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            left -= len(chunk)
            if size > self._max_body:
                raise Refused(413, f"body over {self._max_body} bytes")
        return b"".join(chunks)


def record_ids(body: bytes) -> tuple[list[int], list[int]]:
    """(thread ids, reply ids) of a webhook body; ``Refused(400)`` unless it is a JSON
    array of objects with an integer ``Id``. Records of neither kind are ignored."""
    try:
        records: Any = json.loads(body)
    except ValueError as error:
        raise Refused(400, "body is not JSON") from error
    if not isinstance(records, list) or not all(_has_id(r) for r in records):
        raise Refused(400, "expected a JSON array of records, each with an integer Id")
    threads = [r["Id"] for r in records if "CommunityThreadId" not in r and "Subject" in r]
    replies = [r["Id"] for r in records if "CommunityThreadId" in r]
    return threads, replies


def _has_id(record: Any) -> bool:
    # bool is an int to Python, not to JSON: true is no id.
    return isinstance(record, dict) and type(record.get("Id")) is int


def _answer(start_response: StartResponse, status: int, text: str) -> list[bytes]:
    body = text.encode()
    start_response(_STATUS[status], [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
