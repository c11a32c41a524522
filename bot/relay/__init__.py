"""Carrying the board back into Slack: poll, decide who hears what, record, deliver."""
