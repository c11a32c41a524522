"""The identity reconciliation report for admins: Slack members and portal accounts that
do not line up, each case with the action to take (``python -m bot people``, the Home tab).

Cost: one walk of ``users.list``, one Nexudus lookup per member whose identity is not fresh
in the identity cache (``IdentityService.resolve`` caches it), and one read per manual link
(manual links never expire, so only a read says the account is still active).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal, TextIO

from bot.clock import Clock, utc_now
from bot.identity import IdentityService, portal_account
from bot.portal import NexudusClient, PortalError, PortalNotFound
from bot.slack_users import SlackProfile, SlackUsers
from store.identities import IdentityRepository
from store.models import Identity

if TYPE_CHECKING:
    from bot.config import Settings

Case = Literal["no_account", "ambiguous", "manual", "portal_deactivated", "slack_deactivated"]

# Each case: its heading and the action to take, in the order the report shows them.
CASES: dict[Case, tuple[str, str]] = {
    "no_account": (
        "Slack members with no portal account",
        "ask them to use the same email in Slack and the portal, or link by hand: "
        "/newthread link @them <email or id>",
    ),
    "ambiguous": ("Emails matching several portal accounts", "link by hand to choose"),
    "manual": ("Manual links", "review"),
    "portal_deactivated": (
        "Links to deactivated portal accounts",
        "unlink, or reactivate the account in Nexudus",
    ),
    "slack_deactivated": ("Links of deactivated Slack users", "unlink; they get no DMs"),
}


@dataclass(frozen=True)
class Finding:
    slack_user_id: str
    name: str  # their Slack name
    detail: str


@dataclass
class ReconciliationReport:
    findings: dict[Case, list[Finding]] = field(default_factory=lambda: {case: [] for case in CASES})
    accounts: int = 0  # users.list rows walked (bots and deactivated included)
    members: int = 0  # active people among them
    from_cache: int = 0  # members answered by the identity cache
    lookups: int = 0  # Nexudus lookups made (members and manual links)
    unchecked: list[str] = field(default_factory=list)  # Slack ids not looked up this time
    portal_error: str | None = None  # why lookups stopped, if Nexudus failed
    made_at: datetime | None = None  # when, for a report kept a while (the Home tab's)
    unavailable: str | None = None  # why there is no report at all (Slack refused the walk)

    def cases(self) -> Iterator[tuple[Case, str, str, list[Finding]]]:
        for case, (title, action) in CASES.items():
            yield case, title, action, self.findings[case]

    def cost(self) -> str:
        text = (
            f"Cost: one users.list walk ({self.accounts} accounts, {self.members} active members), "
            f"{self.lookups} Nexudus lookups, {self.from_cache} members answered from the identity cache."
        )
        if self.unchecked:
            why = f"Nexudus failed: {self.portal_error}" if self.portal_error else "lookup budget spent"
            text += f" {len(self.unchecked)} not checked ({why}): `python -m bot people` checks everyone."
        return text


class Reconciler:
    def __init__(
        self,
        *,
        slack_users: SlackUsers,
        identities: IdentityService,
        links: IdentityRepository,
        portal: NexudusClient,
        clock: Clock,
    ) -> None:
        self._slack_users = slack_users
        self._identities = identities
        self._links = links
        self._portal = portal
        self._clock = clock

    def report(self, *, lookup_budget: int | None = None) -> ReconciliationReport:
        """Everyone checked, or at most ``lookup_budget`` Nexudus lookups (the Home tab's)."""
        report = ReconciliationReport()
        accounts = self._slack_users.members()
        report.accounts = len(accounts)
        names = {a.user_id: a.name for a in accounts}
        for member in accounts:
            # Another organisation's people (Slack Connect) are never linked by email, so
            # not ours to reconcile; a manual link of one is listed with the manual links.
            if member.is_bot or self._slack_users.from_elsewhere(member):
                continue
            if member.deleted:
                self._deactivated_member(member, report)
                continue
            report.members += 1
            identity = self._identity(member.user_id, report, lookup_budget)
            if identity is not None:
                _classify(member, identity, report)
        for link in self._links.manual_links():
            self._manual(link, names.get(link.slack_user_id, link.slack_user_id), report, lookup_budget)
        return report

    def _identity(
        self, slack_user_id: str, report: ReconciliationReport, budget: int | None
    ) -> Identity | None:
        known = self._identities.cached(slack_user_id)
        if known is not None and known.is_fresh(self._clock()):
            report.from_cache += 1
            return known
        if not _may_look_up(report, budget):
            report.unchecked.append(slack_user_id)
            return None
        report.lookups += 1
        try:
            return self._identities.resolve(slack_user_id)
        except PortalError as error:
            report.portal_error = str(error)
            report.unchecked.append(slack_user_id)
            return None

    def _deactivated_member(self, member: SlackProfile, report: ReconciliationReport) -> None:
        identity = self._identities.cached(member.user_id)
        if identity is not None and identity.state == "linked":
            how = "manual" if identity.source == "manual" else "by email"
            detail = f"linked ({how}) to {portal_account(identity)}; deactivated in Slack"
            report.findings["slack_deactivated"].append(Finding(member.user_id, member.name, detail))

    def _manual(self, link: Identity, name: str, report: ReconciliationReport, budget: int | None) -> None:
        by = link.linked_by or "an admin (before this was recorded)"
        when = link.linked_at or link.checked_at
        detail = f"to {portal_account(link)}, by {by} on {when:%Y-%m-%d %H:%M} UTC"
        report.findings["manual"].append(Finding(link.slack_user_id, name, detail))
        if link.portal_user_id is None or not _may_look_up(report, budget):
            return
        report.lookups += 1
        try:
            active = self._portal.user(link.portal_user_id).active
        except PortalNotFound:
            active = False
        except PortalError as error:
            report.portal_error = str(error)
            return
        if not active:
            gone = f"manual link to {portal_account(link)}, which is deactivated or gone in Nexudus"
            report.findings["portal_deactivated"].append(Finding(link.slack_user_id, name, gone))


def _may_look_up(report: ReconciliationReport, budget: int | None) -> bool:
    # After one Nexudus failure, more calls would only wait out the same failure.
    return report.portal_error is None and (budget is None or report.lookups < budget)


def _classify(member: SlackProfile, identity: Identity, report: ReconciliationReport) -> None:
    if identity.source == "manual":
        return  # listed with the manual links, which are checked on their own
    if identity.state == "missing":
        if identity.reason:
            found = Finding(member.user_id, member.name, f"automatic link ended: {identity.reason}")
            report.findings["portal_deactivated"].append(found)
        else:
            email = f"no portal account uses {identity.email}" if identity.email else "no email in Slack"
            report.findings["no_account"].append(Finding(member.user_id, member.name, email))
    elif identity.other_user_ids:
        others = ", ".join(str(i) for i in identity.other_user_ids)
        detail = f"{identity.email}: picked {portal_account(identity)}, not {others}. {identity.reason or ''}"
        report.findings["ambiguous"].append(Finding(member.user_id, member.name, detail.strip()))


def report_lines(report: ReconciliationReport) -> list[str]:
    """The whole report as plain text lines, for the command line."""
    lines: list[str] = []
    for _, title, action, findings in report.cases():
        lines.append(f"{title}: {len(findings)}" + (f"  -> {action}" if findings else ""))
        lines += [f"  {f.slack_user_id}  {f.name}: {f.detail}" for f in findings]
    return [*lines, report.cost()]


def run_people(settings: Settings, out: TextIO) -> int:
    """``python -m bot people``: the whole report, every member checked."""
    from bot.app import portal_client, slack_client  # the factory's clients, built once here
    from store import Store

    store = Store(settings.database)
    portal = portal_client(settings, store)
    try:
        slack_users = SlackUsers(slack_client(settings), reported=store.slack_profiles)
        identities = IdentityService(portal=portal, slack_users=slack_users, identities=store.identities)
        reconciler = Reconciler(
            slack_users=slack_users, identities=identities, links=store.identities, portal=portal,
            clock=utc_now,
        )  # fmt: skip
        for line in report_lines(reconciler.report()):
            out.write(line + "\n")
    finally:
        portal.close()
        store.close()
    return 0
