"""Slack listeners: shortcuts."""
