"""Links in portal HTML: which targets may become Slack links, and labels that cannot lie.

A portal author writes both the target and the label of ``<a href>``. A label that reads
as an address but names another place (``<a href="https://evil.example">bank.example</a>``)
is a disguised link; it is shown as its real target instead.
"""

from __future__ import annotations

import re
from urllib.parse import quote

LINK_SCHEMES = ("http://", "https://", "mailto:")
# Everything printable in a URL except what would end a Slack link or its label: space, <, >, |.
URL_SAFE = "!#$%&'()*+,-./:;=?@[]^_`{}~"

# An address as a reader takes it: anything with a scheme ("://"), "www.…", or one word with
# a dot inside ("bank.example/login", "10.0.0.1"). "e.g." or "v1.2" count too: a false alarm
# only costs the label, a miss lets a link lie.
_LOOKS_LIKE_ADDRESS = re.compile(r"(?i)^(?:\S*://|www\.)|^\S*[^\s.]\.[^\s.]\S*$")
_SCHEME = re.compile(r"(?i)^(?:https?://|mailto:)")
_PLACE_END = re.compile(r"[/?#]")


def safe_url(href: str | None) -> str | None:
    """An http(s) or mailto URL with space, ``<``, ``>`` and ``|`` percent-encoded; else None."""
    url = (href or "").strip()
    if not url.lower().startswith(LINK_SCHEMES) or url.lower() in LINK_SCHEMES:
        return None
    return quote(url, safe=URL_SAFE)


def honest_label(label: str, url: str) -> str:
    """``label``, or "" (the link then shows its own target) when the label reads as an
    address of some other place than ``url``, a URL from ``safe_url``.

    Dropping the label rather than writing ``label (url)`` keeps the false address out of
    sight: in Slack the link text is all a reader sees, and it is then the real target.
    """
    if not _LOOKS_LIKE_ADDRESS.search(label):
        return label
    return label if _place(quote(label, safe=URL_SAFE)) == _place(url) else ""


def _place(address: str) -> tuple[str, str]:
    """(host, rest) with no http(s) or mailto scheme, the host in lower case and no trailing
    slash: how two spellings of one address are compared. Nothing is percent-decoded, so an
    encoded character never passes for the one it encodes."""
    bare = _SCHEME.sub("", address.strip())
    end = _PLACE_END.search(bare)
    host, rest = (bare[: end.start()], bare[end.start() :]) if end else (bare, "")
    return host.lower(), rest.rstrip("/")


def mrkdwn_link(url: str, label: str) -> str:
    """A Slack link to a ``safe_url``; ``label`` is already escaped (it may be empty)."""
    target = url.replace("&", "&amp;")
    return f"<{target}|{label}>" if label else f"<{target}>"


def plain_link(url: str, label: str) -> str:
    """A link as plain text: "label (url)", or the URL alone when the label is it."""
    if not label or label in (url, url.removeprefix("mailto:")):
        return label or url
    return f"{label} ({url})"
