"""How a relayed message looks once the portal changed: edited, or no longer available.

Implements ``bot.relay.changes.ChangeMarks``. The notice carries no portal text at all.
"""

from __future__ import annotations

from typing import Any

from bot.relay.items import Message
from handlers.blocks.text import mrkdwn

WITHDRAWN_TEXT = "This thread is no longer available here."
EDITED_MARK = "(edited)"


class SlackChangeMarks:
    def withdrawn(self) -> Message:
        blocks: list[dict[str, Any]] = [
            {"type": "context", "elements": [mrkdwn(f":no_entry_sign: _{WITHDRAWN_TEXT}_")]}
        ]
        return WITHDRAWN_TEXT, blocks

    def edited(self, message: Message) -> Message:
        text, blocks = message
        mark = {"type": "context", "elements": [mrkdwn(f"_{EDITED_MARK}_")]}
        return f"{text} {EDITED_MARK}", [*blocks, mark]
