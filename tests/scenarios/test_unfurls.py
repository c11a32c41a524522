"""Portal thread links pasted in Slack unfurl, through the real app: only public threads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.relay.people import PortalPeople
from bot.unfurls import ThreadUnfurls
from emulators import seed
from emulators.stack import LocalStack
from handlers.events.link_shared import unfurl_links
from tests.conftest import wait_for

PORTAL = "https://portal.example.com"
CHANNEL = "CGENERAL"


@pytest.fixture
def portal_stack(tmp_path: Path) -> Iterator[LocalStack]:
    with LocalStack(directory=tmp_path, nexudus_portal_url=PORTAL) as running:
        assert running.bot.directory.refresh()
        yield running


def link(thread_id: int) -> str:
    return f"{PORTAL}/community/board/threads/{thread_id}"


def thread(stack: LocalStack, subject: str, **fields: Any) -> int:
    record = stack.nexudus.add(
        "CommunityThread",
        BusinessId=seed.CANAL_STREET,
        UserId=seed.OMAR_USER_ID,
        Subject=subject,
        Message="Details inside",
        **fields,
    )
    return int(record["Id"])


def test_public_thread_link_unfurls_with_its_facts_escaped(portal_stack: LocalStack) -> None:
    found = thread(portal_stack, "Quiz <!channel> & cake", CommunityGroupId=seed.PARENTS_GROUP)
    for text in ("I'm in", "Me too"):
        portal_stack.nexudus.add(
            "CommunityMessage", CommunityThreadId=found, UserId=seed.JANE_USER_ID, Message=text
        )

    assert portal_stack.driver.link_shared(seed.JANE, CHANNEL, [link(found)]).status_code == 200

    [call] = wait_for(lambda: portal_stack.slack.calls_to("chat.unfurl"))
    assert call.args["channel"] == CHANNEL and call.args["ts"] == "1700000000.000200"
    shown = json.dumps(call.args["unfurls"][link(found)], ensure_ascii=False)
    assert "Quiz &lt;!channel&gt; &amp; cake" in shown and "<!channel>" not in shown
    for fact in ("Canal Street", "Parents", "Omar Haddad", "2 replies", "<!date^"):
        assert fact in shown


def test_replies_are_counted_from_one_row_and_the_lists_total(portal_stack: LocalStack) -> None:
    found = thread(portal_stack, "Busy thread")
    for n in range(30):
        portal_stack.nexudus.add(
            "CommunityMessage", CommunityThreadId=found, UserId=seed.JANE_USER_ID, Message=f"{n}"
        )

    card = unfurls_of(portal_stack).card(found)

    assert card is not None and card.replies == 30
    [asked] = portal_stack.nexudus.calls("GET", "/api/community/communitymessages")
    assert asked.query["size"] == "1"  # not a walk of every page


def test_only_threads_everyone_may_see_unfurl(portal_stack: LocalStack) -> None:
    public = thread(portal_stack, "Open day")
    private = thread(portal_stack, "Salaries", Private=True)
    in_private_group = thread(portal_stack, "Board minutes", CommunityGroupId=seed.BOARD_GROUP)
    deleted = thread(portal_stack, "Gone soon")
    portal_stack.nexudus.remove("CommunityThread", deleted)
    links = [link(private), link(in_private_group), link(deleted), f"{PORTAL}/events", link(public)]

    portal_stack.driver.link_shared(seed.JANE, CHANNEL, links)

    [call] = wait_for(lambda: portal_stack.slack.calls_to("chat.unfurl"))
    assert list(call.args["unfurls"]) == [link(public)]


def unfurls_of(stack: LocalStack) -> ThreadUnfurls:
    people = PortalPeople(
        portal=stack.portal,
        slack_users=stack.bot.slack_users,
        identities=stack.store.identities,
        cache=stack.store.portal_people,
    )
    return ThreadUnfurls(
        portal=stack.portal,
        people=people,
        directory=stack.bot.directory,
        thread_url_template=stack.settings.thread_url_template,
    )


@pytest.mark.parametrize(
    "hidden",
    [
        {"Private": True},  # only the people named on it
        {"CommunityGroupId": seed.BOARD_GROUP},  # a Private group
        {"deleted": True},  # 401 "Not found"
        {"other_page": True},  # not a thread link at all
    ],
)
def test_a_link_nobody_may_see_gets_no_unfurl_call(portal_stack: LocalStack, hidden: dict[str, Any]) -> None:
    fields = {k: v for k, v in hidden.items() if k not in ("deleted", "other_page")}
    found = thread(portal_stack, "Not for everyone", **fields)
    if hidden.get("deleted"):
        portal_stack.nexudus.remove("CommunityThread", found)
    url = f"{PORTAL}/community/events/{found}" if hidden.get("other_page") else link(found)
    event = {"channel": CHANNEL, "message_ts": "1.2", "links": [{"url": url, "domain": "portal.example.com"}]}
    acked: list[bool] = []

    # Called directly: the listener returns when it is done, so "no call" needs no waiting.
    unfurl_links(
        lambda: acked.append(True), event, portal_stack.bot.app.client, unfurls=unfurls_of(portal_stack)
    )

    assert acked == [True]
    assert portal_stack.slack.calls_to("chat.unfurl") == []


def test_link_typed_in_the_composer_is_unfurled_by_its_unfurl_id(portal_stack: LocalStack) -> None:
    found = thread(portal_stack, "Open day")
    portal_stack.slack.share_links("composer", "UF1", [link(found)])
    event = {
        "channel": "COMPOSER",
        "message_ts": "1.2",
        "unfurl_id": "UF1",
        "source": "composer",
        "links": [{"url": link(found), "domain": "portal.example.com"}],
    }

    unfurl_links(lambda: None, event, portal_stack.bot.app.client, unfurls=unfurls_of(portal_stack))

    [call] = portal_stack.slack.calls_to("chat.unfurl")
    assert call.args["unfurl_id"] == "UF1" and call.args["source"] == "composer"
