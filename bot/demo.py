"""``python -m bot demo``: the whole /newthread flow against the built-in emulators.

No accounts and no environment variables: a member runs the command, fills the modal
and posts; we print what Slack showed and what Nexudus received.
"""

from __future__ import annotations

import json
import time
from typing import Any, TextIO

from bot.portal.ratelimit import RateLimiter
from bot.relay.delivery import CHANNEL_PACE
from emulators import seed
from emulators.slack import SlackCall
from emulators.stack import LocalStack

WAIT = 5.0
COMMUNITY = "CCOMMUNITY"


def run_demo(out: TextIO) -> int:
    # Paced as the real bot is: one post a second per channel, Nexudus calls 100 ms apart.
    with LocalStack(channel_pace=CHANNEL_PACE, limiter=RateLimiter()) as stack:
        out.write("Started local emulators of Slack and Nexudus, and the bot in HTTP mode.\n\n")
        stack.bot.directory.refresh()
        stack.bot.relay.run_once()  # the relay starts watching the board from now
        out.write("1. Jane types: /newthread Lost keys near the kitchen\n")
        stack.driver.slash(seed.JANE, "Lost keys near the kitchen")
        opened = _wait_for(stack, "views.open")
        view = {**opened.args["view"], "id": "VDEMO"}
        out.write("   Slack shows the modal:\n")
        for line in describe_view(view):
            out.write(f"     {line}\n")
        out.write("\n2. Jane picks Canal Street; the modal now offers that location's groups:\n")
        stack.driver.change(seed.JANE, view, "location", location=seed.CANAL_STREET)
        updated = _wait_for(stack, "views.update")
        view = {**updated.args["view"], "id": "VDEMO"}
        for line in describe_view(view):
            out.write(f"     {line}\n")
        out.write("\n3. Jane writes the message, picks the Parents group, mentions Omar, and posts.\n")
        answer = stack.driver.submit(
            seed.JANE,
            view,
            location=seed.CANAL_STREET,
            group=seed.PARENTS_GROUP,
            message="Blue lanyard, three keys. Left by the coffee machine this morning?",
            tags="lost-and-found, kitchen, kitchen",
            guests=[seed.OMAR],
            options=["instant", "share"],
        )
        result = answer.json() if answer.content else {}
        out.write(f"   Slack shows: {_result_text(result)}\n")
        created = stack.nexudus.created()
        if not created:
            out.write("\nNexudus received nothing: the demo failed.\n")
            return 1
        body = {k: v for k, v in created[0].items() if not k.startswith("_")}
        out.write("\n4. Nexudus received POST /api/community/communitythreads:\n")
        out.write("   " + json.dumps(body, indent=2).replace("\n", "\n   ") + "\n")
        card = _wait_for(stack, "chat.postMessage")
        out.write(f"\n5. The bot shared it in channel {card.args.get('channel')}: {card.args.get('text')}\n")
        _relay_story(stack, int(body["Id"]), out)
    out.write("\nDemo finished: this is what a real workspace and Nexudus account would see.\n")
    return 0


def _relay_story(stack: LocalStack, thread_id: int, out: TextIO) -> None:
    out.write("\n6. An admin types in #community: /newthread subscribe digest\n")
    stack.driver.slash(seed.ADMIN, "subscribe digest", channel_id=COMMUNITY)
    out.write(f"   Slack answers: {_wait_for_response(stack)}\n")
    stack.nexudus.add("CommunityThreadFollow", ThreadId=thread_id, UserId=seed.JANE_USER_ID)
    stack.nexudus.add(
        "CommunityMessage",
        CommunityThreadId=thread_id,
        UserId=seed.OMAR_USER_ID,
        # Written in the portal's editor, so stored as HTML (reference §15).
        Message="<p>Found them! They are at the <strong>front desk</strong> &amp; safe.</p>",
    )
    out.write("\n7. On the portal, Omar replies to Jane's thread (which she follows), in its editor.\n")
    out.write(f"   The relay polls: {stack.bot.relay.run_once()}\n")
    for message in stack.slack.posts(f"D{seed.JANE}"):
        out.write(f"   Jane gets a DM: {_message_text(message)}\n")
    out.write("\n8. Digest time: python -m bot digest --now\n")
    out.write(f"   {stack.bot.relay.digest_pass(force=True)}\n")
    for message in stack.slack.posts(COMMUNITY)[1:]:
        out.write(f"   #community gets: {_message_text(message)}\n")


def _message_text(message: dict[str, Any]) -> str:
    texts = [b.get("text", {}).get("text", "") for b in message.get("blocks", []) if b["type"] == "section"]
    return " | ".join(t.replace("\n", " / ") for t in texts)


def _wait_for_response(stack: LocalStack) -> str:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline and not stack.slack.responses:
        time.sleep(0.02)
    return str(stack.slack.responses[-1]["text"]) if stack.slack.responses else "(nothing)"


def describe_view(view: dict[str, Any]) -> list[str]:
    lines = [f"[{view['title']['text']}]"]
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        shown = element.get("initial_value") or (element.get("initial_option") or {}).get("text", {}).get(
            "text"
        )
        choices = [o["text"]["text"] for o in element.get("options", [])]
        detail = f" = {shown!r}" if shown else (f" one of {choices}" if choices else "")
        lines.append(f"{block['label']['text']}{'' if block.get('optional') else ' *'}{detail}")
    return lines


def _result_text(result: dict[str, Any]) -> str:
    if result.get("response_action") == "errors":
        return f"inline errors {result['errors']}"
    view = result.get("view") or {}
    texts = [b.get("text", {}).get("text", "") for b in view.get("blocks", [])]
    return " ".join(texts).replace("\n", " ") or "(closed)"


def _wait_for(stack: LocalStack, method: str) -> SlackCall:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        calls = stack.slack.calls_to(method)
        if calls:
            return calls[-1]
        time.sleep(0.02)
    raise RuntimeError(f"the bot never called {method}")
