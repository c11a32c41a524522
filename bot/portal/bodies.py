"""What a member typed in Slack, written as the HTML the portal shows it from.

The portal renders ``Message`` as HTML (reference §15: its editor stores HTML, and the
members-portal API calls its copy HTML-encoded); how the REST API wants a body is
undocumented. Sent raw, ``a <b> c`` would turn bold and line breaks would vanish.
"""

from __future__ import annotations

import html
import re

# A bare web address, up to a space or a character that cannot end one.
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\""  # sentence punctuation after a link, not part of it
_PARAGRAPH_BREAK = re.compile(r"\n{2,}")


def to_portal_html(text: str) -> str:
    """Paragraphs as ``<p>``, line breaks as ``<br>``, bare http(s) links as ``<a>``; every
    ``&``, ``<``, ``>`` and quote escaped; runs of spaces kept with ``&nbsp;``."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    normal = "\n".join(line.rstrip() for line in lines).strip("\n")
    return "".join(f"<p>{_paragraph(p)}</p>" for p in _PARAGRAPH_BREAK.split(normal) if p)


def _paragraph(text: str) -> str:
    return "<br>".join(_line(line) for line in text.split("\n"))


def _line(line: str) -> str:
    written: list[str] = []
    at = 0
    for found in _URL.finditer(line):
        url = _without_trailing(found.group())
        written.append(_text(line, at, found.start()))
        address = html.escape(url, quote=True)
        written.append(f'<a href="{address}">{address}</a>')
        at = found.start() + len(url)
    written.append(_text(line, at, len(line)))
    return "".join(written)


def _without_trailing(url: str) -> str:
    """The link without the sentence punctuation after it; ``)`` only when unbalanced."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    return url


def _text(line: str, start: int, end: int) -> str:
    """``line[start:end]`` escaped. HTML collapses spaces, so a space that starts the line
    or follows another one is written ``&nbsp;``."""
    return "".join(
        "&nbsp;" if char == " " and (n == 0 or line[n - 1] == " ") else html.escape(char, quote=True)
        for n, char in enumerate(line[start:end], start=start)
    )
