"""``link_shared``: portal thread links pasted in Slack unfurl, for threads everyone may see.

Acknowledged first; each thread is then read fresh from Nexudus. Links to other pages, and
threads that are private, in a Private group or gone, get no ``chat.unfurl`` at all.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.unfurls import ThreadUnfurls
from handlers.blocks.unfurls import thread_unfurl

log = logging.getLogger(__name__)


def unfurl_links(ack: Ack, event: dict[str, Any], client: WebClient, *, unfurls: ThreadUnfurls) -> None:
    ack()
    shown: dict[str, Any] = {}
    for link in event.get("links") or []:
        url = str(link.get("url", ""))
        thread_id = unfurls.thread_id(url)
        card = unfurls.card(thread_id) if thread_id is not None else None
        if card is not None:
            shown[url] = thread_unfurl(card)
    if not shown:
        return
    # Links typed in the composer have no message yet: Slack names them by unfurl id.
    if event.get("unfurl_id") and event.get("channel") == "COMPOSER":
        where = {"unfurl_id": event["unfurl_id"], "source": event.get("source")}
    else:
        where = {"channel": event.get("channel"), "ts": event.get("message_ts")}
    try:
        client.chat_unfurl(unfurls=shown, **where)
    except SlackApiError as error:
        # Nothing to tell anyone: the link stays as it was pasted.
        log.warning("chat.unfurl refused: %s", error.response.get("error"))
