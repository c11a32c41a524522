"""Slack listeners: views."""
