"""Block Kit builders: valid for slack_sdk, inside the limits it does not check, text escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.identity import FROM_ELSEWHERE
from bot.outcomes import Busy, Deferred, GaveUp, NotLinked, Posted, Rejected
from bot.relay.items import BoardThread
from handlers import ids
from handlers.blocks.messages import draft_notice, whoami_text
from handlers.blocks.new_thread_modal import new_thread_modal
from handlers.blocks.relay_messages import new_thread_card
from handlers.blocks.result_views import busy_view, deferred_view, not_linked_view, posted_view, posting_view
from handlers.blocks.text import escape, plain_from_slack
from handlers.forms import ModalState
from store.models import Group, Identity, Location

LOCATIONS = [Location(id=1, name="Canal Street"), Location(id=2, name="Harbour View")]


def check_limits(view: dict[str, Any]) -> None:
    View(**view).validate_json()
    for block in view["blocks"]:
        for option in block.get("element", {}).get("options", []):
            assert len(option["text"]["text"]) <= 75 and len(option["value"]) <= 150
        assert len(block.get("element", {}).get("options", [])) <= 100
    assert len(view.get("private_metadata", "")) <= 3000


@pytest.mark.parametrize(
    "state",
    [
        ModalState(key="k"),  # fresh form
        ModalState(key="k", channel_id="C1", business_id=1, zoom_on=True, zoom_start=1_700_000_000),
        ModalState(key="k", notice="Editing your saved draft.", subject="s" * 150, message="m" * 3000),
    ],
)
def test_modal_is_valid_in_every_state(state: ModalState) -> None:
    groups = [Group(id=10, business_id=1, name="Parents", access=2)]
    check_limits(new_thread_modal(state, LOCATIONS, groups))


def test_cold_cache_uses_an_external_location_select() -> None:
    view = new_thread_modal(ModalState(key="k"), [], [])

    location = next(b for b in view["blocks"] if b.get("block_id") == ids.LOCATION_BLOCK)
    assert location["element"]["type"] == "external_select"
    check_limits(view)


def test_huge_group_lists_and_long_names_stay_inside_slack_limits() -> None:
    groups = [Group(id=i, business_id=1, name=f"Group {i} " + "x" * 90, access=3) for i in range(150)]

    view = new_thread_modal(ModalState(key="k", business_id=1), LOCATIONS, groups)

    check_limits(view)


def test_share_option_only_when_typed_in_a_channel() -> None:
    without = new_thread_modal(ModalState(key="k"), LOCATIONS, [])
    with_channel = new_thread_modal(ModalState(key="k", channel_id="C1"), LOCATIONS, [])

    assert ids.OPTION_SHARE not in str(without) and ids.OPTION_SHARE in str(with_channel)


@pytest.mark.parametrize(
    "view",
    [
        posting_view("<b>"),
        posted_view(Posted(1, "Title", "https://x.example/1", "not in channel")),
        deferred_view(Deferred("Nexudus is down", datetime.now(UTC))),
        deferred_view(GaveUp("Nexudus is down")),
        not_linked_view(NotLinked("a@b.c")),
        not_linked_view(NotLinked(None)),
        busy_view(),
    ],
)
def test_result_views_are_valid(view: dict[str, Any]) -> None:
    View(**view).validate_json()


@pytest.mark.parametrize(
    "outcome",
    [
        Posted(1, "s"),
        Busy(),
        Deferred("down", datetime.now(UTC)),
        GaveUp("down"),
        Rejected({"subject": "<!here> bad"}),
        NotLinked(None),
    ],
)
def test_draft_notices_stay_small_and_escaped(outcome: Any) -> None:
    text, blocks = draft_notice("<!channel> party", "key", outcome)

    assert "<!channel>" not in text and len(blocks) <= 50
    assert "<!here>" not in str(blocks)


def test_share_card_escapes_portal_text() -> None:
    thread = BoardThread(
        id=1, subject="<!channel>", location="Canal <Street>", author="<@U2>", url="https://portal/1"
    )
    text, blocks = new_thread_card(thread, excerpt="<https://evil|safe> & <@U1>")

    rendered = str(blocks)
    assert "<!channel>" not in text
    assert "<!channel>" not in rendered and "<@U1>" not in rendered and "<@U2>" not in rendered
    assert "<https://evil" not in rendered and "&lt;https://evil|safe&gt; &amp;" in rendered
    assert "<https://portal/1|&lt;!channel&gt;>" in rendered


@pytest.mark.parametrize(
    ("slack", "plain"),
    [
        ("<@U1|ann>", "@ann"),  # user mention
        ("<#C1|general>", "#general"),  # channel
        ("<!here>", "@here"),  # special mention
        ("<!subteam^S1|@team>", "@team"),  # user group
        ("<https://x.org>", "https://x.org"),  # bare link
        ("<mailto:a@b.c|a@b.c>", "a@b.c"),  # email
        ("a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"),  # Slack's escapes
    ],
)
def test_plain_from_slack(slack: str, plain: str) -> None:
    assert plain_from_slack(slack) == plain


def test_escape_only_touches_the_three_characters() -> None:
    assert escape("a & <b> \"c\" 'd'") == "a &amp; &lt;b&gt; \"c\" 'd'"


def test_whoami_says_why_someone_is_not_linked_when_the_bot_knows() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    outsider = Identity(
        slack_user_id="UX",
        state="missing",
        source="email",
        email="x@elsewhere.example",
        reason=FROM_ELSEWHERE,
        checked_at=now,
    )
    unknown = outsider.model_copy(update={"reason": None})

    assert "another organisation" in whoami_text(outsider)
    assert "no member uses your Slack email (x@elsewhere.example)" in whoami_text(unknown)
