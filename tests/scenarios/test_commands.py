"""Subcommands, the message shortcut and request signing, through the real HTTP server."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_sdk.models.blocks import Block

from bot.job_runs import JOB_IDS, RELAY_POLL
from emulators import seed
from emulators.slack_driver import sign
from emulators.stack import LocalStack
from handlers import ids
from handlers.commands.table import SUBCOMMANDS
from store.relay_models import OutboxMessage
from tests.conftest import open_modal, wait_for


def reply(stack: LocalStack, user: str, text: str) -> str:
    before = len(stack.slack.responses)
    assert stack.driver.slash(user, text).status_code == 200
    return str(wait_for(lambda: stack.slack.responses[before:])[0]["text"])


def test_help_lists_every_subcommand(stack: LocalStack) -> None:
    text = reply(stack, seed.JANE, "help")

    for subcommand in (
        "/newthread [title]",
        "whoami",
        "help",
        "link @someone",
        "unlink @someone",
        "subscribe [instant|digest]",
        "unsubscribe",
        "/newthread list",
        "/newthread status",
    ):
        assert subcommand in text
    for row in SUBCOMMANDS:  # generated from the table: a new row is listed without editing help
        assert f"`/newthread {row.name}" in text
    assert stack.slack.calls_to("views.open") == []


def test_an_unknown_subcommand_says_so_and_runs_nothing(stack: LocalStack) -> None:
    text = reply(stack, seed.ADMIN, "statsu")

    assert "Unknown subcommand `statsu`: did you mean `/newthread status`?" in text
    assert "Try `/newthread help`" in text
    assert "Last relay run" not in text and stack.slack.calls_to("views.open") == []


def test_text_that_is_not_a_subcommand_is_the_title(stack: LocalStack) -> None:
    view = open_modal(stack, text="some title")

    fields = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert fields[ids.TITLE_BLOCK]["initial_value"] == "some title"


def test_status_lists_each_job_with_its_last_run(stack: LocalStack) -> None:
    stack.bot.relay.run_once()

    text = reply(stack, seed.ADMIN, "status")

    run = stack.store.relay_state.last_run(RELAY_POLL)
    assert run is not None
    assert f"Last relay run (`relay.poll`): {run.finished_at:%Y-%m-%d %H:%M} UTC" in text
    for job_id in JOB_IDS:
        assert f"(`{job_id}`)" in text
    assert "Last draft retry (`drafts.retry`): not yet." in text


def test_status_with_long_errors_stays_within_slacks_section_limit(stack: LocalStack) -> None:
    now = datetime.now(UTC)
    for n in range(12):
        key = f"long-{n}"
        stack.store.outbox.add([OutboxMessage(key=key, target="CNEWS", text=key, blocks=[], created_at=now)])
        assert stack.store.outbox.claim(key, "test", now + timedelta(minutes=1), now)
        assert stack.store.outbox.fail(key, "<html>" + "&" * 1000, owner="test")  # a quoted error page
    before = len(stack.slack.responses)

    reply(stack, seed.ADMIN, "status")

    blocks = stack.slack.responses[before]["blocks"]
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert all(len(text) <= 3000 for text in sections)
    assert "Failed: 12" in sections[0] and "&lt;html&gt;" in sections[0]


def test_whoami_names_the_portal_account_and_how_it_was_linked(stack: LocalStack) -> None:
    text = reply(stack, seed.JANE, "whoami")

    assert "Jane Doe" in text and str(seed.JANE_USER_ID) in text and str(seed.JANE_COWORKER_ID) in text
    assert "matched by your Slack email" in text


def test_whoami_without_an_account_says_what_to_do(stack: LocalStack) -> None:
    text = reply(stack, seed.NOBODY, "whoami")

    assert "not linked" in text and "/newthread link" in text


def test_link_is_refused_to_non_admins(stack: LocalStack) -> None:
    text = reply(stack, seed.JANE, f"link <@{seed.NOBODY}|noor> omar@example.com")

    assert "Only admins" in text
    assert stack.store.identities.get(seed.NOBODY) is None


def test_admin_links_by_email_and_the_link_wins_and_lasts(stack: LocalStack) -> None:
    text = reply(stack, seed.ADMIN, f"link <@{seed.NOBODY}|noor> <mailto:omar@example.com|omar@example.com>")

    assert "now posts as *Omar Haddad*" in text
    who = reply(stack, seed.NOBODY, "whoami")
    assert "Omar Haddad" in who and "linked by an admin" in who
    linked = stack.store.identities.get(seed.NOBODY)
    assert linked is not None and linked.expires_at is None


def test_admin_links_by_user_id(stack: LocalStack) -> None:
    text = reply(stack, seed.ADMIN, f"link <@{seed.NOBODY}> {seed.LEE_USER_ID}")

    assert f"user id `{seed.LEE_USER_ID}`" in text


def test_bot_admins_setting_grants_admin(tmp_path: object) -> None:
    with LocalStack(directory=tmp_path, admins=frozenset({seed.JANE})) as stack:  # type: ignore[arg-type]
        text = reply(stack, seed.JANE, f"link <@{seed.NOBODY}> omar@example.com")
        assert "now posts as" in text


def test_an_admin_of_another_organisation_is_no_admin_here(stack: LocalStack) -> None:
    # Slack Connect: their is_admin is about their own workspace (team T2), not ours (T1).
    stack.slack.add_user("UPARTNER", "Pat Partner", "pat@partner.example", is_admin=True, team_id="T2")

    text = reply(stack, "UPARTNER", f"link <@{seed.NOBODY}> omar@example.com")

    assert "Only admins" in text
    assert stack.store.identities.get(seed.NOBODY) is None


def test_someone_of_another_organisation_does_not_post_as_the_member_with_their_email(
    stack: LocalStack,
) -> None:
    # Their workspace vouches for the email, not ours: anyone could claim a member's address.
    stack.slack.add_user("UPARTNER", "Pat Partner", "jane@example.com", team_id="T2")

    text = reply(stack, "UPARTNER", "whoami")

    assert "not linked" in text and "Jane" not in text
    assert not stack.nexudus.calls("GET", "/api/spaces/coworkers")


def test_link_to_an_unknown_account_changes_nothing(stack: LocalStack) -> None:
    text = reply(stack, seed.ADMIN, f"link <@{seed.NOBODY}> ghost@example.com")

    assert "No portal account" in text
    assert stack.store.identities.get(seed.NOBODY) is None


def test_unlink_removes_a_manual_link(stack: LocalStack) -> None:
    reply(stack, seed.ADMIN, f"link <@{seed.NOBODY}> omar@example.com")

    text = reply(stack, seed.ADMIN, f"unlink <@{seed.NOBODY}>")

    assert "no longer linked" in text
    assert stack.store.identities.get(seed.NOBODY) is None


def test_link_without_a_mention_shows_usage(stack: LocalStack) -> None:
    assert "Usage" in reply(stack, seed.ADMIN, "link @noor omar@example.com")


def test_message_shortcut_prefills_the_form_and_links_the_message(stack: LocalStack) -> None:
    stack.driver.shortcut(seed.JANE, "C200", "Boiler is making noises\nSince 9am <@UOMAR|omar> noticed")

    view = wait_for(lambda: stack.slack.calls_to("views.open"))[0].args["view"]
    fields = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert fields[ids.TITLE_BLOCK]["initial_value"] == "Boiler is making noises"
    assert fields[ids.MESSAGE_BLOCK]["initial_value"] == "Boiler is making noises\nSince 9am @omar noticed"
    stack.driver.submit(seed.JANE, {**view, "id": "VSC"}, location=seed.CANAL_STREET)
    [thread] = stack.nexudus.created()
    link = "https://example.slack.com/archives/C200/p1700000000000100"
    assert thread["Message"].endswith(f'<p>(From Slack: <a href="{link}">{link}</a>)</p>')


@pytest.mark.parametrize(
    "forged",
    [
        {"signed": False},  # no signature at all
        {"timestamp": int(time.time()) - 600},  # a replay older than five minutes
    ],
)
def test_unsigned_or_stale_request_is_refused_with_no_side_effects(
    stack: LocalStack, forged: dict[str, Any]
) -> None:
    slack_calls, portal_calls = len(stack.slack.calls), len(stack.nexudus.requests)
    form = urlencode(
        {
            "command": "/newthread",
            "text": "x",
            "user_id": seed.JANE,
            "trigger_id": stack.slack.new_trigger(),
            "channel_id": "C1",
        }
    )

    answer = stack.driver.post(form, "application/x-www-form-urlencoded", **forged)

    assert answer.status_code == 401
    # Bolt refuses before any listener runs, so nothing can have been started to wait for.
    assert (len(stack.slack.calls), len(stack.nexudus.requests)) == (slack_calls, portal_calls)


def test_tampered_body_is_refused(stack: LocalStack) -> None:
    stamp = str(int(time.time()))
    signature = sign("local-signing-secret", stamp, "text=honest")
    answer = stack.driver.http.post(
        stack.driver.events_url,
        content="text=evil",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature,
        },
    )

    assert answer.status_code == 401


def test_whoami_while_nexudus_is_down_says_so(stack: LocalStack) -> None:
    stack.nexudus.faults.down = True

    assert "Nexudus is not answering" in reply(stack, seed.OMAR, "whoami")
