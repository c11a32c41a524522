"""``/newthread`` called directly, with a fake ``Ack`` and its bound dependencies."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest.mock import Mock

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.admins import Admins
from bot.channel_subscriptions import ChannelSubscriptions
from bot.form_choices import FormChoices
from bot.identity import IdentityService
from bot.portal import PortalUnavailable
from bot.status import BotStatus
from handlers.commands.newthread import new_thread_command
from handlers.commands.table import SubcommandDeps
from store.models import Identity

JANE = Identity(
    slack_user_id="U1",
    state="linked",
    source="email",
    portal_user_id=7,
    full_name="Jane Doe",
    email="jane@example.com",
    checked_at=datetime(2024, 5, 1, tzinfo=UTC),
)


def run(text: str, identities: IdentityService) -> tuple[Mock, Mock, Mock]:
    ack, respond, choices = Mock(spec=Ack), Mock(spec=Respond), Mock(spec=FormChoices)
    deps = SubcommandDeps(
        identities=identities, channels=Mock(spec=ChannelSubscriptions), status=Mock(spec=BotStatus)
    )
    command = {"text": text, "user_id": "U1", "channel_id": "C1", "trigger_id": "t"}
    new_thread_command(
        ack,
        command,
        Mock(spec=WebClient),
        respond,
        choices=choices,
        admins=Mock(spec=Admins),
        subcommands=deps,
    )
    return ack, respond, choices


def test_whoami_answers_privately_with_the_portal_account() -> None:
    identities = Mock(spec=IdentityService)
    identities.resolve.return_value = JANE

    ack, respond, choices = run("whoami", identities)

    ack.assert_called_once_with()
    reply = respond.call_args.kwargs
    assert "Jane Doe" in reply["text"] and reply["response_type"] == "ephemeral"
    choices.for_member.assert_not_called()  # no form opened


def test_whoami_with_nexudus_down_answers_from_what_is_known() -> None:
    identities = Mock(spec=IdentityService)
    identities.resolve.side_effect = PortalUnavailable("down")
    identities.cached.return_value = JANE

    _, respond, _ = run("whoami", identities)

    assert "Jane Doe" in respond.call_args.kwargs["text"]


def test_an_admin_subcommand_by_a_member_is_refused_before_its_handler() -> None:
    ack, respond = Mock(spec=Ack), Mock(spec=Respond)
    admins = Mock(spec=Admins)
    admins.is_admin.return_value = False
    status = Mock(spec=BotStatus)
    deps = SubcommandDeps(
        identities=Mock(spec=IdentityService), channels=Mock(spec=ChannelSubscriptions), status=status
    )
    command = {"text": "status", "user_id": "U1", "channel_id": "C1", "trigger_id": "t"}

    new_thread_command(
        ack, command, Mock(spec=WebClient), respond, choices=Mock(), admins=admins, subcommands=deps
    )

    assert respond.call_args.kwargs["text"].startswith("Only admins can run `/newthread status`")
    status.deliveries.assert_not_called()
