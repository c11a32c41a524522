"""Slack listeners and Block Kit builders; ``register_handlers`` wires them onto a Bolt app.

Each listener is bound to the one or two domain objects of ``bot`` it needs; none sees a
repository.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.admins import Admins
from bot.channel_audience import ChannelAudiences
from bot.channel_lifecycle import ChannelLifecycle
from bot.drafts_desk import DraftsDesk
from bot.form_choices import FormChoices
from bot.home import Home
from bot.profile_changes import ProfileChanges
from bot.slack_health import SlackHealth
from bot.thread_actions import ThreadActions
from bot.two_way.replies import SlackReplies
from bot.unfurls import ThreadUnfurls
from handlers import ids
from handlers.actions.draft_buttons import edit_draft, retry_draft
from handlers.actions.modal_updates import refresh_form
from handlers.actions.preferences import choose_digest_time, choose_replies
from handlers.actions.replay import replay_failed
from handlers.actions.reply_retry import retry_reply
from handlers.actions.thread_buttons import MUTED, UNFOLLOWED, change_thread
from handlers.commands.newthread import new_thread_command
from handlers.commands.table import SubcommandDeps
from handlers.events.app_home import home_opened
from handlers.events.app_lifecycle import token_lost
from handlers.events.channel_lifecycle import channel_paused, channel_unarchived
from handlers.events.channel_members import member_joined, member_left
from handlers.events.link_shared import unfurl_links
from handlers.events.messages import on_message
from handlers.events.user_change import user_changed
from handlers.notices import SlackNotices
from handlers.options.location_options import suggest_locations
from handlers.shortcuts.post_to_board import post_message_to_board
from handlers.views.new_thread_submit import submit_new_thread


def bind(listener: Callable[..., Any], **deps: Any) -> Callable[..., Any]:
    """Bind keyword-only dependencies; Bolt still sees the listener's own argument names."""
    return functools.update_wrapper(functools.partial(listener, **deps), listener)


def register_handlers(
    app: App,
    *,
    choices: FormChoices,
    drafts: DraftsDesk,
    notices: SlackNotices,
    home: Home,
    thread_actions: ThreadActions,
    unfurls: ThreadUnfurls,
    slack_replies: SlackReplies,
    admins: Admins,
    subcommands: SubcommandDeps,
    slack_health: SlackHealth,
    audiences: ChannelAudiences,
    lifecycle: ChannelLifecycle,
    profiles: ProfileChanges,
) -> None:
    app.command(ids.COMMAND)(
        bind(new_thread_command, choices=choices, admins=admins, subcommands=subcommands)
    )
    app.shortcut(ids.POST_MESSAGE_SHORTCUT)(bind(post_message_to_board, choices=choices))
    app.view(ids.NEW_THREAD_MODAL)(bind(submit_new_thread, drafts=drafts, choices=choices, notices=notices))
    app.action(ids.LOCATION_ACTION)(bind(refresh_form, choices=choices))
    app.action(ids.OPTIONS_ACTION)(bind(refresh_form, choices=choices))
    app.options(ids.LOCATION_ACTION)(bind(suggest_locations, choices=choices))
    app.action(ids.RETRY_DRAFT_ACTION)(bind(retry_draft, drafts=drafts, notices=notices))
    app.action(ids.EDIT_DRAFT_ACTION)(bind(edit_draft, drafts=drafts, choices=choices))
    mute = bind(change_thread, change=thread_actions.mute_for, done=MUTED, home=home)
    unfollow = bind(change_thread, change=thread_actions.unfollow_for, done=UNFOLLOWED, home=home)
    app.action(ids.MUTE_THREAD_ACTION)(mute)
    app.action(ids.UNFOLLOW_THREAD_ACTION)(unfollow)
    app.action(ids.REPLIES_PREFERENCE_ACTION)(bind(choose_replies, home=home))
    app.action(ids.DIGEST_TIME_ACTION)(bind(choose_digest_time, home=home))
    app.action(ids.REPLAY_FAILED_ACTION)(bind(replay_failed, admins=admins, status=subcommands.status))
    app.event(ids.HOME_OPENED_EVENT)(bind(home_opened, home=home))
    app.event(ids.LINK_SHARED_EVENT)(bind(unfurl_links, unfurls=unfurls))
    app.event(ids.TOKENS_REVOKED_EVENT)(bind(token_lost, health=slack_health))
    app.event(ids.APP_UNINSTALLED_EVENT)(bind(token_lost, health=slack_health))
    app.event(ids.USER_CHANGE_EVENT)(bind(user_changed, profiles=profiles))
    _register_channel_events(app, audiences=audiences, lifecycle=lifecycle)
    # A link button still sends an action; acknowledge it quietly.
    app.action(ids.OPEN_IN_PORTAL_ACTION)(_acknowledge)
    app.action(ids.RETRY_REPLY_ACTION)(bind(retry_reply, replies=slack_replies))
    # Last: it matches every message subtype, so none goes unacknowledged (Slack would retry).
    app.event(ids.MESSAGE_EVENT)(bind(on_message, replies=slack_replies))


def _register_channel_events(app: App, *, audiences: ChannelAudiences, lifecycle: ChannelLifecycle) -> None:
    """Who is in a channel, and whether the bot can post there at all."""
    app.event(ids.MEMBER_JOINED_EVENT)(bind(member_joined, audiences=audiences, lifecycle=lifecycle))
    app.event(ids.MEMBER_LEFT_EVENT)(bind(member_left, audiences=audiences, lifecycle=lifecycle))
    for kind in (ids.CHANNEL_LEFT_EVENT, ids.GROUP_LEFT_EVENT):
        app.event(kind)(bind(channel_paused, lifecycle=lifecycle, cause="removed"))
    for kind in (ids.CHANNEL_ARCHIVE_EVENT, ids.GROUP_ARCHIVE_EVENT):
        app.event(kind)(bind(channel_paused, lifecycle=lifecycle, cause="archived"))
    app.event(ids.CHANNEL_DELETED_EVENT)(bind(channel_paused, lifecycle=lifecycle, cause="deleted"))
    for kind in (ids.CHANNEL_UNARCHIVE_EVENT, ids.GROUP_UNARCHIVE_EVENT):
        app.event(kind)(bind(channel_unarchived, lifecycle=lifecycle, audiences=audiences))


def _acknowledge(ack: Any) -> None:
    ack()
