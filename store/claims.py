"""The rules of the queues several bot processes send from (``store.outbox``,
``store.relayed_changes``), as SQL fragments: which rows are due, and which claimable."""

from __future__ import annotations

# Pending, and its next attempt (if one was set) has come by ``:now``.
DUE = "state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= :now)"
# Unclaimed, claimed by the asker (``:owner``), or claimed by a sender whose claim has run
# out by ``:now``: a claim left by a dead process is taken over.
CLAIMABLE = "(claimed_by IS NULL OR claimed_by = :owner OR claim_until <= :now)"
# Set with an outcome, or on giving a claim back.
UNCLAIMED = "claimed_by = NULL, claim_until = NULL"
