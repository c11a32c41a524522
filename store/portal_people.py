"""Portal users as the relay last looked them up: name, email and matching Slack user."""

from __future__ import annotations

from store.database import SqliteFile, delete_counted
from store.models import from_text, to_text
from store.relay_models import PortalPerson
from store.slack_profiles import fold_email


class PortalPeopleRepository:
    def __init__(self, file: SqliteFile) -> None:
        self._file = file

    def get(self, portal_user_id: int) -> PortalPerson | None:
        row = self._file.get("portal_people", portal_user_id)
        if row is None:
            return None
        return PortalPerson(
            **{**row, "checked_at": from_text(row["checked_at"]), "expires_at": from_text(row["expires_at"])}
        )

    def remember(self, person: PortalPerson) -> None:
        row = person.model_dump()
        row["checked_at"] = to_text(person.checked_at)
        row["expires_at"] = to_text(person.expires_at)
        with self._file.transaction() as db:
            db.table("portal_people").upsert(row, pk="portal_user_id")

    def forget(self, portal_user_id: int) -> None:
        with self._file.transaction() as db:
            delete_counted(db.table("portal_people"), "portal_user_id = ?", [portal_user_id])

    def forget_matches_undone(self, slack_user_id: str, email: str | None) -> int:
        """A Slack member's email is now ``email``: forget the portal users matched to them by
        another email (not through a link of theirs), and those of this email found with no
        Slack match, so both are looked up again. Returns how many were forgotten."""
        folded = fold_email(email)
        # A match through one of their links stands whatever the emails (the link is why
        # they differ); a link the change undid was forgotten before this runs.
        undone = (
            "(slack_user_id = ? AND lower(trim(coalesce(email, ''))) != ?"
            "  AND portal_user_id NOT IN (SELECT portal_user_id FROM identities"
            "    WHERE slack_user_id = ? AND state = 'linked' AND portal_user_id IS NOT NULL))"
            " OR (slack_user_id IS NULL AND ? != '' AND lower(trim(email)) = ?)"
        )
        params = [slack_user_id, folded, slack_user_id, folded, folded]
        with self._file.read() as db:
            if not db.table("portal_people").count_where(undone, params):
                return 0  # the usual case (a status emoji): no write lock taken
        with self._file.transaction() as db:
            return delete_counted(db.table("portal_people"), undone, params)
