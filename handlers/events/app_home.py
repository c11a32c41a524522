"""The Home tab, published when opened and after every change made on it.

Every publish after the first carries the hash of the view it replaces, so a slow
refresh never overwrites a newer view: Slack answers ``hash_conflict`` and we stop.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.home import Home
from handlers.blocks.home import home_view

log = logging.getLogger(__name__)


def home_opened(event: dict[str, Any], client: WebClient, *, home: Home) -> None:
    if event.get("tab") == "home":
        publish_home(client, event["user"], home)


def publish_home(
    client: WebClient, user_id: str, home: Home, *, notice: str | None = None, hash: str | None = None
) -> None:
    """Publish at once from what is stored (unless ``hash`` names the view shown), then
    again with the followed threads read from Nexudus."""
    if hash is None:
        shown = client.views_publish(user_id=user_id, view=home_view(home.known_page(user_id), notice=notice))
        hash = shown["view"]["hash"]
    page = home.page(user_id)
    if page is None:
        return  # Nexudus is not answering: the view shown stands; the next visit tries again
    try:
        client.views_publish(user_id=user_id, view=home_view(page, notice=notice), hash=hash)
    except SlackApiError as error:
        if error.response.get("error") != "hash_conflict":
            raise
        log.debug("a newer Home tab is shown to %s; this refresh is dropped", user_id)
