"""A Nexudus API emulator: token grants, list/get/create over the ``Records`` envelope,
and the failure modes tests need (down, slow, throttled, expired tokens, lost replies)."""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.emulators.http import LoopbackServer, Reply, Request
from bot.emulators.nexudus_data import (
    DETAIL_ONLY,
    ENTITIES,
    REQUIRED_ON_CREATE,
    page_of,
    stamp,
    validation_failure,
    write_result,
)


@dataclass
class Faults:
    """Switches a test flips; each applies to requests under ``/api`` except the token grant."""

    down: bool = False  # 503 for everything
    delay: float = 0.0  # seconds before answering (a hanging Nexudus)
    throttle: int = 0  # answer this many next requests with a throttle reply
    throttle_status: int = 409
    retry_after: float = 1.0
    lose_create_replies: int = 0  # apply this many creates, then answer 500 (ambiguous)
    reject_creates: list[tuple[str, str]] = field(default_factory=list)


class FakeNexudus:
    def __init__(self, *, username: str = "bot@example.com", password: str = "secret") -> None:
        self.username = username
        self.password = password
        self.faults = Faults()
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
        self._ids = itertools.count(90000001)
        self._lock = threading.Lock()
        self._server = LoopbackServer(self._route)

    @property
    def url(self) -> str:
        return self._server.url

    def start(self) -> FakeNexudus:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    # --- seeding and inspection -------------------------------------------------------

    def add(self, entity: str, **fields: Any) -> dict[str, Any]:
        with self._lock:
            record = {"Id": fields.pop("Id", None) or next(self._ids), **fields}
            record.setdefault("CreatedOn", stamp(datetime.now(UTC)))
            record.setdefault("UpdatedOn", record["CreatedOn"])
            self.records[entity].append(record)
            return record

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

    def expire_tokens(self) -> None:
        with self._lock:
            self._access.clear()

    # --- routing ----------------------------------------------------------------------

    def _route(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
        if request.path == "/api/token":
            return self._token(request)
        if self.faults.delay:
            time.sleep(self.faults.delay)
        if self.faults.down:
            return Reply(503, {"Message": "Service Unavailable"})
        if self._take_throttle():
            return Reply(
                self.faults.throttle_status,
                {"Message": "You must wait before accessing this url again."},
                {"Retry-After": f"{self.faults.retry_after:g}"},
            )
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self._access:
            return Reply(401, {"Message": "Authorization has been denied for this request."})
        return self._api(request)

    def _take_throttle(self) -> bool:
        with self._lock:
            if self.faults.throttle <= 0:
                return False
            self.faults.throttle -= 1
            return True

    def _token(self, request: Request) -> Reply:
        form = request.form()
        client_id = request.headers.get("client_id", form.get("username", ""))
        with self._lock:
            if form.get("grant_type") == "password":
                if (form.get("username"), form.get("password")) != (self.username, self.password):
                    return Reply(
                        400,
                        {
                            "error": "invalid_grant",
                            "error_description": "The user name or password is incorrect.",
                        },
                    )
                self.logins += 1
            elif form.get("grant_type") == "refresh_token":
                if self._refresh.get(form.get("refresh_token", "")) != client_id:
                    return Reply(
                        400, {"error": "invalid_grant", "error_description": "Invalid refresh token."}
                    )
                self.refreshes += 1
            else:
                return Reply(400, {"error": "unsupported_grant_type"})
            access, refresh = secrets.token_hex(16), secrets.token_hex(16)
            # One refresh token per client id: a new grant retires the older ones.
            self._refresh = {k: v for k, v in self._refresh.items() if v != client_id}
            self._refresh[refresh] = client_id
            self._access.add(access)
        return Reply(
            200,
            {
                "access_token": access,
                "token_type": "bearer",
                "expires_in": self.token_lifetime,
                "refresh_token": refresh,
            },
        )

    def _api(self, request: Request) -> Reply:
        if request.path == "/api/auth/me":
            return Reply(200, self.me)
        base, _, tail = request.path.rstrip("/").rpartition("/")
        if request.path.rstrip("/") in ENTITIES:
            entity = ENTITIES[request.path.rstrip("/")]
            if request.method == "POST":
                return self._create(entity, request.json() or {})
            with self._lock:
                return Reply(
                    200, page_of(entity, list(self.records[entity]), request.query, self.detail_only)
                )
        if base in ENTITIES and tail.isdigit():
            return self._single(ENTITIES[base], int(tail), request.method)
        return Reply(404, "Not found")

    def _single(self, entity: str, record_id: int, method: str) -> Reply:
        with self._lock:
            for record in self.records[entity]:
                if record["Id"] == record_id:
                    if method == "DELETE":
                        self.records[entity].remove(record)
                        return Reply(
                            200,
                            {
                                **write_result(entity, record_id, datetime.now(UTC)),
                                "Message": f"{entity} was successfully deleted.",
                            },
                        )
                    return Reply(200, {k: v for k, v in record.items() if not k.startswith("_")})
        return Reply(404, "Not found")

    def _create(self, entity: str, body: dict[str, Any]) -> Reply:
        missing = [
            (name, "is a required field")
            for name in REQUIRED_ON_CREATE.get(entity, ())
            if body.get(name) in (None, "")
        ]
        errors = missing or (self.faults.reject_creates if entity == "CommunityThread" else [])
        if errors:
            return Reply(400, validation_failure(errors))
        now = datetime.now(UTC)
        record = self.add(entity, **body, CreatedOn=stamp(now), _created_by_api=True)
        with self._lock:
            if self.faults.lose_create_replies > 0:
                self.faults.lose_create_replies -= 1
                return Reply(500, {"Message": "Ooops! There was a problem while running this action..."})
        return Reply(200, write_result(entity, record["Id"], now))
