"""What ``/newthread status`` reports (with the audit trail's last entries), and its
"Replay failed" button, which the audit trail records."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

from bot.audit import AuditTrail
from bot.nexudus_login import NexudusLogin
from bot.slack_health import SlackHealth
from bot.webhooks.health import WebhookHealth
from store.audit import AuditEntry
from store.outbox import OutboxRepository
from store.relay_models import OutboxMessage
from store.relay_state import JobRun, RelayStateRepository

SHOWN = 10  # retrying and failed deliveries listed, each


@dataclass(frozen=True)
class Deliveries:
    waiting: int
    failed: int
    retrying: Sequence[OutboxMessage]  # waiting after an error: the first few
    failures: Sequence[OutboxMessage]  # given up: the first few


class BotStatus:
    def __init__(
        self,
        *,
        outbox: OutboxRepository,
        runs: RelayStateRepository,
        deliver: Callable[[], object],
        background: Executor,
        audit: AuditTrail,
        webhooks: Callable[[], WebhookHealth | None] = lambda: None,
        slack: SlackHealth | None = None,
        nexudus: NexudusLogin | None = None,
        paused_channels: Callable[[], list[str]] = list,
    ) -> None:
        self._paused_channels = paused_channels  # channels and subscriptions paused, with why
        self.webhook_health = webhooks  # the last reading; never calls Nexudus
        self._slack = slack
        self._nexudus = nexudus
        self._outbox = outbox
        self._runs = runs
        self._deliver = deliver
        self._background = background
        self._audit = audit

    def job_runs(self) -> list[JobRun]:
        return self._runs.all_runs()

    def deliveries(self) -> Deliveries:
        return Deliveries(
            waiting=self._outbox.count("pending"),
            failed=self._outbox.count("failed"),
            retrying=[m for m in self._outbox.in_state("pending", SHOWN) if m.last_error],
            failures=self._outbox.in_state("failed", SHOWN),
        )

    def paused(self) -> list[str]:
        """What is paused because credentials broke, each with what to do (read from SQLite)."""
        found = [
            self._slack.paused() if self._slack else None,
            self._nexudus.refusal() if self._nexudus else None,
        ]
        return [text for text in found if text] + self._paused_channels()

    def audit_entries(self) -> list[AuditEntry]:
        """The audit trail's last entries, oldest first."""
        return self._audit.recent()

    def replay_failed(self, *, by: str) -> int:
        """Queues every failed delivery again and starts sending in the background; how many."""
        count = self._outbox.replay_failed()
        self._audit.record(by, "replay", "outbox", f"{count} failed deliveries queued again")
        self._background.submit(self._deliver)
        return count
