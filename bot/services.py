"""The domain services one running bot shares between its Slack listeners and its jobs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bot.directory import Directory
from bot.identity import IdentityService
from bot.portal import NexudusClient
from bot.posting import ThreadPoster
from bot.slack_people import SlackPeople
from store import Store


@dataclass
class Services:
    store: Store
    portal: NexudusClient
    people: SlackPeople
    identities: IdentityService
    directory: Directory
    poster: ThreadPoster
    admins: frozenset[str]
    # Work that must not hold up an ack: Nexudus calls, cache refreshes.
    background: ThreadPoolExecutor
    digest_time: str = "08:00"
    thread_url_template: str | None = None  # NEXUDUS_THREAD_URL, see bot.thread_links

    def is_admin(self, slack_user_id: str) -> bool:
        """Listed in BOT_ADMINS, or a workspace admin or owner."""
        if slack_user_id in self.admins:
            return True
        profile = self.people.profile(slack_user_id)
        return bool(profile and profile.is_admin)
