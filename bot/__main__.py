"""Command line: ``python -m bot [serve|check|demo]``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, environment_with_dotenv
from bot.http_server import quiet_queue_warnings

MISSING_CONFIG_HINT = (
    "Set them in the environment or in a .env file here (see README.md, 'Configuration').\n"
    "To see the bot work first, with no Slack or Nexudus account at all: python -m bot demo"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "command",
        nargs="?",
        default="serve",
        choices=["serve", "check", "demo", "relay", "digest"],
        help="serve (default): run the bot; check: test configuration and connections; "
        "demo: the whole flow against built-in emulators; relay --once: one poll and "
        "delivery; digest --now: send every digest that has something in it",
    )
    parser.add_argument("--once", action="store_true", help="with relay: one cycle, then exit")
    parser.add_argument("--now", action="store_true", help="with digest: do not wait for digest time")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    args = parser.parse_args(argv)
    if (args.command == "relay" and not args.once) or (args.command == "digest" and not args.now):
        parser.error("use 'relay --once' or 'digest --now'; 'serve' runs both on schedule")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # httpx logs every URL at INFO; ours are enough.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    quiet_queue_warnings()
    if args.command == "demo":
        from bot.demo import run_demo

        if not args.verbose:
            logging.getLogger().setLevel(logging.WARNING)  # the demo prints its own story
        return run_demo(sys.stdout)
    try:
        settings = Settings.from_env(environment_with_dotenv(os.environ, Path.cwd()))
    except ConfigError as error:
        print("The bot cannot start; its configuration is incomplete:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        print(MISSING_CONFIG_HINT, file=sys.stderr)
        return 2
    if args.command == "check":
        from bot.check import run_checks

        return run_checks(settings, sys.stdout)
    if args.command in ("relay", "digest"):
        from bot.jobs_cli import run_job

        return run_job(settings, args.command, sys.stdout)
    from bot.serve import serve

    return serve(settings)


if __name__ == "__main__":
    sys.exit(main())
