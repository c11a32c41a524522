"""``/newthread link`` called directly, with the identity service faked."""

from __future__ import annotations

from unittest.mock import Mock

from bot.identity import IdentityService
from bot.portal import PortalRejected
from handlers.commands.admin import link
from handlers.commands.subcommands import Invocation, Subcommand
from handlers.commands.table import SubcommandDeps


def test_a_nexudus_refusal_is_quoted_escaped_and_nothing_changes() -> None:
    identities = Mock(spec=IdentityService)
    # PortalRejected carries Nexudus's own "Message" text, which Slack must not read as markup.
    identities.link.side_effect = PortalRejected("<!here> see <https://evil.example|help>", [])
    deps = SubcommandDeps(identities=identities, channels=Mock(), status=Mock())
    invocation = Invocation(Subcommand("link", "U2", "ann@example.com"), "UADMIN", "C1", Mock())

    text = link(invocation, deps).text

    assert "<!here>" not in text and "<https://evil.example|" not in text
    assert "&lt;!here&gt;" in text and "Nothing changed" in text
