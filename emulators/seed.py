"""A small coworking space for the emulators: two locations, groups, members in Slack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.portal.models import GroupAccess
from emulators.nexudus import FakeNexudus
from emulators.nexudus_data import stamp
from emulators.slack import FakeSlack

CANAL_STREET = 1200001
HARBOUR_VIEW = 1200002
PARENTS_GROUP = 1300001  # Public, Canal Street
FOUNDERS_GROUP = 1300002  # Restricted, Canal Street
BOARD_GROUP = 1300003  # Private, Canal Street
CYCLISTS_GROUP = 1300004  # Public, Harbour View

JANE = "UJANE"  # member of Canal Street
OMAR = "UOMAR"  # member of Harbour View
LEE = "ULEE"  # staff: a portal user with no customer profile
NOBODY = "UNOBODY"  # in Slack, not on the portal
ADMIN = "UADMIN"  # workspace admin, not on the portal
JANE_USER_ID, JANE_COWORKER_ID = 3400077, 5600123
OMAR_USER_ID, OMAR_COWORKER_ID = 3400078, 5600124
LEE_USER_ID = 3400079
BOT_USER_ID = 3400001  # the admin account the bot signs in with
WELCOME_THREAD = 98700001  # written in the portal editor: its body is HTML


def seed_portal(portal: FakeNexudus) -> None:
    portal.add("Business", Id=CANAL_STREET, Name="Canal Street")
    portal.add("Business", Id=HARBOUR_VIEW, Name="Harbour View")
    portal.set_zone(CANAL_STREET, "Europe/London")
    portal.set_zone(HARBOUR_VIEW, "Europe/Madrid")
    for group_id, business, name, access in (
        (PARENTS_GROUP, CANAL_STREET, "Parents", GroupAccess.PUBLIC),
        (FOUNDERS_GROUP, CANAL_STREET, "Founders", GroupAccess.RESTRICTED),
        (BOARD_GROUP, CANAL_STREET, "Board members", GroupAccess.PRIVATE),
        (CYCLISTS_GROUP, HARBOUR_VIEW, "Cyclists", GroupAccess.PUBLIC),
    ):
        portal.add(
            "CommunityGroup",
            Id=group_id,
            BusinessId=business,
            BusinessName="",
            Name=name,
            GroupAccess=access,
            UserId=LEE_USER_ID,
            Members=[],
        )
    for user_id, email, name in (
        (JANE_USER_ID, "jane@example.com", "Jane Doe"),
        (OMAR_USER_ID, "omar@example.com", "Omar Haddad"),
        (LEE_USER_ID, "lee@example.com", "Lee Staff"),
    ):
        portal.add("User", Id=user_id, Email=email, FullName=name, Active=True)
    portal.add(
        "User",
        Id=BOT_USER_ID,
        Email=portal.username,
        FullName="Board Bot",
        Active=True,
        IsAdmin=True,
        APIAccess=True,
        DefaultBusinessId=CANAL_STREET,
    )
    portal.add(
        "Coworker",
        Id=JANE_COWORKER_ID,
        UserId=JANE_USER_ID,
        Email="jane@example.com",
        FullName="Jane Doe",
        Active=True,
        IsDefaultProfile=True,
        InvoicingBusinessId=CANAL_STREET,
    )
    portal.add(
        "Coworker",
        Id=OMAR_COWORKER_ID,
        UserId=OMAR_USER_ID,
        Email="omar@example.com",
        FullName="Omar Haddad",
        Active=True,
        IsDefaultProfile=True,
        InvoicingBusinessId=HARBOUR_VIEW,
    )
    portal.add(
        "CommunityThread",
        Id=WELCOME_THREAD,
        BusinessId=CANAL_STREET,
        UserId=LEE_USER_ID,
        Subject="Welcome to the Canal Street board",
        Message="<p>Hello <strong>everyone</strong> &amp; welcome!</p><ul><li>Be kind</li>"
        '<li>See the <a href="https://example.com/rules">house rules</a></li></ul>',
        Private=False,
        InstantDelivery=False,
        SystemId=None,
    )
    portal.me = {
        "Id": BOT_USER_ID,
        "Email": portal.username,
        "FullName": "Board Bot",
        "IsAdmin": True,
        "APIAccess": True,
        "DefaultBusinessId": CANAL_STREET,
        "DefaultSimpleTimeZoneNameIana": "Europe/London",
    }


def seed_slack(slack: FakeSlack) -> None:
    slack.add_user(JANE, "Jane Doe", "jane@example.com")
    slack.add_user(OMAR, "Omar Haddad", "omar@example.com", tz="Europe/Madrid")
    slack.add_user(LEE, "Lee Staff", "lee@example.com")
    slack.add_user(NOBODY, "Noor Body", "nobody@example.com")
    slack.add_user(ADMIN, "Ada Admin", "admin@example.com", is_admin=True)


MANY_ZONES = (
    "Europe/London",
    "America/Phoenix",  # UTC−7
    "Australia/Brisbane",  # UTC+10
    "Asia/Kolkata",  # a half-hour offset
    "America/New_York",
    "Asia/Tokyo",
    "Europe/Madrid",
    "America/Los_Angeles",
    "Pacific/Auckland",
    "Africa/Nairobi",
)


def board_history(portal: FakeNexudus, size: int, **fields: object) -> list[int]:
    """``size`` threads at Canal Street, one an hour up to now, as a real board's history is."""
    now = datetime.now(UTC)
    ids = []
    for n in range(size):
        created = stamp(now - timedelta(hours=size - n))
        record = portal.add(
            "CommunityThread",
            BusinessId=CANAL_STREET,
            UserId=OMAR_USER_ID,
            Subject=f"Thread {n}",
            Message="m",
            CreatedOn=created,
            UpdatedOn=created,
            **fields,
        )
        ids.append(int(record["Id"]))
    return ids


def locations_in_many_zones(portal: FakeNexudus, count: int, *, history_hours: int = 48) -> None:
    """``count`` locations (at most ten) in different zones, each with a thread an hour for
    ``history_hours``, stamped in its own wall clock behind a "Z" as some live accounts do."""
    now = datetime.now(UTC)
    portal.live.local_times = True
    for n, zone in enumerate(MANY_ZONES[:count]):
        business = 1500001 + n
        portal.add("Business", Id=business, Name=f"Space {n + 1}")
        portal.set_zone(business, zone)
        for hours in range(history_hours, 0, -1):
            created = stamp(now - timedelta(hours=hours), precise=True, zone=ZoneInfo(zone))
            portal.add(
                "CommunityThread",
                BusinessId=business,
                UserId=OMAR_USER_ID,
                Subject=f"Thread {hours}",
                Message="m",
                CreatedOn=created,
                UpdatedOn=created,
            )
