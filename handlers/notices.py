"""Telling people things outside a modal: channel cards and DMs about drafts."""

from __future__ import annotations

import logging
from typing import Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.directory import Directory
from bot.outcomes import Outcome, Posted
from bot.relay.items import BoardThread
from bot.slack_users import SlackUsers
from bot.thread_form import NewThreadForm
from handlers.blocks.messages import draft_notice
from handlers.blocks.relay_messages import new_thread_card
from store.models import Draft, Identity

log = logging.getLogger(__name__)

SHARE_PROBLEMS = {
    "not_in_channel": "the bot is not in that channel. Invite it with `/invite @Nexudus Board`.",
    "channel_not_found": "the bot cannot see that channel. Invite it with `/invite @Nexudus Board`.",
    "is_archived": "the channel is archived.",
}


class DraftNoticeRecord(Protocol):
    """Where a draft's DM is recorded, so a later outcome updates it (the drafts repository)."""

    def get(self, key: str) -> Draft | None: ...

    def note_message(self, key: str, channel: str, ts: str) -> None: ...


class SlackNotices:
    """Implements ``bot.posting.ChannelSharer`` and ``bot.retry.DraftNotifier`` with Slack."""

    def __init__(
        self, client: WebClient, *, directory: Directory, drafts: DraftNoticeRecord, slack_users: SlackUsers
    ) -> None:
        self._client = client
        self._directory = directory
        self._drafts = drafts
        self._slack_users = slack_users

    def share(self, channel_id: str, form: NewThreadForm, poster: Identity, thread: Posted) -> str | None:
        text, blocks = new_thread_card(
            self._board_thread(form, poster, thread), excerpt=form.message, typed=True
        )
        try:
            self._client.chat_postMessage(
                channel=channel_id, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
            )
        except SlackApiError as error:
            code = str(error.response.get("error"))
            log.warning("could not share thread %s in %s: %s", thread.thread_id, channel_id, code)
            return SHARE_PROBLEMS.get(code, f"Slack said {code}.")
        return None

    def tell(self, draft: Draft, outcome: Outcome) -> None:
        subject = str(draft.form.get("subject", "your thread"))
        text, blocks = draft_notice(subject, draft.key, outcome)
        current = self._drafts.get(draft.key) or draft
        try:
            if current.notice_channel and current.notice_ts:
                self._client.chat_update(
                    channel=current.notice_channel, ts=current.notice_ts, text=text, blocks=blocks
                )
                return
            sent = self._client.chat_postMessage(
                channel=self._slack_users.dm_channel(draft.slack_user_id), text=text, blocks=blocks
            )
            self._drafts.note_message(draft.key, str(sent["channel"]), str(sent["ts"]))
        except SlackApiError as error:
            log.warning(
                "could not tell %s about draft %s: %s",
                draft.slack_user_id,
                draft.key,
                error.response.get("error"),
            )

    def _board_thread(self, form: NewThreadForm, poster: Identity, thread: Posted) -> BoardThread:
        location = self._directory.location(form.business_id)
        group = self._directory.group(form.group_id) if form.group_id else None
        return BoardThread(
            id=thread.thread_id,
            subject=form.subject,
            location=location.name if location else "the Discussion Board",
            group=group.name if group else None,
            group_id=form.group_id,
            author=poster.full_name or "A member",
            url=thread.url,
        )
