"""Portal bodies read for Slack: HTML as mrkdwn or plain text, plain bodies kept, safe cuts."""

from __future__ import annotations

import re

import pytest

from handlers.blocks.portal_html import portal_inline, portal_mrkdwn, portal_plain
from handlers.blocks.text import shorten_mrkdwn

MRKDWN_CASES = [
    # paragraphs: a blank line between, source newlines and indentation are only spaces
    ("<p>One\n   two</p>\n<p>Three</p><div>Four</div>", "One two\n\nThree\n\nFour"),
    # <br> is a line break, in every spelling
    ("<p>a<br>b<br/>c<BR >d</p>", "a\nb\nc\nd"),
    # empty paragraphs and &nbsp; spacers leave at most one blank line
    ("<p>a</p><p></p><p>&nbsp;</p><p><br></p><p>b</p>", "a\n\nb"),
    # bold and italic, nested, with the spaces outside the marks
    ("<p>Hi <strong>all </strong>and <b><em>you</em></b></p>", "Hi *all* and *_you_*"),
    # a mark around nothing is not written
    ("<p>x<strong> </strong>y<em></em></p>", "x y"),
    # a mark does not cross a line break: closed before it, opened again after
    ("<p><b>one<br>two</b></p>", "*one*\n*two*"),
    # headings are paragraphs in bold
    ("<h2>Plan</h2><p>text</p>", "*Plan*\n\ntext"),
    # bullet lists, nested ones indented; a <p> inside an item stays on the item's line
    (
        "<ul><li><p>a</p></li><li>b<ul><li>c</li></ul></li></ul><p>after</p>",
        "• a\n• b\n    • c\n\nafter",
    ),
    # ordered lists number their items, from start= when given
    ("<ol><li>x</li><li>y</li></ol><ol start='7'><li>z</li></ol>", "1. x\n2. y\n\n7. z"),
    # a link: URL as is (& written &amp;), its text escaped and without formatting
    (
        '<p>See <a href="https://x.example/a?b=1&amp;c=2"><b>the</b> &lt;doc&gt;</a>.</p>',
        "See <https://x.example/a?b=1&amp;c=2|the &lt;doc&gt;>.",
    ),
    # javascript: (any scheme but http(s) and mailto) keeps only the text
    ('<p><a href="javascript:alert(1)">click</a> <a href=" JavaScript:x">me</a></p>', "click me"),
    # |, <, > and spaces in a URL are percent-encoded: they cannot end the link or its label
    (
        '<a href="https://e.example/a|b>c d<!channel>">t</a>',
        "<https://e.example/a%7Cb%3Ec%20d%3C!channel%3E|t>",
    ),
    # mailto links, and a link without text shows its address
    (
        '<p><a href="mailto:desk@x.example">Desk</a> <a href="https://x.example"></a></p>',
        "<mailto:desk@x.example|Desk> <https://x.example>",
    ),
    # a label that reads as another address is a disguise: the link shows its real target
    ('<a href="https://evil.example">https://bank.example</a>', "<https://evil.example>"),
    # the same for a bare domain with a path, a www. name, an IP address and an e-mail address
    ('<a href="https://evil.example/x">bank.example/login</a>', "<https://evil.example/x>"),
    ('<a href="https://evil.example">www.bank.example</a>', "<https://evil.example>"),
    ('<a href="https://evil.example">10.0.0.1</a>', "<https://evil.example>"),
    ('<a href="mailto:thief@evil.example">desk@bank.example</a>', "<mailto:thief@evil.example>"),
    # the right host with another path is another place too
    ('<a href="https://bank.example/pay">bank.example/login</a>', "<https://bank.example/pay>"),
    # a label naming the target stays: no scheme, host in any case, trailing slash ignored
    (
        '<a href="https://Bank.example/login/">bank.example/login</a> '
        '<a href="http://www.x.example">WWW.X.example/</a>',
        "<https://Bank.example/login/|bank.example/login> <http://www.x.example|WWW.X.example/>",
    ),
    # a space in both is percent-encoded in both, so they still match
    ('<a href="https://x.example/a b">x.example/a b</a>', "<https://x.example/a%20b|x.example/a b>"),
    # an encoded character never passes for the one it encodes
    ('<a href="https://bank.example%2Fx">bank.example/x</a>', "<https://bank.example%2Fx>"),
    # words are a label, even naming a bank, and a sentence ending with a full stop
    (
        '<a href="https://evil.example">Your bank</a> <a href="https://x.example">Read this.</a>',
        "<https://evil.example|Your bank> <https://x.example|Read this.>",
    ),
    # entities decoded, then escaped for Slack: &lt;!channel&gt; stays text, never a mention
    ("<p>&lt;!channel&gt; fish &amp; chips &lt;@U1&gt;</p>", "&lt;!channel&gt; fish &amp; chips &lt;@U1&gt;"),
    # markup that is not HTML inside an HTML body: <!here> is a comment to the parser, <@U1> text
    ("<p><!here> <@U1></p>", "&lt;@U1&gt;"),
    # &nbsp; is a space that does not collapse
    ("<p>a&nbsp;&nbsp;b</p>", "a  b"),
    # script and style disappear with their content
    ("<p>x<script>alert('<b>')</script><style>p {}</style>y</p>", "xy"),
    # unknown tags go, their text stays
    ("<p><span class='c'>kept</span> <custom>too</custom></p>", "kept too"),
    # malformed: unclosed tags are closed at the end, an unclosed link ends at the next block
    ("<p>unclosed <b>bold <i>both", "unclosed *bold _both_*"),
    ('<p><a href="https://x.example">link<p>next</p>', "<https://x.example|link>\n\nnext"),
    # plain text (no known tag): newlines kept, only escaped, entities left as typed
    ("I <3 this & a<b\nsecond line &amp;", "I &lt;3 this &amp; a&lt;b\nsecond line &amp;amp;"),
    # plain text that looks like Slack markup stays inert
    ("<!channel> <https://evil.example|pizza>", "&lt;!channel&gt; &lt;https://evil.example|pizza&gt;"),
    # plain text: leading and trailing blank lines go, at most one blank line in a row
    ("\n\nfirst\n\n\n\nsecond  \n\n", "first\n\nsecond"),
    # empty bodies
    ("", ""),
    ("<p></p>", ""),
]


