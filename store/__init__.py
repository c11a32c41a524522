"""SQLite persistence: one ``Store`` with a repository per kind of record."""

from __future__ import annotations

from pathlib import Path

from store.alerts import AlertRepository
from store.audit import AuditRepository
from store.channel_audience import ChannelAudienceRepository
from store.channel_turns import ChannelTurnRepository
from store.database import SqliteFile
from store.digests import DigestRepository
from store.directory import DirectoryRepository
from store.drafts import DraftRepository
from store.identities import IdentityRepository
from store.leases import LeaseRepository
from store.outbox import OutboxRepository
from store.portal_people import PortalPeopleRepository
from store.portal_session import PortalSessionRepository
from store.preferences import PreferenceRepository
from store.relay_state import RelayStateRepository
from store.relayed_changes import RelayedChangeRepository
from store.slack_profiles import SlackProfileRepository
from store.slack_replies import SlackReplyRepository
from store.subscriptions import SubscriptionRepository
from store.thread_subjects import ThreadSubjectRepository


class Store:
    def __init__(self, path: str | Path) -> None:
        self.file = SqliteFile(path)
        self.portal_session = PortalSessionRepository(self.file)
        self.identities = IdentityRepository(self.file)
        self.directory = DirectoryRepository(self.file)
        self.drafts = DraftRepository(self.file)
        self.relay_state = RelayStateRepository(self.file)
        self.outbox = OutboxRepository(self.file)
        self.leases = LeaseRepository(self.file)
        self.digests = DigestRepository(self.file)
        self.subscriptions = SubscriptionRepository(self.file)
        self.preferences = PreferenceRepository(self.file)
        self.portal_people = PortalPeopleRepository(self.file)
        self.thread_subjects = ThreadSubjectRepository(self.file)
        self.alerts = AlertRepository(self.file)
        self.relayed_changes = RelayedChangeRepository(self.file)
        self.slack_replies = SlackReplyRepository(self.file)
        self.audit = AuditRepository(self.file)
        self.channel_audience = ChannelAudienceRepository(self.file)
        self.slack_profiles = SlackProfileRepository(self.file)
        self.channel_turns = ChannelTurnRepository(self.file)

    def close(self) -> None:
        self.file.close()


__all__ = ["Store"]
