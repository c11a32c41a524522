"""Log output: plain text or one JSON object per line, with secrets redacted in both.

``configure_logging`` installs one handler on the root logger; calling it again replaces
that handler (the command line configures once before reading settings, once after).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

from pydantic import BaseModel, SecretStr

LogFormat = Literal["text", "json"]
LOG_FORMATS: tuple[LogFormat, ...] = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[redacted]"
# Fields a log call may pass with ``extra=``; JSON lines carry them, text lines leave them
# to the message (LoggedApp's line already says user, status and time).
EXTRA_FIELDS = ("request_id", "user", "outcome", "ms")
# Slack bot/user/app-level tokens and any bearer credential (Nexudus access tokens).
TOKEN_PATTERN = re.compile(
    r"\b(?:xox[abprs]|xapp)-[A-Za-z0-9-]+|(?<=bearer )[A-Za-z0-9._~+/=-]+", re.IGNORECASE
)
# A configured secret shorter than this is not searched for: redacting every "abc" in
# every line would hide the logs' meaning and, by where the gaps fall, hint at the secret.
MIN_SECRET_LENGTH = 4


class Redactor(logging.Filter):
    """Replaces tokens and the configured secrets in a record's message, args and traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is replaced whole.
        self._secrets = sorted({s for s in secrets if len(s) >= MIN_SECRET_LENGTH}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN_PATTERN.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        # Formatting here folds the args into the message, so a secret passed as an
        # argument is caught as well as one written into the format string.
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            # A filter runs outside the handler's error handling: a malformed call
            # (too few args) must still log, not raise into the code that logged.
            message = f"{record.msg} {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, extras, error."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in EXTRA_FIELDS:
            if field in record.__dict__:
                line[field] = record.__dict__[field]
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["error"] = record.exc_text
        return json.dumps(line, default=str, ensure_ascii=False)


class _BotHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler this module installed, so a second call replaces it."""


def configure_logging(
    log_format: LogFormat,
    secrets: Iterable[str],
    *,
    level: int = logging.INFO,
    stream: TextIO | None = None,
) -> logging.Handler:
    """Send every log record to ``stream`` (stderr) in ``log_format``, secrets redacted."""
    handler = _BotHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    # On the handler, not a logger: a logger's filter misses records from its children.
    handler.addFilter(Redactor(secrets))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _BotHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every URL at INFO; ours are enough.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return handler


def settings_secrets(settings: BaseModel) -> list[str]:
    """Every secret in the settings, whatever it is called: a new secret is covered at once."""
    return [value.get_secret_value() for value in dict(settings).values() if isinstance(value, SecretStr)]
