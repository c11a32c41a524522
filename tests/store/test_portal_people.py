"""The portal people cache: a look-up is kept and replaced by a newer one."""

from __future__ import annotations

from datetime import timedelta

from store import Store
from store.models import Identity
from store.relay_models import PortalPerson
from tests.store.conftest import NOW


def test_a_remembered_portal_person_comes_back_and_is_replaced_by_a_newer_look(store: Store) -> None:
    first = PortalPerson(
        portal_user_id=77, full_name="Jane Doe", checked_at=NOW, expires_at=NOW + timedelta(days=1)
    )
    later = first.model_copy(update={"slack_user_id": "UJANE", "checked_at": NOW + timedelta(hours=1)})

    store.portal_people.remember(first)
    assert store.portal_people.get(77) == first
    store.portal_people.remember(later)

    assert store.portal_people.get(77) == later
    assert store.portal_people.get(78) is None


def test_an_email_change_forgets_the_matches_it_undoes_and_nothing_else(store: Store) -> None:
    def person(portal_user_id: int, email: str | None, slack_user_id: str | None) -> PortalPerson:
        return PortalPerson(
            portal_user_id=portal_user_id, email=email, slack_user_id=slack_user_id, checked_at=NOW
        )

    kept = [
        person(1, "Jane.Smith@example.com", "UJANE"),  # her new email, whatever its case
        person(2, "omar@example.com", "UOMAR"),  # somebody else's match
        person(3, "lee@example.com", None),  # somebody else's email, unmatched
        person(4, None, None),  # no email at all
    ]
    undone = [
        person(5, "jane@example.com", "UJANE"),  # matched to her by the email she no longer has
        person(6, "jane.smith@example.com", None),  # her new email, looked up before it was hers
    ]
    for each in kept + undone:
        store.portal_people.remember(each)

    forgotten = store.portal_people.forget_matches_undone("UJANE", "jane.smith@EXAMPLE.com")

    assert forgotten == 2
    assert [store.portal_people.get(p.portal_user_id) for p in kept] == kept
    assert [store.portal_people.get(p.portal_user_id) for p in undone] == [None, None]


def test_a_member_left_with_no_email_is_matched_to_nobody_any_more(store: Store) -> None:
    matched = PortalPerson(portal_user_id=5, email="jane@example.com", slack_user_id="UJANE", checked_at=NOW)
    unmatched = PortalPerson(portal_user_id=6, email=None, slack_user_id=None, checked_at=NOW)
    store.portal_people.remember(matched)
    store.portal_people.remember(unmatched)

    assert store.portal_people.forget_matches_undone("UJANE", None) == 1
    assert store.portal_people.get(5) is None and store.portal_people.get(6) == unmatched


def test_a_match_through_a_link_of_theirs_stands_whatever_the_emails(store: Store) -> None:
    # An admin linked Jane to the company profile, whose email is not her Slack one.
    store.identities.remember(
        Identity(slack_user_id="UJANE", state="linked", source="manual", portal_user_id=7, checked_at=NOW)
    )
    through_link = PortalPerson(
        portal_user_id=7, email="accounts@company.example", slack_user_id="UJANE", checked_at=NOW
    )
    store.portal_people.remember(through_link)

    assert store.portal_people.forget_matches_undone("UJANE", "jane@example.com") == 0  # a status emoji
    assert store.portal_people.get(7) == through_link
