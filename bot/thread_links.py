"""Links to a thread on the members portal, from the ``NEXUDUS_THREAD_URL`` template.

Nexudus documents no page route for a thread (reference §14, §15), so the pattern is a
setting; the default mirrors the portal API's ``/community/board/threads/{id}`` path.
"""

from __future__ import annotations

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
