# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Layer 1: the owner's summary as HTML (fusion_helpdesk_central/summary_format.py).

A table of typed summaries and the exact HTML people get, hostile ones
included; a fuzz run checking that whatever is typed, the output holds only
the renderer's own tags, balanced and shallow; and the time it takes growing
linearly with the text.
"""

import random
import time
from html.parser import HTMLParser

import pytest

from fusion_helpdesk_central import summary_format
from fusion_helpdesk_central.summary_format import render_summary

AI_SUMMARY = """\
**Recommendation: approve.** The fuser is worn out.
- What: replace the *fuser* unit
- Time: 2 hours, printer offline meanwhile
- Risk: low

Reply with questions if anything is unclear."""

FORMATTING = [
    ("empty", "", ""),
    ("none", None, ""),
    ("blank lines only", "  \n\t\n ", ""),
    ("one line", "Replace the fuser.", "<p>Replace the fuser.</p>"),
    ("line break", "First line\nsecond line", "<p>First line<br>second line</p>"),
    ("paragraphs", "One.\n\n\nTwo.", "<p>One.</p>\n<p>Two.</p>"),
    ("every line ending", "a\r\nb\rc\u2028d\u2029e", "<p>a<br>b<br>c<br>d<br>e</p>"),
    ("blanks trimmed", "   padded   ", "<p>padded</p>"),
    (
        "the AI's summary",
        AI_SUMMARY,
        "<p><strong>Recommendation: approve.</strong> The fuser is worn out.</p>\n"
        "<ul><li>What: replace the <em>fuser</em> unit</li>"
        "<li>Time: 2 hours, printer offline meanwhile</li><li>Risk: low</li></ul>\n"
        "<p>Reply with questions if anything is unclear.</p>",
    ),
    ("bold", "**Bold** text", "<p><strong>Bold</strong> text</p>"),
    ("bold underscores", "__Bold__ text", "<p><strong>Bold</strong> text</p>"),
    ("italics", "*one* and _two_", "<p><em>one</em> and <em>two</em></p>"),
    (
        "bold italics",
        "***both*** ___both___",
        "<p><strong><em>both</em></strong> <strong><em>both</em></strong></p>",
    ),
    ("nested", "**bold *it* bold**", "<p><strong>bold <em>it</em> bold</strong></p>"),
    ("nested other way", "*it **bold** it*", "<p><em>it <strong>bold</strong> it</em></p>"),
    ("crossing markers", "**a *b** c*", "<p><strong>a *b</strong> c*</p>"),
    ("unclosed bold", "**Recommendation: approve.", "<p>**Recommendation: approve.</p>"),
    ("unclosed italics", "*a **b**", "<p>*a <strong>b</strong></p>"),
    ("closer only", "a** b", "<p>a** b</p>"),
    ("mismatched lengths", "**a*", "<p>**a*</p>"),
    ("markers not hugging", "** not bold ** and 5 * 3 * 2", "<p>** not bold ** and 5 * 3 * 2</p>"),
    ("underscore in words", "snake_case_name _x_", "<p>snake_case_name <em>x</em></p>"),
    ("underscore closing in a word", "_x_y", "<p>_x_y</p>"),
    ("underscore opening in a word", "snake_case_ end", "<p>snake_case_ end</p>"),
    ("star in a word", "un*frigging*believable", "<p>un<em>frigging</em>believable</p>"),
    ("four markers are text", "****x**** ____y____", "<p>****x**** ____y____</p>"),
    ("markers stay on their line", "**a\nb**", "<p>**a<br>b**</p>"),
    (
        "waiting markers are capped",
        "*1 *2 *3 *4 *5 *6 *7 *8 *9 x*",
        "<p>*1 *2 *3 *4 *5 *6 *7 <em>8 *9 x</em></p>",
    ),
    (
        "bullets",
        "- a\n* b\n+ c\n\u2022 d",
        "<ul><li>a</li><li>b</li><li>c</li><li>d</li></ul>",
    ),
    ("numbered", "1. a\n2) b", "<ol><li>a</li><li>b</li></ol>"),
    ("numbered from 3", "3. c\n4. d", '<ol start="3"><li>c</li><li>d</li></ol>'),
    ("bold in an item", "- **Cost:** 2 h", "<ul><li><strong>Cost:</strong> 2 h</li></ul>"),
    ("paragraph then list", "Plan:\n- a", "<p>Plan:</p>\n<ul><li>a</li></ul>"),
    ("list then paragraph", "- a\n\nThanks", "<ul><li>a</li></ul>\n<p>Thanks</p>"),
    ("blank between items", "- a\n\n- b", "<ul><li>a</li><li>b</li></ul>"),
    ("continued item", "- a\n  wrapped\n- b", "<ul><li>a<br>wrapped</li><li>b</li></ul>"),
    (
        "nested list",
        "- a\n  - b\n  - c\n- d",
        "<ul><li>a<ul><li>b</li><li>c</li></ul></li><li>d</li></ul>",
    ),
    ("nested by a tab", "- a\n\t- b", "<ul><li>a<ul><li>b</li></ul></li></ul>"),
    ("one space is no nesting", "- a\n - b", "<ul><li>a</li><li>b</li></ul>"),
    (
        "bullets then numbers",
        "- a\n1. b",
        "<ul><li>a</li></ul>\n<ol><li>b</li></ol>",
    ),
    (
        "nested bullets then numbers",
        "- a\n  - b\n  1. c",
        "<ul><li>a<ul><li>b</li></ul><ol><li>c</li></ol></li></ul>",
    ),
    (
        "nesting is capped",
        "- 1\n  - 2\n    - 3\n      - 4\n        - 5\n          1. 6\n      - 7\n- 8",
        "<ul><li>1<ul><li>2<ul><li>3<ul><li>4</li><li>5</li></ul>"
        "<ol><li>6</li></ol><ul><li>7</li></ul></li></ul></li></ul></li><li>8</li></ul>",
    ),
    (
        "not items",
        "-a\n1.5 hours\n**bold** first",
        "<p>-a<br>1.5 hours<br><strong>bold</strong> first</p>",
    ),
    ("marker alone", "-\n1.", "<p>-<br>1.</p>"),
    ("too long a number", "1234567890. x", "<p>1234567890. x</p>"),
    ("heading is text", "## Plan", "<p>## Plan</p>"),
    ("code is text", "`rm -rf /`", "<p>`rm -rf /`</p>"),
    ("quote is text", "> quoted", "<p>&gt; quoted</p>"),
]

HOSTILE = [
    ("script", "<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
    (
        "image tag",
        '<img src=x onerror="alert(1)">',
        "<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>",
    ),
    ("markdown link", "[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
    ("markdown image", "![x](http://evil.example/p.png)", "<p>![x](http://evil.example/p.png)</p>"),
    ("autolink", "<http://evil.example>", "<p>&lt;http://evil.example&gt;</p>"),
    (
        "entities stay as typed",
        "&amp; &lt;b&gt; &#60;",
        "<p>&amp;amp; &amp;lt;b&amp;gt; &amp;#60;</p>",
    ),
    ("quotes", 'it\'s "fine"', "<p>it&#x27;s &quot;fine&quot;</p>"),
    ("markers inside tags", "<b>**x**</b>", "<p>&lt;b&gt;<strong>x</strong>&lt;/b&gt;</p>"),
    ("tag inside markers", "**<script>**", "<p><strong>&lt;script&gt;</strong></p>"),
    ("tag in an item", "- <iframe src=//x>", "<ul><li>&lt;iframe src=//x&gt;</li></ul>"),
    ("10,000 asterisks", "*" * 10000, "<p>%s</p>" % ("*" * 10000)),
    (
        "bidi override dropped",
        "Recommendation: \u202eteg\u202c ok",
        "<p>Recommendation: teg ok</p>",
    ),
    ("bidi isolates dropped", "a\u2066b\u2067c\u2068d\u2069e", "<p>abcde</p>"),
    ("bidi marks kept", "a\u200eb\u200fc", "<p>a\u200eb\u200fc</p>"),
    ("zero-width kept", "a\u200bb\u200dc\u2060d\ufeffe", "<p>a\u200bb\u200dc\u2060d\ufeffe</p>"),
    (
        "zero-width space splits markers",
        "*\u200b*bold*\u200b*",
        "<p><em>\u200b</em>bold<em>\u200b</em></p>",
    ),
    ("controls dropped", "a\x00b\x07c\x1bd\x7fe\x85f\x0bg\x0ch", "<p>abcdefgh</p>"),
    ("no-break spaces do not hug", "**\u00a0x\u00a0**", "<p>**\u00a0x\u00a0**</p>"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [case[1:] for case in FORMATTING + HOSTILE],
    ids=[case[0] for case in FORMATTING + HOSTILE],
)
def test_rendered_html(text, expected):
    assert render_summary(text) == expected


def test_clean_text_keeps_what_is_typed_otherwise():
    assert summary_format.clean_summary_text("a\r\n\u202eb\u2028c\x00") == "a\nb\nc"
    assert summary_format.clean_summary_text(None) == ""


class _TagChecker(HTMLParser):
    """Records every tag and the deepest nesting; fails on anything foreign."""

    ALLOWED = {"p", "br", "strong", "em", "ul", "ol", "li"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        assert tag in self.ALLOWED, tag
        if tag == "ol" and attrs:
            assert len(attrs) == 1 and attrs[0][0] == "start" and attrs[0][1].isdigit()
        else:
            assert not attrs, (tag, attrs)
        if tag != "br":
            self.stack.append(tag)
            self.depth = max(self.depth, len(self.stack))

    def handle_endtag(self, tag):
        assert self.stack and self.stack.pop() == tag, tag

    def handle_startendtag(self, tag, attrs):  # pragma: no cover - we never write <x/>
        raise AssertionError(tag)

    def handle_comment(self, data):  # pragma: no cover - escaping forbids them
        raise AssertionError(data)


def test_fuzz_only_our_tags_balanced_and_shallow():
    alphabet = [
        "*",
        "**",
        "_",
        "__",
        "***",
        " ",
        "\n",
        "\n\n",
        "- ",
        "  - ",
        "1. ",
        "\t",
        "a",
        "b1",
        "<",
        ">",
        "&",
        '"',
        "'",
        "<script>",
        "](",
        "!",
        "\u202e",
        "\u200b",
    ]
    rng = random.Random(27)
    for _case in range(3000):
        text = "".join(rng.choice(alphabet) for _n in range(rng.randint(0, 60)))
        checker = _TagChecker()
        checker.feed(render_summary(text))
        checker.close()
        assert not checker.stack, text
        # 4 lists deep (ul > li, twice each) plus p or the item, 8 markers
        # open at most (up to two tags each).
        assert (
            checker.depth <= 2 * summary_format.MAX_LIST_DEPTH + 2 * summary_format.MAX_OPEN_MARKERS
        )


@pytest.mark.parametrize(
    "text",
    ["*a " * 5000 + "x" + " x*" * 5000, "**a " * 5000 + "x" + " x**" * 5000, "*_" * 5000],
    ids=["italics", "bold", "alternating"],
)
def test_deep_markers_stay_shallow(text):
    checker = _TagChecker()
    checker.feed(render_summary(text))
    checker.close()
    assert not checker.stack
    assert 1 < checker.depth <= 1 + summary_format.MAX_OPEN_MARKERS


def _best_time(text, runs=3):
    best = None
    for _run in range(runs):
        start = time.perf_counter()
        render_summary(text)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


LINEAR_INPUTS = {
    "one run": lambda n: "*" * n,
    "italics": lambda n: "*a" * n,
    "openers": lambda n: "*a " * n,
    "bold": lambda n: "**a" * n,
    "alternating": lambda n: "*_" * n,
    "underscores": lambda n: "_a_b " * n,
    "items": lambda n: "- *x\n  " * n,
    "closers": lambda n: "a* " * n,
    "openers then other closers": lambda n: "_a " * n + "a* " * n,
    "nested openers then closers": lambda n: "*a " * n + "x" + " x*" * n,
    "escaped": lambda n: "<&>" * n,
    "nesting lists": lambda n: "".join("%s- x\n" % (" " * (i % 40)) for i in range(n)),
}


@pytest.mark.parametrize("make", LINEAR_INPUTS.values(), ids=LINEAR_INPUTS.keys())
def test_time_grows_linearly(make):
    small = _best_time(make(2000))
    large = _best_time(make(20000))
    # Ten times the text: about ten times the time. A quadratic renderer
    # would take a hundred times as long.
    assert large < 30 * small + 0.5, (small, large)


def test_ten_thousand_asterisks_render_at_once():
    assert _best_time("*" * 10000 + "\n" + "*a" * 10000 + "\n" + "- " * 10000) < 0.5
