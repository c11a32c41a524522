"""Settings from the environment: every problem named at once, secrets never echoed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, environment_with_dotenv
from bot.thread_links import thread_url

COMPLETE = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_SIGNING_SECRET": "s",
    "NEXUDUS_USERNAME": "bot@example.com",
    "NEXUDUS_PASSWORD": "pw",
}


def test_defaults() -> None:
    settings = Settings.from_env(COMPLETE)

    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.nexudus_url == "https://spaces.nexudus.com"
    assert settings.port == 3000 and settings.database == "bot.db"
    assert settings.admins == frozenset() and not settings.socket_mode
    assert (settings.poll_seconds, settings.digest_time, settings.time_zone) == (60, "08:00", None)


def test_relay_settings() -> None:
    settings = Settings.from_env(
        {**COMPLETE, "BOT_POLL_SECONDS": "120", "BOT_DIGEST_TIME": "7:45", "BOT_TIMEZONE": "Europe/Madrid"}
    )

    assert (settings.poll_seconds, settings.digest_time, settings.time_zone) == (120, "7:45", "Europe/Madrid")


def test_empty_environment_lists_every_missing_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({})

    problems = "\n".join(caught.value.problems)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "NEXUDUS_USERNAME", "NEXUDUS_PASSWORD"):
        assert name in problems


def test_socket_mode_needs_no_signing_secret() -> None:
    env = {**COMPLETE, "SLACK_APP_TOKEN": "xapp-1"}
    del env["SLACK_SIGNING_SECRET"]

    assert Settings.from_env(env).socket_mode


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "must start with 'xoxb-'"),  # a user token
        ("SLACK_APP_TOKEN", "xoxb-wrong", "must start with 'xapp-'"),
        ("PORT", "http", "port number"),
        ("PORT", "70000", "port number"),
        ("NEXUDUS_URL", "spaces.nexudus.com", "http(s) URL"),
        ("SLACK_API_URL", "ftp://x", "http(s) URL"),
        ("BOT_POLL_SECONDS", "1", "from 10 to 86400"),  # would hammer Nexudus
        ("BOT_DIGEST_TIME", "8am", "HH:MM"),
        ("BOT_DIGEST_TIME", "24:00", "HH:MM"),
        ("BOT_TIMEZONE", "Mars/Olympus", "IANA time zone"),
        ("NEXUDUS_THREAD_URL", "space.example.com/t/{id}", "http(s) URL"),  # no scheme
        ("NEXUDUS_THREAD_URL", "https://space.example.com/threads/", "{id}"),  # nowhere for the id
        ("NEXUDUS_WEBHOOK_SECRET", "fifteen-chars!!", "at least 16 characters"),  # guessable offline
        ("BOT_METRICS_TOKEN", "short", "at least 16 characters"),
    ],
)
def test_invalid_values_are_named(name: str, value: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({**COMPLETE, name: value})

    assert any(name in p and says in p for p in caught.value.problems)


def test_secrets_are_not_echoed_in_errors_or_repr() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({**COMPLETE, "SLACK_BOT_TOKEN": "xoxp-very-secret"})
    assert "very-secret" not in str(caught.value)

    settings = Settings.from_env({**COMPLETE, "NEXUDUS_PASSWORD": "hunter2"})
    assert "hunter2" not in repr(settings)


def test_a_webhook_secret_of_sixteen_characters_is_enough() -> None:
    settings = Settings.from_env({**COMPLETE, "NEXUDUS_WEBHOOK_SECRET": "sixteen-chars-ok"})

    assert settings.nexudus_webhook_secret is not None


def test_a_metrics_token_is_a_secret_and_optional() -> None:
    settings = Settings.from_env({**COMPLETE, "BOT_METRICS_TOKEN": "sixteen-chars-ok"})

    assert Settings.from_env(COMPLETE).metrics_token is None
    assert settings.metrics_token is not None and "sixteen-chars-ok" not in repr(settings)


def test_admins_are_split_and_trimmed() -> None:
    settings = Settings.from_env({**COMPLETE, "BOT_ADMINS": " U1, U2 ,,"})

    assert settings.admins == frozenset({"U1", "U2"})


def test_dotenv_fills_in_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("NEXUDUS_USERNAME=file@example.com\nPORT=4000\n")

    merged = environment_with_dotenv({"PORT": "5000"}, tmp_path)

    assert merged["NEXUDUS_USERNAME"] == "file@example.com" and merged["PORT"] == "5000"


@pytest.mark.parametrize(
    ("env", "link"),
    [
        # Nothing set: no links at all.
        ({}, None),
        # Only the portal: the documented default path under it.
        (
            {"NEXUDUS_PORTAL_URL": "https://space.example.com/"},
            "https://space.example.com/community/board/threads/42",
        ),
        # The template wins over the portal's default.
        (
            {
                "NEXUDUS_PORTAL_URL": "https://space.example.com",
                "NEXUDUS_THREAD_URL": "https://p.example.com/t/{id}?x=1",
            },
            "https://p.example.com/t/42?x=1",
        ),
    ],
)
def test_thread_links_come_from_the_template_or_the_portal(env: dict[str, str], link: str | None) -> None:
    settings = Settings.from_env({**COMPLETE, **env})

    assert thread_url(settings.thread_url_template, 42) == link
