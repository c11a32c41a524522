"""A Nexudus API emulator: token grants, list/get/create over the ``Records`` envelope,
and the failure modes tests need (down, slow, throttled, expired tokens, lost replies).

By default it behaves as live accounts do (``LiveAccount``, reference §15): 401 for a
missing record, ids out of creation order, seven-digit timestamps, unknown filters ignored.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from emulators import nexudus_replies
from emulators.http import LoopbackServer, Reply, Request
from emulators.nexudus_data import (
    DETAIL_ONLY,
    ENTITIES,
    REFERENCES,
    REQUIRED_ON_CREATE,
    page_of,
    validation_failure,
    write_result,
)
from emulators.nexudus_live import IdBlocks, LiveAccount
from emulators.nexudus_tokens import NexudusTokens
from emulators.nexudus_webhooks import PATH as WEBHOOKS_PATH
from emulators.nexudus_webhooks import WebhookDesk
from emulators.nexudus_zones import NexudusZones

PORTAL_THREAD_PAGE = re.compile(r"^/community/board/threads/(\d+)$")


@dataclass
class Faults:
    """Switches a test flips; each applies to requests under ``/api`` except the token grant."""

    down: bool = False  # 503 for everything
    delay: float = 0.0  # seconds before answering (a hanging Nexudus)
    throttle: int = 0  # answer this many next requests with a throttle reply
    throttle_status: int = 409
    retry_after: float = 1.0
    lose_create_replies: int = 0  # apply this many creates, then answer ``lost_reply_status``
    lost_reply_status: int = 500
    reject_creates: list[tuple[str, str]] = field(default_factory=list)
    reject_replies: list[tuple[str, str]] = field(default_factory=list)  # 400s for reply writes
    unreadable: set[str] = field(default_factory=set)  # paths answered 500: one record Nexudus fails on


class FakeNexudus(NexudusTokens, NexudusZones):
    def __init__(
        self, *, username: str = "bot@example.com", password: str = "secret", live: LiveAccount | None = None
    ) -> None:
        self.username = username
        self.password = password
        self.faults = Faults()
        self.live = live or LiveAccount()
        self.records: dict[str, list[dict[str, Any]]] = {entity: [] for entity in ENTITIES.values()}
        self.requests: list[Request] = []
        self.logins = 0
        self.refreshes = 0
        self.token_lifetime = 604799
        # Fields list rows leave out; a test may hide more (e.g. Coworker UserId, §11).
        self.detail_only = dict(DETAIL_ONLY)
        self.me: dict[str, Any] = {"Id": 1, "Email": username, "FullName": "Board Bot"}
        self._access: set[str] = set()
        self._refresh: dict[str, str] = {}
        self._ids = IdBlocks(90000001)
        self._lock = threading.RLock()
        self._server = LoopbackServer(self._route)
        self._stopping = threading.Event()  # wakes requests held by faults.delay
        self.webhook_secret: str | None = None  # signs pushes when set (Settings > Integrations)
        self.webhooks = WebhookDesk(
            lock=self._lock,
            next_id=lambda: self._ids.next(self.live.interleaved_ids),
            secret=lambda: self.webhook_secret,
        )

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> FakeNexudus:
        self._server.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.stop()

    # --- seeding and inspection -------------------------------------------------------

    def add(self, entity: str, **fields: Any) -> dict[str, Any]:
        with self._lock:
            record = {"Id": fields.pop("Id", None) or self._ids.next(self.live.interleaved_ids), **fields}
            record.setdefault("CreatedOn", self.now_text(entity, record))
            record.setdefault("UpdatedOn", record["CreatedOn"])
            if entity == "CommunityMessage":
                thread = self.find("CommunityThread", record.get("CommunityThreadId"))
                if thread is not None:
                    thread["LastMessageDate"] = record["CreatedOn"]
            self.records[entity].append(record)
            self.webhooks.created(entity, record, self._business_of(entity, record))
            return record

    def update(self, entity: str, record_id: int, **fields: Any) -> dict[str, Any]:
        """Edit a record as the portal would: ``UpdatedOn`` moves."""
        with self._lock:
            record = self.find(entity, record_id)
            assert record is not None, f"no {entity} {record_id}"
            record.update(fields, UpdatedOn=self.now_text(entity, record))
            return record

    def remove(self, entity: str, record_id: int) -> None:
        with self._lock:
            self.records[entity] = [r for r in self.records[entity] if r["Id"] != record_id]

    def find(self, entity: str, record_id: Any) -> dict[str, Any] | None:
        with self._lock:
            return next((r for r in self.records[entity] if r["Id"] == record_id), None)

    def created(self, entity: str = "CommunityThread") -> list[dict[str, Any]]:
        """Bodies of the successful creates of ``entity``, in order."""
        return [r for r in self.records[entity] if r.get("_created_by_api")]

    def calls(self, method: str | None = None, path_prefix: str = "/api/") -> list[Request]:
        with self._lock:
            return [
                r
                for r in self.requests
                if r.path.startswith(path_prefix) and (method is None or r.method == method)
            ]

    # --- routing ----------------------------------------------------------------------

    def _route(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
        if request.path == "/api/token":
            return self._token(request)
        page = PORTAL_THREAD_PAGE.match(request.path)
        if page:
            return self._portal_page(int(page.group(1)))
        if self.faults.delay:
            self._stopping.wait(self.faults.delay)
        if self.faults.down:
            return Reply(503, {"Message": "Service Unavailable"})
        if request.path in self.faults.unreadable:
            return Reply(500, {"Message": "An error has occurred."})
        if self._take_throttle():
            return Reply(
                self.faults.throttle_status,
                {"Message": "You must wait before accessing this url again."},
                {"Retry-After": f"{self.faults.retry_after:g}"},
            )
        if not self._authorised(request):
            return Reply(401, {"Message": "Authorization has been denied for this request."})
        return self._api(request)

    def _take_throttle(self) -> bool:
        with self._lock:
            if self.faults.throttle <= 0:
                return False
            self.faults.throttle -= 1
            return True

    def _portal_page(self, thread_id: int) -> Reply:
        """The members portal's page for a thread (no API token: a browser's view)."""
        if self.find("CommunityThread", thread_id) is None:
            return Reply(404, raw=b"<html><body>Page not found</body></html>")
        return Reply(200, raw=b"<html><body>Discussion Board</body></html>")

    def _api(self, request: Request) -> Reply:
        if request.path == "/api/auth/me":
            if not self.live.has_auth_me:
                return Reply(404, {"Message": "No HTTP resource was found that matches the request URI."})
            return Reply(200, self.me)
        if request.path.startswith(WEBHOOKS_PATH):
            return self.webhooks.route(request)
        base, _, tail = request.path.rstrip("/").rpartition("/")
        if request.path.rstrip("/") in ENTITIES:
            entity = ENTITIES[request.path.rstrip("/")]
            if entity == nexudus_replies.ENTITY and request.method == "PUT":
                return nexudus_replies.update(self, request.json() or {})
            if request.method == "POST":
                return self._create(entity, request.json() or {})
            with self._lock:
                return Reply(
                    200,
                    page_of(
                        entity,
                        list(self.records[entity]),
                        request.query,
                        self.detail_only,
                        ignore_unknown=self.live.ignore_unknown_filters,
                    ),
                )
        if base in ENTITIES and tail.isdigit():
            return self._single(ENTITIES[base], int(tail), request.method)
        return Reply(404, {"Message": "No HTTP resource was found that matches the request URI."})

    def _missing(self, message: str) -> Reply:
        # Live accounts answer 401 where the docs imply 404 (§3, §15).
        return Reply(401 if self.live.missing_is_401 else 404, {"Message": message})

    def _single(self, entity: str, record_id: int, method: str) -> Reply:
        with self._lock:
            record = self.find(entity, record_id)
            if record is None:
                return self._missing("Not found")
            if method == "DELETE":
                self.records[entity].remove(record)
                return Reply(
                    200,
                    {
                        **write_result(entity, {"Id": record_id}, datetime.now(UTC)),
                        "Message": f"{entity} was successfully deleted.",
                    },
                )
            return Reply(200, _public(record))

    def _create(self, entity: str, body: dict[str, Any]) -> Reply:
        refused = nexudus_replies.refuse_create(self, body) if entity == nexudus_replies.ENTITY else None
        if refused is not None:
            return refused
        missing = [
            (name, "is a required field")
            for name in REQUIRED_ON_CREATE.get(entity, ())
            if body.get(name) in (None, "")
        ]
        errors = missing or (self.faults.reject_creates if entity == "CommunityThread" else [])
        if errors:
            return Reply(400, validation_failure(errors))
        if self.live.missing_is_401 and self.names_a_missing_record(entity, body):
            return Reply(401, {"Message": "Access Denied."})
        if not self.live.keeps_system_id:
            body = {**body, "SystemId": None}
        record = self.add(entity, **body, _created_by_api=True)
        with self._lock:
            if self.faults.lose_create_replies > 0:
                self.faults.lose_create_replies -= 1
                return Reply(
                    self.faults.lost_reply_status,
                    {"Message": "Ooops! There was a problem while running this action..."},
                )
        return Reply(200, write_result(entity, _public(record), datetime.now(UTC)))

    def names_a_missing_record(self, entity: str, body: dict[str, Any]) -> bool:
        for name, target in REFERENCES.get(entity, ()):
            value = body.get(name)
            wanted = value if isinstance(value, list) else [] if value is None else [value]
            if any(self.find(target, item) is None for item in wanted):
                return True
        return False


def _public(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if not k.startswith("_")}
