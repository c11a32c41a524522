"""Slack listeners: events."""
