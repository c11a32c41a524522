"""What a member types reaches the portal as HTML that shows it as typed."""

from __future__ import annotations

import pytest

from bot.portal.bodies import to_portal_html
from handlers.blocks.portal_html import portal_plain

HTML_CASES = [
    # markup characters and quotes are text
    ("a <b> c & d \"e\" 'f'", "<p>a &lt;b&gt; c &amp; d &quot;e&quot; &#x27;f&#x27;</p>"),
    # a single newline is a line break, a blank line a new paragraph
    ("one\ntwo\n\n\nthree", "<p>one<br>two</p><p>three</p>"),
    # a line of spaces counts as blank; edges trimmed, trailing spaces dropped
    ("\n  \none  \n \t \ntwo\n\n", "<p>one</p><p>two</p>"),
    # runs of spaces and indentation survive HTML's collapsing
    ("  indented  twice", "<p>&nbsp;&nbsp;indented &nbsp;twice</p>"),
    # a bare link becomes a link, without the sentence's punctuation, its & escaped
    (
        "see https://x.example/a?b=1&c=2.",
        '<p>see <a href="https://x.example/a?b=1&amp;c=2">https://x.example/a?b=1&amp;c=2</a>.</p>',
    ),
    # a closing bracket belongs to the link only when it opened one inside it
    (
        "(https://e.example/A_(b)) (https://e.example/c)",
        '<p>(<a href="https://e.example/A_(b)">https://e.example/A_(b)</a>) '
        '(<a href="https://e.example/c">https://e.example/c</a>)</p>',
    ),
    # a quote cannot end the href: the link stops before it
    (
        'https://x.example/"onmouseover="x',
        '<p><a href="https://x.example/">https://x.example/</a>&quot;onmouseover=&quot;x</p>',
    ),
    # nothing typed, nothing written
    ("", ""),
    (" \n\n ", ""),
]


@pytest.mark.parametrize(("typed", "expected"), HTML_CASES)
def test_to_portal_html(typed: str, expected: str) -> None:
    assert to_portal_html(typed) == expected


ROUND_TRIPS = [
    "Lunch at 12 & coffee after",  # an ampersand
    "if a < b and b > c",  # angle brackets
    "<b>not bold</b> &amp; not an entity",  # what looks like markup
    "line one\nline two",  # a line break
    "para one\n\npara two\nwith a second line",  # paragraphs
    "Agenda: https://x.example/doc?id=1&v=2, see you.",  # a link with its punctuation
    "  code  indented",  # spaces that HTML would collapse
    "1. first\n2. second\n• bullet",  # list-like text stays text
    "Ünïcode ✓ and emoji 🎉",  # non-ASCII
]


@pytest.mark.parametrize("typed", ROUND_TRIPS)
def test_the_portal_reads_back_what_was_typed(typed: str) -> None:
    assert portal_plain(to_portal_html(typed)) == typed
