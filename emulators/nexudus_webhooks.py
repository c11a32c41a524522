"""Webhooks in the Nexudus emulator: ``/api/sys/webhooks`` and the pushes themselves.

When a thread or reply is created (through the API or a test's ``FakeNexudus.add``), every
Active webhook of its location and action (39 new thread, 40 new reply) is POSTed a JSON
array holding the whole record, in a background thread, signed as live accounts sign
(reference §15: HMAC-SHA256 of the text's ASCII encoding, each non-ASCII character as
``?``, uppercase hex). ``LastTrigger``, ``LastError`` and ``ErrorCount`` are kept; a
non-2xx answer or an unreachable URL is an error, and 10 in a row disable the webhook
(reference §9). Faults: ``paused`` stops all pushes, ``broken`` holds webhook ids whose
deliveries fail.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from emulators.http import Reply, Request
from emulators.nexudus_data import page_of, stamp, validation_failure, write_result

PATH = "/api/sys/webhooks"
ACTIONS = {"CommunityThread": 39, "CommunityMessage": 40}
REQUIRED = ("BusinessId", "Name", "Action", "URL")
DISABLED_AFTER = 10


@dataclass
class Push:
    """One delivery attempt, for tests and benchmarks to read."""

    webhook_id: int
    body: bytes
    status: int | None  # None: the URL did not answer
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


class WebhookDesk:
    def __init__(
        self, *, lock: threading.RLock, next_id: Callable[[], int], secret: Callable[[], str | None]
    ) -> None:
        self._lock = lock
        self._next_id = next_id
        self._secret = secret
        self.hooks: list[dict[str, Any]] = []
        self.pushes: list[Push] = []
        self.paused = False
        self.broken: set[int] = set()
        self.missing_role = False  # the bot's account lacks the Webhook roles: 401, as live (§15)
        self.edit_refused = False  # it lacks Webhook-Edit only: a PUT gets 401, as live
        self._senders: list[threading.Thread] = []

    # --- the API ----------------------------------------------------------------------

    def route(self, request: Request) -> Reply:
        if self.missing_role:
            return Reply(401, {"Message": "Access Denied."})
        tail = request.path.rstrip("/").removeprefix(PATH).strip("/")
        with self._lock:
            if not tail and request.method == "GET":
                return Reply(200, page_of("Webhook", list(self.hooks), request.query))
            if not tail and request.method in ("POST", "PUT"):
                return self._write(request.method, request.json() or {})
            hook = next((h for h in self.hooks if str(h["Id"]) == tail), None)
            if hook is None:
                return Reply(401, {"Message": "Not found"})
            if request.method == "DELETE":
                self.hooks.remove(hook)
                return Reply(200, {**write_result("Webhook", {"Id": hook["Id"]}, datetime.now(UTC))})
            return Reply(200, dict(hook))

    def _write(self, method: str, body: dict[str, Any]) -> Reply:
        missing = [(name, "is a required field") for name in REQUIRED if body.get(name) in (None, "")]
        if missing:
            return Reply(400, validation_failure(missing))
        if method == "PUT" and self.edit_refused:
            return Reply(401, {"Message": "Access Denied."})
        if method == "PUT":
            hook = next((h for h in self.hooks if h["Id"] == body.get("Id")), None)
            if hook is None:
                return Reply(401, {"Message": "Access Denied."})
            hook.update({k: v for k, v in body.items() if k in (*REQUIRED, "Description", "Active")})
            return Reply(200, write_result("Webhook", dict(hook), datetime.now(UTC)))
        hook = {
            "Id": self._next_id(),
            **{k: body.get(k) for k in REQUIRED},
            "Description": body.get("Description"),
            "Active": body.get("Active", True),
            "LastTrigger": None,
            "LastError": None,
            "ErrorCount": 0,
        }
        self.hooks.append(hook)
        return Reply(200, write_result("Webhook", dict(hook), datetime.now(UTC)))

    # --- pushes -----------------------------------------------------------------------

    def created(self, entity: str, record: dict[str, Any], business_id: int | None) -> None:
        """A board record was created: push it to the webhooks that want it."""
        action = ACTIONS.get(entity)
        if action is None or self.paused:
            return
        public = {k: v for k, v in record.items() if not k.startswith("_")}
        text = json.dumps([public], ensure_ascii=False)
        with self._lock:
            targets = [dict(h) for h in self.hooks if h["Active"] and h["Action"] == action]
            targets = [h for h in targets if h["BusinessId"] == business_id]
            for hook in targets:
                sender = threading.Thread(target=self._push, args=(hook, text), daemon=True)
                self._senders.append(sender)
                sender.start()

    def _push(self, hook: dict[str, Any], text: str) -> None:
        body = text.encode()
        headers = {"Content-Type": "application/json"}
        secret = self._secret()
        if secret is not None:
            # Nexudus signs the ASCII encoding of the text (§15), not the UTF-8 bytes it sends.
            signed = text.encode("ascii", errors="replace")
            headers["X-Nexudus-Hook-Signature"] = (
                hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest().upper()
            )
        status: int | None = 599 if hook["Id"] in self.broken else None
        if status is None:
            try:
                status = httpx.post(hook["URL"], content=body, headers=headers, timeout=10).status_code
            except httpx.HTTPError:
                status = None
        self._record(hook["Id"], body, status)

    def _record(self, hook_id: int, body: bytes, status: int | None) -> None:
        with self._lock:
            self.pushes.append(Push(hook_id, body, status))
            hook = next((h for h in self.hooks if h["Id"] == hook_id), None)
            if hook is None:
                return
            hook["LastTrigger"] = stamp(datetime.now(UTC), precise=True)
            if status is not None and 200 <= status < 300:
                hook["ErrorCount"] = 0
                return
            hook["LastError"] = f"HTTP {status}" if status else "the URL did not answer"
            hook["ErrorCount"] += 1
            if hook["ErrorCount"] >= DISABLED_AFTER:
                hook["Active"] = False

    def settle(self, timeout: float = 10.0) -> None:
        """Wait for the pushes under way (tests, benchmarks, shutdown)."""
        with self._lock:
            senders, self._senders = self._senders, []
        for sender in senders:
            sender.join(timeout)
