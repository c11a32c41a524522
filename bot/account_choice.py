"""One email, several portal accounts (a member with a profile per location, an old login):
which one an automatic link picks, and the reason admins are shown beside the others."""

from __future__ import annotations

from bot.portal.models import Coworker, PortalUser


def preferred_profile(coworkers: list[Coworker]) -> Coworker | None:
    """Active profiles first, then the default profile, then those with a portal login."""
    ranked = sorted(
        coworkers,
        key=lambda c: (not c.active, not c.is_default_profile, c.user_id is None, c.id),
    )
    return ranked[0] if ranked else None


def why_picked(coworker: Coworker | None, user: PortalUser | None) -> str:
    """Why this profile or user is the one linked, for admins who see the others matched."""
    if coworker is not None:
        traits = [
            t for t, has in (("active", coworker.active), ("default", coworker.is_default_profile)) if has
        ]
        return (
            f"{' '.join([*traits, 'profile']).capitalize()} (coworker {coworker.id}) ranks first: "
            "active profiles, then default ones, then those with a portal login"
        )
    active = "active " if user is not None and user.active else ""
    return f"The {active}portal user ranks first: active accounts before deactivated ones"
