"""A small Dockerfile reader and the rules our image must keep (Docker is not needed)."""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from dataclasses import dataclass

# A base tag that names at least major.minor (python:3.11-slim), never latest or bare 3.
PINNED_BASE = re.compile(r"^[\w./-]+:\d+\.\d+")
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|API_KEY", re.IGNORECASE)
SECRET_VALUE = re.compile(r"\b(?:xox[abprs]|xapp)-")


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, ...
    arguments: str  # as written, continuation lines joined


def parse(text: str) -> list[Instruction]:
    """Instructions in order; comments dropped, backslash continuations joined."""
    instructions: list[Instruction] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def final_stage(instructions: list[Instruction]) -> list[Instruction]:
    starts = [i for i, instruction in enumerate(instructions) if instruction.keyword == "FROM"]
    return instructions[starts[-1] :] if starts else instructions


def env_values(stage: list[Instruction]) -> dict[str, str]:
    values: dict[str, str] = {}
    for instruction in stage:
        if instruction.keyword == "ENV":
            for pair in shlex.split(instruction.arguments):
                name, _, value = pair.partition("=")
                values[name] = value
    return values


def exec_form(arguments: str) -> list[str] | None:
    """``["python", "-m", "bot"]`` as a list; None for the shell form."""
    try:
        parsed = json.loads(arguments)
    except json.JSONDecodeError:
        return None
    return parsed if isinstance(parsed, list) else None


def problems(text: str) -> list[str]:
    """Every rule the Dockerfile breaks; empty when it keeps them all."""
    instructions = parse(text)
    stage = final_stage(instructions)
    found = _base_problems(instructions) + _user_problems(stage) + _secret_problems(instructions)
    found += _runtime_problems(stage)
    for instruction in instructions:
        if instruction.keyword == "RUN" and "pip install" in instruction.arguments:
            if "--no-cache-dir" not in instruction.arguments:
                found.append("pip install without --no-cache-dir")
            if "[test]" in instruction.arguments or "[dev]" in instruction.arguments:
                found.append("test dependencies installed in the image")
    return found


def _base_problems(instructions: list[Instruction]) -> list[str]:
    bases = [i.arguments.split()[0] for i in instructions if i.keyword == "FROM"]
    if not bases:
        return ["no FROM"]
    return [
        f"base image {base} not pinned to a minor version" for base in bases if not PINNED_BASE.match(base)
    ]


def _user_problems(stage: list[Instruction]) -> list[str]:
    keywords = [i.keyword for i in stage]
    if "CMD" not in keywords:
        return ["no CMD"]
    users = [i.arguments.split(":")[0] for i in stage[: keywords.index("CMD")] if i.keyword == "USER"]
    if not users or users[-1] in ("root", "0"):
        return ["CMD runs as root: set a non-root USER before it"]
    return []


def _secret_problems(instructions: list[Instruction]) -> list[str]:
    found = []
    for instruction in instructions:
        if instruction.keyword in ("ENV", "ARG"):
            for pair in shlex.split(instruction.arguments):
                name, _, value = pair.partition("=")
                if SECRET_NAME.search(name) or SECRET_VALUE.search(value):
                    found.append(f"secret baked into the image: {instruction.keyword} {name}")
        if instruction.keyword in ("COPY", "ADD") and ".env" in instruction.arguments.split():
            found.append(".env copied into the image")
    return found


def _runtime_problems(stage: list[Instruction]) -> list[str]:
    found = []
    by_keyword = {i.keyword: i.arguments for i in stage}  # the last of each wins, as in Docker
    if exec_form(by_keyword.get("CMD", "")) != ["python", "-m", "bot"]:
        found.append('CMD is not ["python", "-m", "bot"]')
    health = by_keyword.get("HEALTHCHECK", "")
    if "/healthz" not in health or "urllib" not in health:
        found.append("no HEALTHCHECK calling /healthz with urllib")
    if by_keyword.get("STOPSIGNAL") != "SIGTERM":
        found.append("STOPSIGNAL is not SIGTERM")
    env = env_values(stage)
    if env.get("PORT") not in by_keyword.get("EXPOSE", "").split():
        found.append("EXPOSE does not name the PORT set in ENV")
    database = env.get("BOT_DATABASE", "")
    volumes = exec_form(by_keyword.get("VOLUME", "")) or by_keyword.get("VOLUME", "").split()
    if not posixpath.isabs(database) or posixpath.dirname(database) not in volumes:
        found.append("BOT_DATABASE is not on a VOLUME")
    return found
