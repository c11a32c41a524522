"""The Home tab, published when opened and after every change made on it."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from bot.portal import PortalError, PortalNotFound
from bot.portal.timestamps import wall_clock
from bot.services import Services
from bot.thread_links import thread_url
from handlers.blocks.home import FollowedThread, home_view

FOLLOWED_SHOWN = 10
# Home is opened often; the followed list is read from Nexudus at most every few minutes.
FOLLOWED_TTL = 300.0


class HomeTab:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._followed: dict[str, tuple[float, list[FollowedThread]]] = {}
        self._lock = threading.Lock()

    def publish(
        self, client: WebClient, user_id: str, *, notice: str | None = None, reload: bool = True
    ) -> None:
        """Publish at once from what is known, then again with fresh followed threads."""
        services = self._services
        prefs = services.store.preferences.get(user_id)
        profile = services.people.profile(user_id)

        def show(followed: list[FollowedThread] | None) -> None:
            view = home_view(
                services.identities.cached(user_id),
                followed,
                prefs,
                default_digest_time=services.digest_time,
                tz=profile.tz if profile else None,
                notice=notice,
            )
            client.views_publish(user_id=user_id, view=view)

        with self._lock:
            cached = self._followed.get(user_id)
        if cached and (not reload or time.monotonic() - cached[0] < FOLLOWED_TTL):
            show(cached[1])
            return
        show(cached[1] if cached else None)
        try:
            identity = services.identities.resolve(user_id)
            followed = self._read_followed(identity.portal_user_id) if identity.portal_user_id else []
        except PortalError:
            return  # the first view stands; the next visit tries again
        with self._lock:
            self._followed[user_id] = (time.monotonic(), followed)
        show(followed)

    def forget(self, user_id: str) -> None:
        with self._lock:
            self._followed.pop(user_id, None)

    def _read_followed(self, portal_user_id: int) -> list[FollowedThread]:
        portal = self._services.portal
        # Newest follows first, by their stamps: ids are not in creation order (reference §15).
        follows = sorted(
            portal.follows_of(portal_user_id),
            key=lambda f: wall_clock(f.created_on) or datetime.min,
            reverse=True,
        )
        found: list[FollowedThread] = []
        for follow in follows[:FOLLOWED_SHOWN]:
            try:
                thread = portal.thread(follow.thread_id)
            except PortalNotFound:
                continue
            found.append(
                (thread.id, thread.subject, thread_url(self._services.thread_url_template, thread.id))
            )
        return found


def home_opened(event: dict[str, Any], client: WebClient, *, home: HomeTab) -> None:
    if event.get("tab") == "home":
        home.publish(client, event["user"])
