"""Nexudus Discussion Board ↔ Slack bot: configuration, Nexudus client, services, CLI."""
