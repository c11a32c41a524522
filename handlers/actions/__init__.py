"""Slack listeners: actions."""
