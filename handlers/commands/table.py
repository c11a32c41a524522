"""Every ``/newthread`` subcommand in one table: name, who may run it, how its arguments
are read, what runs it, and its help line. ``help`` is generated from it, and ``answer``
is the one place that checks who may run what.

To add a subcommand, add a row: help lists it, and an admins-only row is refused to
everyone else without its handler knowing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.admins import Admins
from bot.channel_subscriptions import ChannelSubscriptions
from bot.identity import IdentityService
from bot.status import BotStatus
from handlers.blocks.messages import help_text, not_admin_text
from handlers.commands import admin, status, subscriptions, whoami
from handlers.commands.subcommands import (
    ArgumentParser,
    Invocation,
    Misspelt,
    Reply,
    Subcommand,
    no_arguments,
    optional_number,
    read_command,
    someone_then_text,
    subscribe_options,
)

Who = Literal["anyone", "admins"]


@dataclass(frozen=True)
class SubcommandDeps:
    """What the subcommands' handlers need, and no more."""

    identities: IdentityService
    channels: ChannelSubscriptions
    status: BotStatus


Handler = Callable[[Invocation, SubcommandDeps], Reply]


@dataclass(frozen=True)
class Row:
    name: str
    who: Who
    parse: ArgumentParser
    run: Handler
    arguments: str  # as help shows them
    meaning: str

    def help_line(self) -> tuple[str, str]:
        usage = f"/newthread {self.name} {self.arguments}".rstrip()
        return usage, self.meaning + (" (admins)" if self.who == "admins" else "")


def _help(invocation: Invocation, deps: SubcommandDeps) -> Reply:
    return Reply(help_text([row.help_line() for row in SUBCOMMANDS]))


# One row per subcommand, in the order help lists them; laid out by hand to read as a table.
SUBCOMMANDS = (
    Row("whoami", "anyone", no_arguments, whoami.whoami, "", "show which portal account you post as"),
    Row("help", "anyone", no_arguments, _help, "", "show this list"),
    Row(
        "list", "anyone", no_arguments, subscriptions.list_subscriptions,
        "", "this channel's Discussion Board subscriptions",
    ),
    Row(
        "subscribe", "admins", subscribe_options, subscriptions.subscribe,
        "[instant|digest] [location:<id>] [group:<id>] [tag:<name>] [time:HH:MM]",
        "send new threads (instant) or a daily digest to this channel",
    ),
    Row(
        "unsubscribe", "admins", optional_number, subscriptions.unsubscribe,
        "[id]", "stop one or all of this channel's subscriptions",
    ),
    Row(
        "status", "admins", no_arguments, status.show_status,
        "", "the background jobs' last runs, waiting and failed deliveries",
    ),
    Row(
        "link", "admins", someone_then_text, admin.link,
        "@someone <portal email or user id>", "link a Slack user to a portal account",
    ),
    Row("unlink", "admins", someone_then_text, admin.unlink, "@someone", "remove a manual link"),
)  # fmt: skip
_BY_NAME = {row.name: row for row in SUBCOMMANDS}


def read(text: str) -> Subcommand | Misspelt | None:
    """The subcommand in ``/newthread`` text; None for a title."""
    return read_command(text, {row.name: row.parse for row in SUBCOMMANDS})


def answer(invocation: Invocation, *, admins: Admins, deps: SubcommandDeps) -> Reply:
    """Run a subcommand, if the caller may: the only admin check for subcommands."""
    row = _BY_NAME[invocation.subcommand.name]
    if row.who == "admins" and not admins.is_admin(invocation.caller):
        return Reply(not_admin_text(row.name))
    return row.run(invocation, deps)
