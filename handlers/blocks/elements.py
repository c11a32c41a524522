"""Block Kit elements the forms share, kept inside Slack's limits."""

from __future__ import annotations

from typing import Any

from handlers.blocks.text import plain, shorten

OPTION_TEXT_MAX = 75  # Slack's limit for an option's text
OPTIONS_MAX = 100  # and for a static select's options


def text_input(
    block_id: str,
    action_id: str,
    label: str,
    value: str,
    *,
    max_length: int,
    optional: bool = False,
    multiline: bool = False,
    placeholder: str | None = None,
    hint: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "max_length": max_length,
    }
    if value:
        element["initial_value"] = value
    if placeholder:
        element["placeholder"] = plain(placeholder)
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": plain(label),
        "element": element,
    }
    if hint:
        block["hint"] = plain(hint)
    return block


def static_select(
    action_id: str, placeholder: str, options: list[dict[str, Any]], chosen: int | None
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": plain(placeholder),
        "options": options,
    }
    initial = next((o for o in options if o["value"] == str(chosen)), None)
    if initial:
        element["initial_option"] = initial
    return element


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(shorten(text, OPTION_TEXT_MAX)), "value": value}
