"""The bot scopes the code uses; ``manifest.yml`` must ask for exactly these (tested)."""

from __future__ import annotations

BOT_SCOPES = frozenset(
    {
        "commands",  # /newthread and the message shortcut
        "chat:write",  # channel cards and DMs
        "im:write",  # conversations.open for DMs about drafts
        "users:read",  # users.info: names, admin flags; the user_change event
        "users:read.email",  # users.info profile email, the key to the portal account
        "links:read",  # link_shared: portal thread links pasted in Slack
        "links:write",  # chat.unfurl for those links
        # Replies typed in Slack threads under the bot's posts become portal replies.
        "channels:history",  # message.channels: replies in public channels
        "groups:history",  # message.groups: replies in private channels
        "im:history",  # message.im: replies under the bot's DMs
        "reactions:write",  # a check mark on a reply once the board has it
        # Who is in a channel (conversations.info, .members) and its lifecycle events.
        "channels:read",
        "groups:read",
    }
)
