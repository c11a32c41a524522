"""Who may run admin subcommands and press admin buttons: the one admin rule."""

from __future__ import annotations

from bot.slack_users import SlackUsers


class Admins:
    def __init__(self, ids: frozenset[str], slack_users: SlackUsers) -> None:
        self._ids = ids
        self._slack_users = slack_users

    def is_admin(self, slack_user_id: str) -> bool:
        """Listed in BOT_ADMINS, or an admin or owner of the bot's own workspace (not of
        another organisation's, whose people share a channel with us by Slack Connect)."""
        if slack_user_id in self._ids:
            return True
        profile = self._slack_users.profile(slack_user_id)
        return bool(profile and profile.is_admin and not self._slack_users.from_elsewhere(profile))
