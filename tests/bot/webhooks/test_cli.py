"""``python -m bot webhooks install|status|remove`` against the Nexudus emulator."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.portal.models import Webhook, WebhookAction
from bot.webhooks.cli import run_webhooks
from emulators import seed
from emulators.stack import LocalStack

PUBLIC = "https://bot.example.com"
OURS = PUBLIC + "/nexudus/webhooks"
THEIRS = "https://crm.example.com/hooks/nexudus"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[LocalStack]:
    with LocalStack(directory=tmp_path) as running:
        # Someone else's webhook on the same action: never touched.
        other = Webhook(business_id=seed.CANAL_STREET, name="CRM", action=WebhookAction.NEW_REPLY, url=THEIRS)
        running.portal.create_webhook(other)
        yield running


def run(settings: Settings, action: str | None) -> tuple[int, str]:
    out = io.StringIO()
    code = run_webhooks(settings, action, out)
    return code, out.getvalue()


def configured(stack: LocalStack, public_url: str | None = PUBLIC) -> Settings:
    return stack.settings.model_copy(update={"public_url": public_url})


def urls(stack: LocalStack) -> list[str]:
    return sorted(h["URL"] for h in stack.nexudus.webhooks.hooks)


def test_install_makes_two_per_location_once_and_reminds_of_the_secret(stack: LocalStack) -> None:
    locations = len(stack.nexudus.records["Business"])

    code, first = run(configured(stack), "install")
    again, second = run(configured(stack), "install")

    assert code == again == 0
    assert f"{2 * locations} created, 0 turned back on, 0 already there" in first
    assert f"0 created, 0 turned back on, {2 * locations} already there" in second
    assert "Settings > Integrations" in first and "NEXUDUS_WEBHOOK_SECRET" in first
    assert urls(stack) == sorted([OURS] * 2 * locations + [THEIRS])
    hooks = [h for h in stack.nexudus.webhooks.hooks if h["URL"] == OURS]
    assert {(h["BusinessId"], h["Action"]) for h in hooks} == {
        (b["Id"], action) for b in stack.nexudus.records["Business"] for action in (39, 40)
    }


def test_install_turns_ours_back_on_where_nexudus_disabled_them_and_only_ours(stack: LocalStack) -> None:
    run(configured(stack), "install")
    ours = [h for h in stack.nexudus.webhooks.hooks if h["URL"] == OURS]
    theirs = next(h for h in stack.nexudus.webhooks.hooks if h["URL"] == THEIRS)
    for hook in (ours[0], theirs):  # ten failed deliveries, as Nexudus disables them
        hook.update(Active=False, ErrorCount=10, LastError="HTTP 502")

    code, shown = run(configured(stack), "install")
    again, second = run(configured(stack), "install")

    assert code == again == 0
    assert f"0 created, 1 turned back on, {len(ours) - 1} already there" in shown
    assert "turned back on:" in shown and f"(id {ours[0]['Id']})" in shown
    assert ours[0]["Active"] is True and ours[0]["Name"].startswith("Slack board bot")
    assert theirs["Active"] is False  # nobody else's webhook is touched
    assert "0 turned back on" in second
    assert len(stack.nexudus.webhooks.hooks) == len(ours) + 1


def test_turning_one_back_on_without_the_edit_role_names_the_roles(stack: LocalStack) -> None:
    run(configured(stack), "install")
    next(h for h in stack.nexudus.webhooks.hooks if h["URL"] == OURS).update(Active=False)
    stack.nexudus.webhooks.edit_refused = True

    code, shown = run(configured(stack), "install")

    assert code == 1 and "Webhook-Edit" in shown and "webhooks status" in shown


def test_status_lists_ours_with_nexudus_health_fields(stack: LocalStack) -> None:
    run(configured(stack), "install")
    stack.nexudus.webhooks.hooks[-1].update(Active=False, ErrorCount=10, LastError="HTTP 502")

    code, shown = run(configured(stack), "status")

    lines = shown.splitlines()
    assert code == 0 and len(lines) == 2 * len(stack.nexudus.records["Business"])
    assert all("Active" in line and "LastTrigger" in line and "ErrorCount" in line for line in lines)
    assert any("Active False" in line and "LastError HTTP 502, ErrorCount 10" in line for line in lines)
    assert "crm" not in shown.lower()


def test_remove_deletes_ours_only(stack: LocalStack) -> None:
    run(configured(stack), "install")

    code, shown = run(configured(stack), "remove")

    assert code == 0 and "removed (other webhooks left alone)" in shown
    assert urls(stack) == [THEIRS]


def test_install_without_a_public_url_says_so_and_calls_nothing(stack: LocalStack) -> None:
    before = len(stack.nexudus.calls())

    code, shown = run(configured(stack, None), "install")

    assert code == 2 and "BOT_PUBLIC_URL" in shown
    assert len(stack.nexudus.calls()) == before


def test_a_missing_role_is_named(stack: LocalStack) -> None:
    stack.nexudus.webhooks.missing_role = True

    code, shown = run(configured(stack), "status")

    assert code == 1 and "Webhook-List" in shown


def test_an_unknown_action_shows_the_usage(stack: LocalStack) -> None:
    assert run(configured(stack), "list") == (2, "use: python -m bot webhooks install|status|remove\n")
