"""Portal bodies read for Slack: HTML from the portal editor, or plain text sent through the API.

Nexudus stores what its editor writes as HTML and what the API receives as sent (reference
§15). A body counts as HTML only if the parser meets at least one tag from ``KNOWN_TAGS``;
``I <3 this`` or ``a<b`` has none, so it stays plain text with its newlines.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from handlers.blocks.portal_links import honest_label, mrkdwn_link, plain_link, safe_url
from handlers.blocks.text import escape

# Tag names as words: a table to read, not one name a line (hence noqa SIM905).
KNOWN_TAGS = frozenset(
    "a abbr address article aside b blockquote br caption cite code dd del div dl dt em figcaption "  # noqa: SIM905
    "figure font footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd li mark ol p pre q s script "
    "section small span strike strong style sub sup table tbody td tfoot th thead tr u ul".split()
)
BLOCK_TAGS = frozenset(
    "address article aside blockquote caption dd div dl dt figcaption figure footer "  # noqa: SIM905
    "h1 h2 h3 h4 h5 h6 header hr p pre section table tr".split()
)
MARKED_TAGS = frozenset({"strong", "b", "em", "i"})
DROPPED_TAGS = frozenset({"script", "style", "template"})
INDENT = "    "

_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML collapses these; &nbsp; (U+00A0) is kept


@dataclass(frozen=True)
class Flavour:
    """How the reading is written: Slack mrkdwn (escaped, with marks) or plain text."""

    bold: str
    italic: str
    escape: Callable[[str], str]
    link: Callable[[str, str], str]  # (safe url, escaped label) → text


def _mark_of(tag: str, flavour: Flavour) -> str:
    """The mark a tag asks for ("" for none): headings are bold, as Slack has no headings."""
    if tag in ("strong", "b", "h1", "h2", "h3", "h4", "h5", "h6"):
        return flavour.bold
    return flavour.italic if tag in ("em", "i") else ""


MRKDWN = Flavour(bold="*", italic="_", escape=escape, link=mrkdwn_link)
PLAIN = Flavour(bold="", italic="", escape=str, link=plain_link)


class _Reader(HTMLParser):
    """Writes the text of an HTML body as it reads it; marks and breaks are emitted lazily."""

    def __init__(self, flavour: Flavour) -> None:
        super().__init__(convert_charrefs=True)
        self.flavour = flavour
        self.saw_known_tag = False
        self.out: list[str] = []
        self._break = 0  # newlines owed before the next text: 1 line break, 2 paragraph
        self._space = False
        self._prefix = ""  # list bullet owed before the next text
        self._wanted: list[str] = []  # marks the open tags ask for
        self._open: list[str] = []  # marks written and not yet closed
        self._lists: list[int | None] = []  # per open list: its next number, None for <ul>
        self._link: tuple[str | None, list[str]] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.saw_known_tag |= tag in KNOWN_TAGS
        if tag in DROPPED_TAGS or self._skip:
            self._skip += tag in DROPPED_TAGS
            return
        if self._link is not None and tag == "br":
            self._link[1].append(" ")
            return
        if self._link is not None and (tag in BLOCK_TAGS or tag in ("ul", "ol", "li", "a")):
            self._end_link()  # unclosed <a>: a new block or link ends it
        if tag == "br":
            self._newline(1)
        elif tag in BLOCK_TAGS:
            self._block_break()
            self._want(_mark_of(tag, self.flavour))
        elif tag in ("ul", "ol"):
            self._block_break()
            start = dict(attrs).get("start") or "1"
            self._lists.append(None if tag == "ul" else int(start) if start.isdigit() else 1)
        elif tag == "li":
            self._start_item()
        elif tag in MARKED_TAGS and self._link is None:
            self._want(_mark_of(tag, self.flavour))
        elif tag == "a":
            self._link = (dict(attrs).get("href"), [])

    def handle_endtag(self, tag: str) -> None:
        self.saw_known_tag |= tag in KNOWN_TAGS
        if self._skip:
            self._skip -= tag in DROPPED_TAGS
            return
        if tag == "a" and self._link is not None:
            self._end_link()
        elif tag in BLOCK_TAGS:
            self._unwant(_mark_of(tag, self.flavour))
            self._block_break()
        elif tag in ("ul", "ol"):
            self._prefix = ""  # an empty item
            if self._lists:
                self._lists.pop()
            self._block_break()
        elif tag == "li":
            self._prefix = ""
            self._newline(1)
        elif tag in MARKED_TAGS:
            self._unwant(_mark_of(tag, self.flavour))

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._link is not None:
            self._link[1].append(data)
            return
        for n, word in enumerate(_HTML_SPACE.split(data)):
            self._space |= n > 0
            if word:
                # A word of &nbsp; alone is spacing: never wrap it in marks (`* *`).
                self._emit(self.flavour.escape(word), marks=bool(word.strip()))

    def close(self) -> None:
        super().close()
        if self._link is not None:
            self._end_link()
        self._wanted.clear()
        self._close_marks()

    def _want(self, mark: str) -> None:
        if mark:
            self._wanted.append(mark)

    def _unwant(self, mark: str) -> None:
        if mark and mark in self._wanted:
            del self._wanted[len(self._wanted) - 1 - self._wanted[::-1].index(mark)]
            self._close_marks()

    def _start_item(self) -> None:
        self._newline(1)
        number = self._lists[-1] if self._lists else None
        if number is not None:
            self._lists[-1] = number + 1
        indent = INDENT * max(len(self._lists) - 1, 0)
        self._prefix = f"{indent}{'•' if number is None else f'{number}.'} "

    def _end_link(self) -> None:
        assert self._link is not None
        href, pieces = self._link
        self._link = None
        raw = "".join(pieces)
        label = " ".join(_HTML_SPACE.split(raw)).strip()
        url = safe_url(href)
        self._space |= raw[:1].isspace()
        if url:
            label = honest_label(label, url)
            self._emit(self.flavour.link(url, self.flavour.escape(label)), marks=True)
        elif label:
            self._emit(self.flavour.escape(label), marks=True)
        self._space |= raw[-1:].isspace()

    def _block_break(self) -> None:
        """A paragraph break; within a list, a line break (items are lines)."""
        self._newline(1 if self._lists else 2)

    def _newline(self, strength: int) -> None:
        if self._prefix:
            return  # a list item whose text has not started: <li><p>text</p></li>
        self._close_marks(everything=True)
        self._break = max(self._break, strength)
        self._space = False

    def _close_marks(self, *, everything: bool = False) -> None:
        wanted = [] if everything else list(dict.fromkeys(self._wanted))
        keep = 0
        while keep < min(len(wanted), len(self._open)) and wanted[keep] == self._open[keep]:
            keep += 1
        self.out.extend(reversed(self._open[keep:]))
        del self._open[keep:]

    def _emit(self, rendered: str, *, marks: bool) -> None:
        self._close_marks()
        if self.out and self._break:
            self.out.append("\n" * self._break)
        elif self.out and self._space:
            self.out.append(" ")
        self.out.append(self._prefix)
        self._break, self._space, self._prefix = 0, False, ""
        for mark in list(dict.fromkeys(self._wanted))[len(self._open) :] if marks else []:
            self.out.append(mark)
            self._open.append(mark)
        self.out.append(rendered)


def _read(body: str, flavour: Flavour) -> str | None:
    """The body's HTML reading, or None when it has no known tag (it is plain text)."""
    reader = _Reader(flavour)
    reader.feed(body)
    reader.close()
    if not reader.saw_known_tag:
        return None
    return _tidy("".join(reader.out).replace("\xa0", " "))


def _tidy(text: str) -> str:
    """No trailing spaces, no leading or trailing blank lines, at most one blank line in a row."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def portal_mrkdwn(body: str) -> str:
    """A portal body as Slack mrkdwn: formatting kept, every character from the portal inert."""
    read = _read(body, MRKDWN)
    return read if read is not None else escape(_tidy(body))


def portal_plain(body: str) -> str:
    """A portal body as plain text (links as "text (url)"). Not escaped: never put it in mrkdwn."""
    read = _read(body, PLAIN)
    return read if read is not None else _tidy(body)


def portal_inline(text: str) -> str:
    """A subject or a name as one escaped mrkdwn line. Entities are decoded even without a tag:
    portal text may arrive HTML-encoded (§15), and a literal ``&amp;`` in a subject is rare."""
    read = _read(text, PLAIN)
    return escape(" ".join((read if read is not None else html.unescape(text)).split()))
