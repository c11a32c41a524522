"""Slack Web API error codes the bot tells apart, each group named once."""

from __future__ import annotations

# The bot's token no longer works: every call fails alike until an admin acts.
TOKEN_REFUSED = frozenset({"invalid_auth", "token_revoked", "account_inactive", "not_authed"})
# The bot cannot post in that conversation (not a member, archived, gone or hidden from it).
CHANNEL_UNAVAILABLE = frozenset({"channel_not_found", "not_in_channel", "is_archived"})
# The message itself or the app's rights are wrong: sending it again changes nothing.
MESSAGE_REFUSED = frozenset({"msg_too_long", "invalid_blocks", "no_text", "missing_scope"})
