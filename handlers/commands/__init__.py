"""Slack listeners: commands."""
