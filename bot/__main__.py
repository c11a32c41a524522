"""Command line: ``python -m bot [serve|check|demo|relay|digest|backup|webhooks|people|audit]``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, environment_with_dotenv
from bot.http_server import quiet_queue_warnings
from bot.logs import configure_logging, settings_secrets
from store.schema_guard import NewerDatabase

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
        choices=["serve", "check", "demo", "relay", "digest", "backup", "webhooks", "people", "audit"],
        help="serve (default): run the bot; check: test configuration and connections; "
        "demo: the whole flow against built-in emulators; relay --once: one poll and "
        "delivery; digest --now: send every digest that has something in it; backup PATH: "
        "copy the database to PATH, safely while the bot runs; webhooks install|status|remove: "
        "the bot's Nexudus webhooks; people: Slack members and portal accounts that do not line up, "
        "with what to do; audit [--limit N]: the admins' last actions",
    )
    parser.add_argument(
        "path", nargs="?", help="with backup: the file to write; with webhooks: install, status or remove"
    )
    parser.add_argument("--force", action="store_true", help="with backup: overwrite PATH")
    parser.add_argument("--once", action="store_true", help="with relay: one cycle, then exit")
    parser.add_argument("--now", action="store_true", help="with digest: do not wait for digest time")
    parser.add_argument("--limit", type=int, default=50, help="with audit: how many entries (default 50)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    args = parser.parse_args(argv)
    if (args.command == "relay" and not args.once) or (args.command == "digest" and not args.now):
        parser.error("use 'relay --once' or 'digest --now'; 'serve' runs both on schedule")
    if args.command != "webhooks" and (args.command == "backup") != (args.path is not None):
        parser.error("use 'backup PATH' to copy the database; PATH goes with backup only")
    level = logging.DEBUG if args.verbose else logging.INFO
    # Text until the settings name the format and the secrets to redact.
    configure_logging("text", (), level=level)
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
    configure_logging(settings.log_format, settings_secrets(settings), level=level)
    try:
        return run_command(args, settings)
    except NewerDatabase as error:
        print(f"The bot cannot start: {error}", file=sys.stderr)
        return 2


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "backup":
        from store.backup import BackupRefused, back_up

        try:
            print(back_up(settings.database, args.path, force=args.force).summary())
        except BackupRefused as refusal:
            print(f"backup: {refusal}", file=sys.stderr)
            return 1
        return 0
    if args.command == "webhooks":
        from bot.webhooks.cli import run_webhooks

        return run_webhooks(settings, args.path, sys.stdout)
    if args.command == "people":
        from bot.reconciliation import run_people

        return run_people(settings, sys.stdout)
    if args.command == "audit":
        from bot.audit import run_audit

        return run_audit(settings, args.limit, sys.stdout)
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
