"""``/newthread subscribe | unsubscribe | list``: channels that follow the board."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_sdk.errors import SlackApiError

from bot.channel_subscriptions import AudienceRefused, SubscribeRequest
from bot.timekeeping import parse_clock_time
from handlers.blocks.text import escape
from handlers.commands.subcommands import Invocation, Reply

if TYPE_CHECKING:
    from handlers.commands.table import SubcommandDeps
from store.relay_models import Subscription, SubscriptionMode

INVITE_FIRST = (
    "I am not in this channel, so I cannot post here. Invite me with "
    "`/invite @Nexudus Board`, then run the command again."
)
NOT_A_TIME = "`time:{}` is not a time of day; use HH:MM, e.g. `time:08:30`."


def parse_subscribe(argument: str) -> SubscribeRequest:
    """Words already checked by ``subscribe_options``: instant|digest, location:, group:, tag:, time:."""
    mode: SubscriptionMode = "digest"
    numbers: dict[str, int] = {}
    texts: dict[str, str] = {}
    for word in argument.split():
        name, _, value = word.partition(":")
        name = name.lower()
        if name == "instant":
            mode = "instant"
        elif name in ("location", "group"):
            numbers[name] = int(value)
        elif name in ("tag", "time"):
            texts[name] = value
    return SubscribeRequest(
        mode=mode,
        business_id=numbers.get("location"),
        group_id=numbers.get("group"),
        tag=texts.get("tag"),
        digest_time=texts.get("time"),
    )


def describe(subscription: Subscription, deps: SubcommandDeps) -> str:
    parts = [
        "new threads as they appear"
        if subscription.mode == "instant"
        else f"a daily digest at {subscription.digest_time or deps.channels.default_digest_time}"
    ]
    if subscription.business_id:
        location = deps.channels.location(subscription.business_id)
        parts.append(f"location {escape(location.name) if location else subscription.business_id}")
    if subscription.group_id:
        group = deps.channels.group(subscription.group_id)
        parts.append(f"group {escape(group.name) if group else subscription.group_id}")
    if subscription.tag:
        parts.append(f"tag `{escape(subscription.tag)}`")
    if len(parts) == 1:
        parts.append("every location")
    return f"#{subscription.id}: " + ", ".join(parts)


def subscribe(invocation: Invocation, deps: SubcommandDeps) -> Reply:
    request = parse_subscribe(invocation.subcommand.argument)
    if request.digest_time and parse_clock_time(request.digest_time) is None:
        return Reply(NOT_A_TIME.format(escape(request.digest_time)))
    channel_id = invocation.channel_id
    try:
        subscribed = deps.channels.subscribe(channel_id, request, by=invocation.caller)
    except AudienceRefused as refused:
        return Reply(f"Not subscribed: {escape(str(refused))}.")
    subscription = subscribed.subscription
    announcement = f"This channel now gets Discussion Board {describe(subscription, deps).split(': ', 1)[1]}."
    try:
        # Posting the announcement is also how we learn whether we may post here at all.
        invocation.client.chat_postMessage(channel=channel_id, text=announcement)
    except SlackApiError as error:
        deps.channels.unsubscribe(
            channel_id,
            subscription.id,
            by=invocation.caller,
            why=f"(Slack refused the announcement: {error.response.get('error')})",
        )
        if error.response.get("error") in ("not_in_channel", "channel_not_found"):
            return Reply(INVITE_FIRST)
        return Reply(f"Slack refused the post here ({error.response.get('error')}); nothing was subscribed.")
    # What the channel's audience lets it receive, and why (read once, when subscribing).
    said = "".join(f"\n• {escape(line)}" for line in subscribed.outlook.lines)
    return Reply(
        f"Subscribed {describe(subscription, deps)}. Private threads never appear in channels.{said}"
    )


def unsubscribe(invocation: Invocation, deps: SubcommandDeps) -> Reply:
    argument = invocation.subcommand.argument
    removed = deps.channels.unsubscribe(
        invocation.channel_id, int(argument) if argument else None, by=invocation.caller
    )
    if not removed:
        return Reply("Nothing to remove: see `/newthread list` for this channel's subscriptions.")
    return Reply(f"Removed {removed} subscription(s) from this channel.")


def list_subscriptions(invocation: Invocation, deps: SubcommandDeps) -> Reply:
    found = deps.channels.in_channel(invocation.channel_id)
    if not found:
        return Reply("This channel has no Discussion Board subscriptions. Admins: `/newthread subscribe`.")
    return Reply("*This channel's subscriptions*\n" + "\n".join(describe(s, deps) for s in found))
