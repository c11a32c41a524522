"""How live Nexudus accounts behave where the docs are silent or wrong (reference §15).

``LiveAccount`` holds the switches; each defaults to what public code that ran against
real accounts showed, or, for facts nobody has confirmed, to the harder case. Ids come
from interleaved blocks and timestamps carry seven fractional digits, optionally as a
location's local wall clock behind a misleading ``Z``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass


@dataclass
class LiveAccount:
    # GET /{id} of a missing record → 401 "Not found"; a write naming one → 401 "Access Denied."
    missing_is_401: bool = True
    # 2026-08-27T08:44:44.3212784Z rather than 2026-08-27T08:44:44Z.
    precise_timestamps: bool = True
    # Consecutive records get ids from two blocks in turn: never in creation order.
    interleaved_ids: bool = True
    # A filter the API does not know is ignored, and the whole list comes back.
    ignore_unknown_filters: bool = True
    # Board timestamps written as the location's local wall clock followed by "Z".
    local_times: bool = False
    # Unconfirmed: whether a SystemId sent on create is stored.
    keeps_system_id: bool = False
    # Unconfirmed: no public client calls /api/auth/me.
    has_auth_me: bool = False


class IdBlocks:
    """Ids handed out from two blocks in turn (1416019597, 1416019499, 1416019598, …)."""

    def __init__(self, base: int) -> None:
        self._high = itertools.count(base + 1000)
        self._low = itertools.count(base)
        self._turn = itertools.cycle((self._high, self._low))

    def next(self, interleaved: bool) -> int:
        return next(next(self._turn) if interleaved else self._low)
