"""Settings, read once from the environment (and a ``.env`` file) into a frozen model."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values
from pydantic import BaseModel, ConfigDict, SecretStr

from bot.logs import LOG_FORMATS, LogFormat
from bot.thread_links import default_template, template_problem
from bot.timekeeping import is_time_zone, parse_clock_time

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_NEXUDUS_URL = "https://spaces.nexudus.com"
# Anyone who knows the webhook secret can make the bot poll Nexudus at will (the receiver
# only nudges it): a short one is guessable offline from one signed body.
WEBHOOK_SECRET_MIN = 16
# A short token is guessable by anyone who reaches PORT; the same floor as the webhook secret.
METRICS_TOKEN_MIN = 16


class ConfigError(Exception):
    """The environment is incomplete or wrong; ``problems`` names every variable at fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    slack_bot_token: SecretStr
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    port: int = 3000
    nexudus_url: str = DEFAULT_NEXUDUS_URL
    nexudus_username: str
    nexudus_password: SecretStr
    nexudus_portal_url: str | None = None
    nexudus_thread_url: str | None = None  # None: derived from nexudus_portal_url, if set
    database: str = "bot.db"
    admins: frozenset[str] = frozenset()
    poll_seconds: int = 60
    digest_time: str = "08:00"
    time_zone: str | None = None  # None: the Nexudus account's default location, else UTC
    nexudus_webhook_secret: SecretStr | None = None  # None: no webhook receiver, polling only
    public_url: str | None = None  # where Nexudus reaches the bot (``webhooks install``)
    log_format: LogFormat = "text"
    metrics_token: SecretStr | None = None  # None: /metrics open (keep it off the internet)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def thread_url_template(self) -> str | None:
        """NEXUDUS_THREAD_URL, else the default under NEXUDUS_PORTAL_URL, else None (no links)."""
        return self.nexudus_thread_url or default_template(self.nexudus_portal_url)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings, or raise ``ConfigError`` listing every missing or invalid variable."""
        reader = _EnvReader(env)
        app_token = reader.secret("SLACK_APP_TOKEN", prefix="xapp-")
        values = {
            "slack_bot_token": reader.secret("SLACK_BOT_TOKEN", prefix="xoxb-", required=True),
            "slack_app_token": app_token,
            "slack_signing_secret": reader.secret(
                "SLACK_SIGNING_SECRET",
                required=app_token is None,
                why="required in HTTP mode (when SLACK_APP_TOKEN is not set)",
            ),
            "slack_api_url": reader.url("SLACK_API_URL", DEFAULT_SLACK_API_URL),
            "port": reader.port("PORT", 3000),
            "nexudus_url": reader.url("NEXUDUS_URL", DEFAULT_NEXUDUS_URL),
            "nexudus_username": reader.text("NEXUDUS_USERNAME", required=True),
            "nexudus_password": reader.secret("NEXUDUS_PASSWORD", required=True),
            "nexudus_portal_url": reader.url("NEXUDUS_PORTAL_URL", None),
            "nexudus_thread_url": reader.link_template("NEXUDUS_THREAD_URL"),
            "database": reader.text("BOT_DATABASE") or "bot.db",
            "admins": frozenset(
                part.strip() for part in env.get("BOT_ADMINS", "").split(",") if part.strip()
            ),
            "poll_seconds": reader.number("BOT_POLL_SECONDS", 60, low=10, high=86400),
            "digest_time": reader.clock_time("BOT_DIGEST_TIME", "08:00"),
            "time_zone": reader.zone("BOT_TIMEZONE"),
            "nexudus_webhook_secret": reader.secret("NEXUDUS_WEBHOOK_SECRET", min_length=WEBHOOK_SECRET_MIN),
            "public_url": reader.url("BOT_PUBLIC_URL", None),
            "log_format": reader.choice("BOT_LOG_FORMAT", LOG_FORMATS, "text"),
            "metrics_token": reader.secret("BOT_METRICS_TOKEN", min_length=METRICS_TOKEN_MIN),
        }
        if reader.problems:
            raise ConfigError(reader.problems)
        return cls(**values)


def environment_with_dotenv(environ: Mapping[str, str], directory: Path) -> dict[str, str]:
    """The process environment over a ``.env`` file in ``directory``: real variables win."""
    file_values = dotenv_values(directory / ".env") if (directory / ".env").exists() else {}
    merged = {key: value for key, value in file_values.items() if value is not None}
    merged.update(environ)
    return merged


class _EnvReader:
    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env
        self.problems: list[str] = []

    def text(self, name: str, *, required: bool = False, why: str = "required") -> str | None:
        value = self._env.get(name, "").strip()
        if not value and required:
            self.problems.append(f"{name} is {why}")
        return value or None

    def secret(
        self,
        name: str,
        *,
        prefix: str = "",
        required: bool = False,
        why: str = "required",
        min_length: int = 0,
    ) -> SecretStr | None:
        value = self.text(name, required=required, why=why)
        if value is None:
            return None
        # Never echo the value: it is a secret even when it is the wrong one.
        if prefix and not value.startswith(prefix):
            self.problems.append(f"{name} must start with {prefix!r}")
        if len(value) < min_length:
            self.problems.append(
                f"{name} must be at least {min_length} characters long: "
                "use a random one, e.g. python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return SecretStr(value)

    def url(self, name: str, default: str | None) -> str | None:
        value = self.text(name)
        if value is None:
            return default
        if not value.startswith(("http://", "https://")):
            self.problems.append(f"{name} must be an http(s) URL, got {value!r}")
        return value

    def link_template(self, name: str) -> str | None:
        value = self.text(name)
        problem = template_problem(value) if value is not None else None
        if problem:
            self.problems.append(f"{name} {problem}")
            return None
        return value

    def number(self, name: str, default: int, *, low: int, high: int) -> int:
        value = self.text(name)
        if value is None:
            return default
        if not value.isdigit() or not low <= int(value) <= high:
            self.problems.append(f"{name} must be a whole number from {low} to {high}, got {value!r}")
            return default
        return int(value)

    def clock_time(self, name: str, default: str) -> str:
        value = self.text(name) or default
        if parse_clock_time(value) is None:
            self.problems.append(f"{name} must be a time of day as HH:MM (24-hour), got {value!r}")
            return default
        return value

    def zone(self, name: str) -> str | None:
        value = self.text(name)
        if value is not None and not is_time_zone(value):
            self.problems.append(f"{name} must be an IANA time zone such as Europe/London, got {value!r}")
            return None
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(name) or default
        if value not in choices:
            self.problems.append(f"{name} must be one of {', '.join(choices)}, got {value!r}")
            return default
        return value

    def port(self, name: str, default: int) -> int:
        value = self.text(name)
        if value is None:
            return default
        if not value.isdigit() or not 0 < int(value) < 65536:
            self.problems.append(f"{name} must be a port number (1-65535), got {value!r}")
            return default
        return int(value)
