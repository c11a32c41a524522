"""Schema steps, applied in order on every start; never edit a step that has shipped."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("nexudus-board-bot")


@migrations()
def m001_portal_session(db: Database) -> None:
    db.table("portal_session").create(
        {"name": str, "client_id": str, "access_token": str, "refresh_token": str, "expires_at": str},
        pk="name",
    )


@migrations()
def m002_identities(db: Database) -> None:
    db.table("identities").create(
        {
            "slack_user_id": str,
            "state": str,  # "linked" or "missing"
            "source": str,  # "email" or "manual"
            "portal_user_id": int,
            "coworker_id": int,
            "full_name": str,
            "email": str,
            "home_business_id": int,
            "checked_at": str,
            "expires_at": str,  # null for manual links: they never expire
        },
        pk="slack_user_id",
    )
    db.table("identities").create_index(["portal_user_id"])


@migrations()
def m003_directory(db: Database) -> None:
    db.table("locations").create({"id": int, "name": str, "time_zone": str}, pk="id")
    db.table("groups").create({"id": int, "business_id": int, "name": str, "access": int}, pk="id")
    db.table("groups").create_index(["business_id"])
    db.table("cache_stamps").create({"name": str, "refreshed_at": str}, pk="name")


@migrations()
def m004_drafts(db: Database) -> None:
    db.table("drafts").create(
        {
            "key": str,
            "slack_user_id": str,
            "form_json": str,
            "state": str,
            "thread_id": int,
            "attempts": int,
            "ambiguous": int,
            "last_error": str,
            "created_at": str,
            "updated_at": str,
            "next_attempt_at": str,
            "notice_channel": str,
            "notice_ts": str,
        },
        pk="key",
        defaults={"attempts": 0, "ambiguous": 0},
    )
    db.table("drafts").create_index(["state", "next_attempt_at"])


@migrations()
def m005_relay(db: Database) -> None:
    # Where each poll starts (Nexudus's own CreatedOn text) and the ids seen inside the overlap.
    db.table("cursors").create({"name": str, "created_on": str, "updated_at": str}, pk="name")
    db.table("seen_items").create({"kind": str, "item_id": int, "seen_at": str}, pk=("kind", "item_id"))
    db.table("job_runs").create(
        {"name": str, "started_at": str, "finished_at": str, "summary": str}, pk="name"
    )
    db.table("outbox").create(
        {
            "key": str,  # what it is and who it is for: never sent twice
            "target": str,  # a channel id, or a user id for a DM
            "parent_key": str,  # set for a reply threaded under another outbox message
            "text": str,
            "blocks_json": str,
            "state": str,  # pending, sent, failed
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "created_at": str,
            "sent_at": str,
            "channel": str,  # where Slack put it (a DM's D… id)
            "ts": str,
        },
        pk="key",
        defaults={"attempts": 0},
    )
    db.table("outbox").create_index(["state", "next_attempt_at"])
    db.table("digest_items").create(
        {"target": str, "item_key": str, "payload_json": str, "created_at": str, "digested_at": str},
        pk=("target", "item_key"),
    )
    db.table("digest_items").create_index(["target", "digested_at"])
    db.table("subscriptions").create(
        {
            "id": int,
            "channel_id": str,
            "mode": str,  # instant or digest
            "business_id": int,
            "group_id": int,
            "tag": str,
            "digest_time": str,
            "created_by": str,
            "created_at": str,
            "last_digest_at": str,
        },
        pk="id",
    )
    db.table("preferences").create(
        {"slack_user_id": str, "replies": str, "digest_time": str, "last_digest_at": str},
        pk="slack_user_id",
    )
    db.table("portal_people").create(
        {
            "portal_user_id": int,
            "full_name": str,
            "email": str,
            "slack_user_id": str,
            "checked_at": str,
            "expires_at": str,
        },
        pk="portal_user_id",
    )


@migrations()
def m006_claims_and_leases(db: Database) -> None:
    # A sender claims a message before calling Slack; a claim past claim_until is abandoned
    # (its process died) and may be taken over.
    db.table("outbox").add_column("claimed_by", str)
    db.table("outbox").add_column("claim_until", str)
    # Work only one process may do at a time (polling Nexudus, recording digests, retrying drafts).
    db.table("leases").create({"name": str, "owner": str, "expires_at": str}, pk="name")


@migrations()
def m007_thread_subjects(db: Database) -> None:
    # A thread's subject as last read from Nexudus, so the Home tab does not GET every
    # followed thread on each open.
    db.table("thread_subjects").create(
        {"thread_id": int, "subject": str, "business_id": int, "updated_on": str, "fetched_at": str},
        pk="thread_id",
    )


@migrations()
def m008_alerts(db: Database) -> None:
    # Trouble admins are told of once (webhooks failing…): raised while cleared_at is empty.
    db.table("alerts").create({"key": str, "raised_at": str, "cleared_at": str, "text": str}, pk="key")


@migrations()
def m009_slack_replies(db: Database) -> None:
    # Replies members typed in Slack threads, keyed on where Slack put them: the key is
    # claimed before Nexudus is called, so a retried or duplicate event posts once.
    db.table("slack_replies").create(
        {
            "channel": str,
            "ts": str,
            "slack_user_id": str,
            "thread_id": int,
            "text": str,  # kept, so a refusal never loses what the member typed
            "state": str,  # posting, posted, failed, deleted
            "reply_id": int,  # the CommunityMessage it became
            "error": str,
            "created_at": str,
            "updated_at": str,
        },
        pk=("channel", "ts"),
    )
    db.table("slack_replies").create_index(["reply_id"])
    # Which portal thread a Slack thread is: the relay's sent message with that (channel, ts).
    db.table("outbox").create_index(["channel", "ts"])


@migrations()
def m010_relayed_changes(db: Database) -> None:
    # A portal edit or removal carried to a Slack message the relay sent (chat.update): one
    # row per (message, change), claimed before the call as outbox rows are, so two
    # processes, a restart or the next poll never repeat one.
    db.table("relayed_changes").create(
        {
            "key": str,  # the outbox key of the Slack message changed
            "change": str,  # "withdrawn", "edit:…" (sent), or "shown:…" (what a post shows)
            "channel": str,
            "ts": str,
            "text": str,
            "blocks_json": str,
            "fingerprint": str,  # the subject, message and group the post shows
            "state": str,  # pending, done, failed
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "claimed_by": str,
            "claim_until": str,
            "created_at": str,
            "done_at": str,
        },
        pk=("key", "change"),
        defaults={"attempts": 0},
    )
    db.table("relayed_changes").create_index(["state", "next_attempt_at"])
    # When the relay last looked for portal changes (the bot's clock).
    db.table("change_scans").create({"name": str, "at": str}, pk="name")


@migrations()
def m011_identity_audit(db: Database) -> None:
    # Who made a manual link and when (the reconciliation report lists them for review);
    # the other portal users an email also matched, and why a lookup found no account.
    table = db.table("identities")
    table.add_column("linked_by", str)
    table.add_column("linked_at", str)
    table.add_column("other_user_ids", str)  # JSON list of portal user ids
    table.add_column("reason", str)


@migrations()
def m012_audit(db: Database) -> None:
    # What admins did (link, unlink, subscribe, unsubscribe, replay): who, when, to what.
    db.table("audit").create(
        {"id": int, "at": str, "actor": str, "action": str, "target": str, "detail": str}, pk="id"
    )
    db.table("audit").create_index(["at"])


@migrations()
def m013_channel_audience(db: Database) -> None:
    # Who is in a channel, as Slack last said (refreshed hourly and on join/leave events):
    # the relay decides from this cache, never calling Slack while it plans.
    db.table("channel_audiences").create(
        {
            "channel_id": str,
            "is_private": int,
            "shared": int,  # any of Slack's shared flags: people of other organisations may read
            "members_json": str,  # [{user_id, guest, external, bot, deleted}]
            "refreshed_at": str,
        },
        pk="channel_id",
    )
    # A channel the bot cannot post in (removed, archived, deleted): its subscriptions and
    # its queued messages wait, kept, until the bot is invited back or it is unarchived.
    db.table("channel_pauses").create(
        {"channel_id": str, "cause": str, "reason": str, "paused_at": str}, pk="channel_id"
    )
    # A Private-group subscription whose channel's audience no longer fits the group. A
    # table of its own, not columns on subscriptions: a pause is state the audience check
    # owns, and readers of subscriptions need not know of it.
    db.table("subscription_pauses").create(
        {"subscription_id": int, "reason": str, "paused_at": str}, pk="subscription_id"
    )
    # A channel message showing a Private group's thread goes only while the channel's
    # subscription to that group is not paused (checked again when it is claimed).
    db.table("outbox").add_column("needs_group", int)


@migrations()
def m014_slack_profiles(db: Database) -> None:
    # What Slack's user_change events last said of each member's email and deactivation,
    # with a number that grows with each change: every process compares its cached
    # profiles, and lookups it is about to keep, with these (bot.profile_changes).
    db.table("slack_profiles").create(
        # updated: Slack's stamp of the profile, so a change delivered late never wins
        {"slack_user_id": str, "email": str, "deleted": int, "updated": int, "seq": int},
        pk="slack_user_id",
    )
    # Every process asks for the newest change number on each lookup: an index, not a scan.
    db.table("slack_profiles").create_index(["seq"])
    db.table("slack_profiles").create_index(["email"])


@migrations()
def m015_channel_turns(db: Database) -> None:
    # When each channel may next be written to (a post or an edit), shared by every process,
    # so Slack's pace of about one message a second per channel holds across them.
    db.table("channel_turns").create({"channel_id": str, "next_at": str}, pk="channel_id")
