"""The reconciliation report on the seeded workspace: each case, its action, and its cost.

Seeded: Jane and Omar are customers, Lee is staff (a portal user only), Noor and Ada are in
Slack with no portal account, and the bot's own user is in users.list.
"""

from __future__ import annotations

import io

import pytest

from bot.reconciliation import CASES, Case, Reconciler, ReconciliationReport, report_lines, run_people
from bot.slack_users import SlackUsers
from emulators import seed
from emulators.stack import LocalStack
from tests.bot.relay.conftest import Board, dms_to

OTHER_JANE_USER_ID = 3400090


def reconciler(stack: LocalStack) -> Reconciler:
    return Reconciler(
        slack_users=stack.bot.slack_users,
        identities=stack.bot.identities,
        links=stack.store.identities,
        portal=stack.portal,
        clock=stack.bot.clock,
    )


def listed(report: ReconciliationReport, case: Case) -> list[str]:
    return [f.slack_user_id for f in report.findings[case]]


def test_members_without_a_portal_account_are_listed_with_what_to_do(stack: LocalStack) -> None:
    report = reconciler(stack).report()

    assert sorted(listed(report, "no_account")) == [seed.ADMIN, seed.NOBODY]
    assert "/newthread link @them" in CASES["no_account"][1]
    assert report.members == 5 and report.accounts == 6  # the bot itself is no member
    assert all(not listed(report, case) for case in CASES if case != "no_account")


def test_people_of_another_organisation_are_left_out(stack: LocalStack) -> None:
    stack.slack.add_user("UPARTNER", "Pat Partner", "pat@partner.example", team_id="T2")  # Slack Connect

    report = reconciler(stack).report()

    assert "UPARTNER" not in listed(report, "no_account")
    assert report.members == 5 and report.accounts == 7


def test_a_second_report_answers_from_the_identity_cache(stack: LocalStack) -> None:
    first = reconciler(stack).report()
    asked = len(stack.nexudus.requests)

    second = reconciler(stack).report()

    assert first.lookups == 5 and second.lookups == 0 and second.from_cache == 5
    assert len(stack.nexudus.requests) == asked
    assert len(stack.slack.calls_to("users.list")) == 2  # one walk each
    assert "0 Nexudus lookups" in second.cost()


def test_an_email_matching_several_accounts_says_which_was_picked_and_why(stack: LocalStack) -> None:
    stack.nexudus.add("User", Id=OTHER_JANE_USER_ID, Email="jane@example.com", FullName="Jane D", Active=True)
    stack.nexudus.add(
        "Coworker", UserId=OTHER_JANE_USER_ID, Email="jane@example.com", FullName="Jane D", Active=True
    )

    report = reconciler(stack).report()

    (found,) = report.findings["ambiguous"]
    assert found.slack_user_id == seed.JANE
    assert (
        f"picked portal user {seed.JANE_USER_ID}" in found.detail and str(OTHER_JANE_USER_ID) in found.detail
    )
    assert "default" in found.detail  # why: the default profile ranks first
    assert CASES["ambiguous"][1] == "link by hand to choose"


def test_manual_links_say_who_made_them_and_when(stack: LocalStack) -> None:
    stack.bot.identities.link(seed.NOBODY, str(seed.LEE_USER_ID), by=seed.ADMIN)

    report = reconciler(stack).report()

    (found,) = report.findings["manual"]
    assert found.slack_user_id == seed.NOBODY and f"by {seed.ADMIN} on " in found.detail
    assert seed.NOBODY not in listed(report, "no_account")
    assert listed(report, "portal_deactivated") == []  # Lee is active


def test_a_manual_link_to_a_deactivated_portal_user_is_kept_and_flagged(stack: LocalStack) -> None:
    stack.bot.identities.link(seed.NOBODY, str(seed.LEE_USER_ID), by=seed.ADMIN)
    lee = stack.nexudus.find("User", seed.LEE_USER_ID)
    assert lee is not None
    lee["Active"] = False

    report = reconciler(stack).report()

    # Lee's own automatic link ends; Noor's manual one is kept, and flagged.
    assert sorted(listed(report, "portal_deactivated")) == [seed.LEE, seed.NOBODY]
    assert "reactivate the account in Nexudus" in CASES["portal_deactivated"][1]
    kept = stack.store.identities.get(seed.NOBODY)
    assert kept is not None and kept.state == "linked"


