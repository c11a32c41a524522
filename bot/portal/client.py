"""The Nexudus REST client: domain-named methods over ``PortalTransport``.

Build one with ``NexudusClient.for_account(...)``; tests pass their own ``httpx.Client``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, TypeVar

import httpx
from pydantic import SecretStr, ValidationError

from bot.portal.auth import TokenKeeper
from bot.portal.errors import PortalNotFound
from bot.portal.models import (
    Business,
    CommunityGroup,
    Coworker,
    NewReply,
    NewThread,
    PortalModel,
    PortalUser,
    Reply,
    SimpleTimeZone,
    Thread,
    ThreadFollow,
    ThreadMute,
    ThreadSummary,
    Webhook,
)
from bot.portal.ratelimit import RateLimiter
from bot.portal.responses import write_result_id
from bot.portal.timestamps import at_or_after, minute_text
from bot.portal.transport import DEFAULT_TIMEOUT, PortalTransport
from store.portal_session import PortalSessionRepository

log = logging.getLogger(__name__)

PAGE_SIZE = 100
# The relay's time windows may hold many rows that are already known (reference §4 gives
# 1000 as the legacy maximum); a server that caps it lower is paged through all the same.
WINDOW_PAGE_SIZE = 500
THREADS = "/api/community/communitythreads"
MESSAGES = "/api/community/communitymessages"
FOLLOWS = "/api/community/communitythreadfollows"
MUTES = "/api/community/communitythreadmutes"
WEBHOOKS = "/api/sys/webhooks"


class NexudusClient:
    def __init__(
        self, transport: PortalTransport, limiter: RateLimiter, http: httpx.Client | None = None
    ) -> None:
        self._transport = transport
        self._http = http
        self.limiter = limiter

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def count_answers(self, count: Callable[[str], None]) -> None:
        """Tell ``count`` each API answer's HTTP status, or "error" (``bot.metrics``)."""
        self._transport.on_response = count

    @classmethod
    def for_account(
        cls,
        base_url: str,
        *,
        username: str,
        password: SecretStr,
        sessions: PortalSessionRepository,
        http: httpx.Client | None = None,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> NexudusClient:
        http = http or httpx.Client(base_url=base_url, timeout=DEFAULT_TIMEOUT)
        limiter = limiter or RateLimiter()
        tokens = TokenKeeper(http, username=username, password=password, sessions=sessions)
        return cls(PortalTransport(http, tokens, limiter, sleep=sleep), limiter, http)

    def businesses(self) -> list[Business]:
        return _valid(Business, self._pages("/api/sys/businesses"))

    def simple_time_zones(self) -> list[SimpleTimeZone]:
        return _valid(SimpleTimeZone, self._pages("/api/sys/simpletimezones"))

    def groups(self) -> list[CommunityGroup]:
        rows = self._pages("/api/community/communitygroups")
        return _valid(CommunityGroup, rows)

    def group(self, group_id: int) -> CommunityGroup:
        """One group with its ``Members`` (coworker ids), which list rows leave out."""
        body = self._transport.read(f"/api/community/communitygroups/{group_id}")
        return CommunityGroup.model_validate(body)

    def coworkers_by_email(self, email: str) -> list[Coworker]:
        rows = self._pages("/api/spaces/coworkers", {"Coworker_Email": email})
        # String filters may match partially (reference §4): re-check exactly.
        found = _valid(Coworker, rows)
        return [c for c in found if (c.email or "").casefold() == email.casefold()]

    def coworker(self, coworker_id: int) -> Coworker:
        return Coworker.model_validate(self._transport.read(f"/api/spaces/coworkers/{coworker_id}"))

    def users_by_email(self, email: str) -> list[PortalUser]:
        rows = self._pages("/api/sys/users", {"User_Email": email})
        found = _valid(PortalUser, rows)
        return [u for u in found if (u.email or "").casefold() == email.casefold()]

    def user(self, user_id: int) -> PortalUser:
        return PortalUser.model_validate(self._transport.read(f"/api/sys/users/{user_id}"))

    def create_thread(self, thread: NewThread) -> int:
        """POST a CommunityThread; returns its id. Never retried here (see transport)."""
        body = thread.model_dump(by_alias=True, exclude_none=True)
        return write_result_id(self._transport.write("POST", THREADS, body))

    # Every filtered list below re-checks its filters on the rows: live accounts ignore a
    # filter they do not know and send the whole list back (reference §15).

    def threads_posted_by(self, business_id: int, user_id: int, since: datetime) -> list[ThreadSummary]:
        """Threads by one author since a moment: how we find out whether a create landed."""
        start = minute_text(since)
        params = {
            "CommunityThread_Business": business_id,
            "CommunityThread_User": user_id,
            "from_CommunityThread_CreatedOn": start,
        }
        rows = _valid(ThreadSummary, self._pages(THREADS, params))
        return [
            t
            for t in rows
            if t.business_id == business_id
            and t.user_id == user_id
            and (t.created_on is None or at_or_after(t.created_on.isoformat(), start))
        ]

    def threads_created_since(self, since: str) -> list[Thread]:
        """Threads whose ``CreatedOn`` text is at or after ``since`` (``YYYY-MM-DDTHH:mm``)."""
        # In creation order, so a row created while pages are read lands on the last page.
        params = {"from_CommunityThread_CreatedOn": since, "orderBy": "CreatedOn"}
        rows = self._pages(THREADS, params, size=WINDOW_PAGE_SIZE)
        return [t for t in _valid(Thread, rows) if at_or_after(t.created_on, since)]

    def threads_updated_since(self, since: str) -> list[Thread]:
        rows = self._pages(THREADS, {"from_CommunityThread_UpdatedOn": since}, size=WINDOW_PAGE_SIZE)
        return [t for t in _valid(Thread, rows) if at_or_after(t.updated_on, since)]

    def thread(self, thread_id: int) -> Thread:
        return Thread.model_validate(self._transport.read(f"{THREADS}/{thread_id}"))

    def replies_created_since(self, since: str) -> list[Reply]:
        params = {"from_CommunityMessage_CreatedOn": since, "orderBy": "CreatedOn"}
        rows = self._pages(MESSAGES, params, size=WINDOW_PAGE_SIZE)
        return [r for r in _valid(Reply, rows) if at_or_after(r.created_on, since)]

    def reply(self, reply_id: int) -> Reply:
        return Reply.model_validate(self._transport.read(f"{MESSAGES}/{reply_id}"))

    def webhooks(self) -> list[Webhook]:
        return _valid(Webhook, self._pages(WEBHOOKS))

    def create_webhook(self, webhook: Webhook) -> int:
        body = webhook.model_dump(
            by_alias=True, include={"business_id", "name", "action", "url", "description", "active"}
        )
        return write_result_id(self._transport.write("POST", WEBHOOKS, body))

    def enable_webhook(self, webhook_id: int) -> None:
        """Turn a webhook back on. No PATCH (§1): read the whole record, PUT it back active."""
        record = self._transport.read(f"{WEBHOOKS}/{webhook_id}")
        write_result_id(self._transport.write("PUT", WEBHOOKS, {**record, "Active": True}))

    def delete_webhook(self, webhook_id: int) -> None:
        write_result_id(self._transport.write("DELETE", f"{WEBHOOKS}/{webhook_id}"))

    def create_reply(self, reply: NewReply) -> int:
        """POST a CommunityMessage (as ``reply.user_id``); returns its id. Never retried here."""
        body = reply.model_dump(by_alias=True, exclude_none=True)
        return write_result_id(self._transport.write("POST", MESSAGES, body))

    def update_reply(self, reply: NewReply) -> None:
        """PUT a CommunityMessage: ``reply.id`` names it, and every required field is sent."""
        assert reply.id is not None, "an update names the reply"
        body = reply.model_dump(by_alias=True, exclude_none=True)
        write_result_id(self._transport.write("PUT", MESSAGES, body))

    def delete_reply(self, reply_id: int) -> bool:
        """DELETE a CommunityMessage; False if it was already gone (live accounts: 401 "Not found")."""
        try:
            write_result_id(self._transport.write("DELETE", f"{MESSAGES}/{reply_id}"))
        except PortalNotFound:
            return False
        return True

    def replies_by(self, thread_id: int, user_id: int) -> list[Reply]:
        """One member's replies on one thread: how we find out whether a create landed."""
        params = {"CommunityMessage_CommunityThread": thread_id, "CommunityMessage_User": user_id}
        rows = _valid(Reply, self._pages(MESSAGES, params))
        return [r for r in rows if r.community_thread_id == thread_id and r.user_id == user_id]

    def replies_on(self, thread_id: int) -> list[Reply]:
        """Every reply of one thread."""
        params = {"CommunityMessage_CommunityThread": thread_id}
        rows = self._pages(MESSAGES, params, size=WINDOW_PAGE_SIZE)
        return [r for r in _valid(Reply, rows) if r.community_thread_id == thread_id]

    def reply_count(self, thread_id: int) -> int:
        """How many replies a thread has: one row asked for, and the list envelope's
        ``TotalItems`` (reference §3). An ignored filter would make that total every reply
        on the board (§15), so it is trusted only when the row is this thread's; else (or
        with no total) every page is counted."""
        params = {"CommunityMessage_CommunityThread": thread_id, "page": 1, "size": 1}
        body = self._transport.read(MESSAGES, params)
        rows = _valid(Reply, body.get("Records") or [])
        total = body.get("TotalItems")
        if isinstance(total, int) and all(r.community_thread_id == thread_id for r in rows):
            return total
        return len(self.replies_on(thread_id))

    def followers(self, thread_id: int) -> list[ThreadFollow]:
        rows = self._pages(FOLLOWS, {"CommunityThreadFollow_Thread": thread_id})
        return [f for f in _valid(ThreadFollow, rows) if f.thread_id == thread_id]

    def muters(self, thread_id: int) -> set[int]:
        rows = self._pages(MUTES, {"CommunityThreadMute_Thread": thread_id})
        return {m.user_id for m in _valid(ThreadMute, rows) if m.thread_id == thread_id}

    def follows_of(self, user_id: int) -> list[ThreadFollow]:
        rows = self._pages(FOLLOWS, {"CommunityThreadFollow_User": user_id})
        return [f for f in _valid(ThreadFollow, rows) if f.user_id == user_id]

    def mute(self, thread_id: int, user_id: int) -> None:
        """Mute a thread for a member, as that member (the record names them)."""
        if user_id in self.muters(thread_id):
            return  # already muted: a second record would be noise
        write_result_id(self._transport.write("POST", MUTES, {"ThreadId": thread_id, "UserId": user_id}))

    def unfollow(self, thread_id: int, user_id: int) -> int:
        """Delete the member's follow records of a thread; returns how many there were."""
        rows = self._pages(
            FOLLOWS, {"CommunityThreadFollow_Thread": thread_id, "CommunityThreadFollow_User": user_id}
        )
        follows = _valid(ThreadFollow, rows)
        mine = [f for f in follows if f.thread_id == thread_id and f.user_id == user_id]
        for follow in mine:
            # DELETE may answer 200 with WasSuccessful false (reference §3).
            write_result_id(self._transport.write("DELETE", f"{FOLLOWS}/{follow.id}"))
        return len(mine)

    def _pages(
        self, path: str, params: Mapping[str, Any] | None = None, *, size: int = PAGE_SIZE
    ) -> Iterator[dict[str, Any]]:
        """Every record of a list call, following the ``Records`` envelope's pages."""
        page = 1
        while True:
            body = self._transport.read(path, {**(params or {}), "page": page, "size": size})
            yield from body.get("Records") or []
            if int(body.get("CurrentPage", page)) >= int(body.get("TotalPages", 1)):
                return
            page += 1


M = TypeVar("M", bound=PortalModel)


def _valid(model: type[M], rows: Iterable[dict[str, Any]]) -> list[M]:
    """Rows as ``model``; a row that does not fit (a null where an id belongs, an odd
    stamp) is skipped and logged rather than failing the whole call."""
    found: list[M] = []
    for row in rows:
        try:
            found.append(model.model_validate(row))
        except ValidationError as error:
            log.warning("skipped a %s row Nexudus sent (id %s): %s", model.__name__, row.get("Id"), error)
    return found
