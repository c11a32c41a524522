"""Fixtures for the Slack replies tests."""

from __future__ import annotations

import pytest

from bot.relay.keys import ChannelPostKey
from store import Store
from tests.bot.test_slack_replies import CHANNEL, THREAD, relayed


@pytest.fixture
def stores(two_stores: tuple[Store, Store]) -> tuple[Store, Store]:
    """Two connections to one database file (two processes, or an attempt's and the one an
    edit or deletion comes on), the relay's channel post already sent."""
    relayed(two_stores[0], ChannelPostKey(THREAD, CHANNEL).text())
    return two_stores
