"""Replies typed in Slack threads that mirror portal threads, posted to the board as the member."""
