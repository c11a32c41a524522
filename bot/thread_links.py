"""Links to a thread on the members portal, from the ``NEXUDUS_THREAD_URL`` template.

Nexudus documents no page route for a thread (reference §14, §15), so the pattern is a
setting; the default mirrors the portal API's ``/community/board/threads/{id}`` path.
"""

from __future__ import annotations

import re

PLACEHOLDER = "{id}"
DEFAULT_PATH = "/community/board/threads/" + PLACEHOLDER


def default_template(portal_url: str | None) -> str | None:
    """The documented default: ``NEXUDUS_PORTAL_URL`` + ``/community/board/threads/{id}``."""
    if not portal_url:
        return None
    return portal_url.rstrip("/") + DEFAULT_PATH


def template_problem(template: str) -> str | None:
    """Why ``template`` cannot make links, or None when it can."""
    if not template.startswith(("http://", "https://")):
        return f"must be an http(s) URL, got {template!r}"
    if PLACEHOLDER not in template:
        return f"must contain {PLACEHOLDER} where the thread id goes, got {template!r}"
    return None


def thread_url(template: str | None, thread_id: int) -> str | None:
    """The thread's portal link, or None when no link is configured."""
    if not template:
        return None
    # replace, not str.format: other braces in a URL must stay as they are.
    return template.replace(PLACEHOLDER, str(thread_id))


def thread_id_in(template: str | None, url: str) -> int | None:
    """The thread a portal link points to (the inverse of ``thread_url``), or None for any
    other page. Scheme and host match in any case; a trailing slash, query or fragment is
    ignored, as a browser's address bar adds them."""
    if not template or PLACEHOLDER not in template:
        return None
    before, _, after = template.partition(PLACEHOLDER)
    pattern = re.escape(before) + r"(\d{1,18})" + re.escape(after.rstrip("/")) + r"/?(?:[?#].*)?"
    found = re.fullmatch(pattern, url.strip(), flags=re.IGNORECASE)
    return int(found.group(1)) if found else None
