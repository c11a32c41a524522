"""Slack user → portal account: email match, preferences among profiles, caching, manual links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.identity import IdentityService
from emulators import seed
from emulators.stack import LocalStack


def service(stack: LocalStack, now: list[datetime]) -> IdentityService:
    return IdentityService(
        portal=stack.portal,
        slack_users=stack.bot.slack_users,
        identities=stack.store.identities,
        clock=lambda: now[0],
    )


def lookups(stack: LocalStack) -> int:
    return len([r for r in stack.nexudus.requests if r.path in ("/api/spaces/coworkers", "/api/sys/users")])


def test_member_is_found_by_slack_email(stack: LocalStack) -> None:
    found = stack.bot.identities.resolve(seed.JANE)

    assert (found.state, found.portal_user_id, found.coworker_id) == (
        "linked",
        seed.JANE_USER_ID,
        seed.JANE_COWORKER_ID,
    )
    assert found.home_business_id == seed.CANAL_STREET and found.source == "email"


def test_active_default_profile_is_preferred(stack: LocalStack) -> None:
    stack.nexudus.add(
        "Coworker",
        Id=5600900,
        UserId=3400900,
        Email="jane@example.com",
        FullName="Jane (old)",
        Active=False,
        IsDefaultProfile=True,
    )
    stack.nexudus.add(
        "Coworker",
        Id=5600901,
        UserId=3400901,
        Email="JANE@example.com",
        FullName="Jane (company)",
        Active=True,
        IsDefaultProfile=False,
    )

    found = stack.bot.identities.resolve(seed.JANE)

    assert found.coworker_id == seed.JANE_COWORKER_ID


def test_profile_without_user_id_in_the_list_is_read_in_full(stack: LocalStack) -> None:
    stack.nexudus.detail_only["Coworker"] = ("UserId",)

    found = stack.bot.identities.resolve(seed.OMAR)

    assert found.portal_user_id == seed.OMAR_USER_ID
    assert stack.nexudus.calls("GET", f"/api/spaces/coworkers/{seed.OMAR_COWORKER_ID}")


def test_staff_user_without_a_customer_profile_is_found_by_user_email(stack: LocalStack) -> None:
    found = stack.bot.identities.resolve(seed.LEE)

    assert (found.state, found.portal_user_id, found.coworker_id) == ("linked", seed.LEE_USER_ID, None)


def test_found_is_cached_for_a_day(stack: LocalStack) -> None:
    now = [datetime.now(UTC)]
    identities = service(stack, now)
    identities.resolve(seed.JANE)
    calls = lookups(stack)

    now[0] += timedelta(hours=23)
    identities.resolve(seed.JANE)
    assert lookups(stack) == calls

    now[0] += timedelta(hours=2)
    identities.resolve(seed.JANE)
    assert lookups(stack) > calls


def test_not_found_is_cached_for_minutes(stack: LocalStack) -> None:
    now = [datetime.now(UTC)]
    identities = service(stack, now)
    assert identities.resolve(seed.NOBODY).state == "missing"
    calls = lookups(stack)

    now[0] += timedelta(minutes=5)
    identities.resolve(seed.NOBODY)
    assert lookups(stack) == calls

    now[0] += timedelta(minutes=6)
    identities.resolve(seed.NOBODY)
    assert lookups(stack) > calls


def test_slack_user_without_email_is_missing_and_nothing_is_asked(stack: LocalStack) -> None:
    stack.slack.add_user("UHIDDEN", "Hidden Email", None)
    calls = lookups(stack)

    found = stack.bot.identities.resolve("UHIDDEN")

    assert found.state == "missing" and found.email is None
    assert lookups(stack) == calls


def test_manual_link_wins_over_email_and_never_expires(stack: LocalStack) -> None:
    now = [datetime.now(UTC)]
    identities = service(stack, now)
    identities.link(seed.JANE, str(seed.OMAR_USER_ID))

    now[0] += timedelta(days=400)
    found = identities.resolve(seed.JANE)

    assert (found.portal_user_id, found.source) == (seed.OMAR_USER_ID, "manual")


def test_reverse_lookup_finds_linked_slack_users(stack: LocalStack) -> None:
    stack.bot.identities.resolve(seed.JANE)

    found = stack.store.identities.find_by_portal_user(seed.JANE_USER_ID)

    assert [i.slack_user_id for i in found] == [seed.JANE]