@pytest.mark.parametrize(("body", "expected"), MRKDWN_CASES)
def test_portal_mrkdwn(body: str, expected: str) -> None:
    assert portal_mrkdwn(body) == expected


PLAIN_CASES = [
    # formatting gone, entities decoded, nothing escaped
    ("<p><b>Fish</b> &amp; <i>chips</i> &lt;3</p><p>next</p>", "Fish & chips <3\n\nnext"),
    # a link is its text and its address; one whose text is its address is written once
    (
        '<a href="https://x.example/a b">doc</a> <a href="https://x.example">https://x.example</a>',
        "doc (https://x.example/a%20b) https://x.example",
    ),
    # a disguised link is written as its target alone
    ('<a href="https://evil.example">https://bank.example</a>', "https://evil.example"),
    # a mailto link written as the address
    ('<a href="mailto:desk@x.example">desk@x.example</a>', "desk@x.example"),
    # lists as in mrkdwn
    ("<ol><li>a</li><li>b</li></ol>", "1. a\n2. b"),
    # plain text is returned as it is, entities included
    ("a < b &amp; c\nd", "a < b &amp; c\nd"),
]


@pytest.mark.parametrize(("body", "expected"), PLAIN_CASES)
def test_portal_plain(body: str, expected: str) -> None:
    assert portal_plain(body) == expected


INLINE_CASES = [
    # entities are decoded even with no tag: the portal encodes what its forms receive
    ("Fish &amp; chips &lt;!channel&gt;", "Fish &amp; chips &lt;!channel&gt;"),
    # tags go, lines join
    ("<p><b>Open</b> day</p><p>Friday</p>", "Open day Friday"),
    # plain text with a < and a newline: one escaped line
    ("a <b\n c", "a &lt;b c"),
    # Slack markup is text
    ("<@U1> <!here>", "&lt;@U1&gt; &lt;!here&gt;"),
]


@pytest.mark.parametrize(("subject", "expected"), INLINE_CASES)
def test_portal_inline(subject: str, expected: str) -> None:
    assert portal_inline(subject) == expected


SHORTEN_CASES = [
    # short enough: untouched
    ("hello", 5, "hello"),
    # cut at a word, ellipsis within the limit
    ("hello world", 8, "hello w…"),
    # never inside a link: the whole link goes
    ("see <https://x.example/long|the label> now", 20, "see…"),
    # a link that fits is kept whole
    ("see <https://x.example|doc> and more text", 28, "see <https://x.example|doc>…"),
    # never inside an escaped character
    ("a &amp;&lt;&gt; b", 9, "a &amp;…"),
    # a bold mark left open is cut before it
    ("hello *bold words* end", 15, "hello…"),
    # a closed mark is kept
    ("hello *bold* and more words", 17, "hello *bold* and…"),
    # italics inside bold, both open: cut before the outer one
    ("x *a _b c_ d* e", 9, "x…"),
    # a literal * with spaces around, or inside a word, is no mark
    ("5 * 3 = 15 and a*b more", 20, "5 * 3 = 15 and a*b…"),
    # marks never span lines: an unclosed * on an earlier line does not pull the cut back
    ("*note\nline two is long", 14, "*note\nline tw…"),
]


@pytest.mark.parametrize(("text", "limit", "expected"), SHORTEN_CASES)
def test_shorten_mrkdwn(text: str, limit: int, expected: str) -> None:
    shortened = shorten_mrkdwn(text, limit)

    assert shortened == expected
    assert len(shortened) <= limit


HOSTILE = [
    "<p>&lt;!channel&gt; <!channel> <a href='https://x|<!here>'>&lt;!here&gt;</a></p>",
    "<p><a href='https://x.example'><!everyone></a>&lt;https://evil|ok&gt;</p>",
    "<ul><li><a href='javascript:x'>&lt;@U1&gt;</a></li></ul><b>&lt;#C1&gt;</b>",
    "<p>text <a href='https://a.example/>|x'>y</a> <b>z",
]


@pytest.mark.parametrize("body", HOSTILE)
def test_no_angle_bracket_but_in_links_we_built(body: str) -> None:
    shown = portal_mrkdwn(body)

    outside_links = re.sub(r"<(?:https?|mailto):[^<>| ]+(?:\|[^<>]*)?>", "", shown)
    assert "<" not in outside_links and ">" not in outside_links
    assert "<!" not in shown and "<@" not in shown and "<#" not in shown
