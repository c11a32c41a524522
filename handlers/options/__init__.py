"""Slack listeners: options."""
