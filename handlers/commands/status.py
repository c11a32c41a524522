"""``/newthread status`` (admins): the relay's last run and the deliveries that are stuck."""

from __future__ import annotations

from typing import Any

from bot.relay.cycle import RELAY_JOB
from bot.services import Services
from handlers import ids
from handlers.blocks.text import escape, mrkdwn, plain

FAILED_SHOWN = 10


def status_message(services: Services) -> tuple[str, list[dict[str, Any]]]:
    store = services.store
    last = store.relay_state.last_run(RELAY_JOB)
    run = (
        f"Last relay run: {last[0]:%Y-%m-%d %H:%M} UTC: {escape(last[1])}"
        if last
        else "The relay has not run yet."
    )
    pending, failed = store.outbox.count("pending"), store.outbox.count("failed")
    lines = [run, f"Deliveries waiting: {pending}. Failed: {failed}."]
    retrying = [m for m in store.outbox.in_state("pending", FAILED_SHOWN) if m.last_error]
    lines += [
        f"• retrying `{escape(m.key)}` to {escape(m.target)}: {escape(m.last_error or '')}" for m in retrying
    ]
    lines += [
        f"• failed `{escape(m.key)}` to {escape(m.target)}: {escape(m.last_error or 'unknown')}"
        for m in store.outbox.in_state("failed", FAILED_SHOWN)
    ]
    text = "\n".join(lines)
    blocks: list[dict[str, Any]] = [{"type": "section", "text": mrkdwn(text)}]
    if failed:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": ids.REPLAY_FAILED_ACTION,
                        "style": "primary",
                        "text": plain(f"Replay {failed} failed"),
                        "value": "replay",
                    }
                ],
            }
        )
    return text, blocks