def test_an_inactive_portal_account_no_longer_links_by_email(stack: LocalStack) -> None:
    jane = stack.nexudus.find("Coworker", seed.JANE_COWORKER_ID)
    assert jane is not None
    jane["Active"] = False

    identity = stack.bot.identities.resolve(seed.JANE)
    report = reconciler(stack).report()

    assert identity.state == "missing" and identity.reason and "deactivated" in identity.reason
    assert listed(report, "portal_deactivated") == [seed.JANE]
    assert "automatic link ended" in report.findings["portal_deactivated"][0].detail


def test_an_inactive_staff_login_no_longer_links_by_email(stack: LocalStack) -> None:
    lee = stack.nexudus.find("User", seed.LEE_USER_ID)
    assert lee is not None
    lee["Active"] = False

    assert stack.bot.identities.resolve(seed.LEE).state == "missing"


def test_a_deactivated_slack_user_with_a_link_is_flagged(stack: LocalStack) -> None:
    stack.bot.identities.resolve(seed.JANE)
    stack.slack.users[seed.JANE]["deleted"] = True

    report = reconciler(stack).report()

    assert listed(report, "slack_deactivated") == [seed.JANE]
    assert CASES["slack_deactivated"][1] == "unlink; they get no DMs"
    assert report.members == 4


def test_a_lookup_budget_leaves_the_rest_unchecked_and_says_so(stack: LocalStack) -> None:
    report = reconciler(stack).report(lookup_budget=2)

    assert report.lookups == 2 and len(report.unchecked) == 3
    assert "3 not checked" in report.cost() and "python -m bot people" in report.cost()


def test_nexudus_failing_stops_lookups_and_the_report_says_why(stack: LocalStack) -> None:
    stack.nexudus.faults.down = True

    report = reconciler(stack).report()

    assert report.lookups == 1 and len(report.unchecked) == 5 and report.portal_error
    assert "Nexudus failed" in report.cost()


def test_members_walk_every_users_list_page(stack: LocalStack) -> None:
    for n in range(250):
        stack.slack.add_user(f"UMANY{n}", f"Member {n}", None)

    members = SlackUsers(stack.bot.app.client, reported=stack.store.slack_profiles).members()

    assert len(members) == 256 and len(stack.slack.calls_to("users.list")) == 2


def test_the_text_report_lists_every_case_with_its_action_and_the_cost(stack: LocalStack) -> None:
    lines = report_lines(reconciler(stack).report())

    assert lines[0].startswith("Slack members with no portal account: 2  -> ask them")
    assert any(seed.NOBODY in line and "nobody@example.com" in line for line in lines)
    assert lines[-1].startswith("Cost: one users.list walk")
    assert io.StringIO("\n".join(lines)).getvalue().count("\n") == len(lines) - 1


@pytest.mark.parametrize("deactivated", [True, False])  # False: the same follow does get its DM
def test_a_deactivated_slack_users_follow_gets_no_dm(stack: LocalStack, deactivated: bool) -> None:
    board = Board(stack)
    stack.bot.relay.run_once()  # watch from now
    stack.slack.users[seed.JANE]["deleted"] = deactivated
    thread = board.thread(InstantDelivery=True)
    board.follow(thread)
    board.reply(thread)

    stack.bot.relay.run_once()

    assert (dms_to(stack, seed.JANE) == []) is deactivated


def test_the_command_line_prints_the_whole_report(stack: LocalStack) -> None:
    out = io.StringIO()

    assert run_people(stack.settings, out) == 0

    printed = out.getvalue()
    assert f"{seed.NOBODY}  Noor Body: no portal account uses nobody@example.com" in printed
    assert "Cost: one users.list walk (6 accounts, 5 active members), 5 Nexudus lookups" in printed
