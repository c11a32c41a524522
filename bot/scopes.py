"""The bot scopes the code uses; ``manifest.yml`` must ask for exactly these (tested)."""

from __future__ import annotations

BOT_SCOPES = frozenset(
    {
        "commands",  # /newthread and the message shortcut
        "chat:write",  # channel cards and DMs
        "im:write",  # conversations.open for DMs about drafts
        "users:read",  # users.info: names, admin flags
        "users:read.email",  # users.info profile email, the key to the portal account
        "links:read",  # link_shared: portal thread links pasted in Slack
        "links:write",  # chat.unfurl for those links
    }
)
