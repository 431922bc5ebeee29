# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The owner's summary as HTML: one safe renderer. Imports nothing from Odoo.

The summary is stored as typed (the engineer edits plain text and the round's
``content_digest`` seals that text); people read it through ``render_summary``.
It knows the small Markdown subset a summary needs and nothing else:

- paragraphs (separated by a blank line) and line breaks (every newline);
- ``**bold**`` / ``__bold__``, ``*italics*`` / ``_italics_``,
  ``***both***`` / ``___both___`` (markers must hug the text they wrap; an
  underscore inside a word, as in ``snake_case``, is a letter);
- bullet lists (``-``, ``*``, ``+`` or ``•`` then a space) and numbered lists
  (``1.`` or ``1)`` then a space), nested by indenting two spaces or more.

Everything else is shown as the text it is: HTML tags, entities, links,
images, headings, code. The text is escaped first and formatted afterwards:
the only tags in the output are the ones this module writes (``p``, ``br``,
``strong``, ``em``, ``ul``, ``ol``, ``li``; ``ol`` may carry ``start``), and
no attribute carries typed text other than a number. Control characters and
the bidirectional embedding, override and isolate controls (which can make a
line read differently from what it says) are dropped; other invisible
characters (zero-width joiners and spaces, direction marks) stay, as scripts
and emoji need them.

Every step is a single pass over the text: run time and output size grow
linearly with the input (no backtracking regular expression, no rescanning).
The Odoo layer still passes the result through ``html_sanitize``.
"""

import html
import re

# Dropped before rendering: C0 and C1 controls but tab and newline (which
# shape the text), DEL, and the bidi embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069). Line and paragraph separators are newlines.
_DROPPED = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]
_DROPPED += [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_CLEAN_TABLE = {code: None for code in _DROPPED}
_CLEAN_TABLE.update({0x2028: "\n", 0x2029: "\n"})

TAB_WIDTH = 4
# Indent of an item, beyond that of the list it would belong to, that starts
# a list nested in the previous item.
NESTED_INDENT = 2
# Bounds on the depth of the tags written, whatever the input: lists nest at
# most this deep (deeper items join the deepest list), and a marker cannot
# open while this many markers wait for their closing one (it stays text).
# Real summaries stay far below; HTML parsers (libxml2, mail clients) give up
# on deep trees and drop what follows. The second bound also keeps the search
# for a closing marker's match short: rendering time stays linear.
MAX_LIST_DEPTH = 4
MAX_OPEN_MARKERS = 8
# A list item: its marker, then at least one blank, then text. Anchored and
# without nested repetition: linear.
_ITEM = re.compile(r"(?:([-*+\u2022])|(\d{1,9})[.)])[ \t]+(?=\S)")
# Runs of one marker character; each character is read once.
_MARKER_RUN = re.compile(r"\*+|_+")
# Tags of a marker run by its length; longer runs (``****``) are text.
_TAGS = {1: ("<em>", "</em>"), 2: ("<strong>", "</strong>"), 3: ("<strong><em>", "</em></strong>")}


def clean_summary_text(text):
    """``text`` without the characters the renderer drops, with every line
    ending (CR LF, CR, line and paragraph separators) as a newline."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_CLEAN_TABLE)


def render_summary(text):
    """HTML of the summary ``text`` (a plain ``str``, empty for an empty or
    blank text), built by the rules of this module's docstring."""
    blocks = _Blocks()
    for line in clean_summary_text(text).split("\n"):
        blocks.feed(line)
    return blocks.close()


def render_inline(text):
    """One line of text as escaped HTML, its bold and italics markers turned
    into tags; unmatched or crossing markers stay text."""
    escaped = html.escape(text, quote=True)
    # Escaping writes no marker character: the markers found below are the
    # typed ones, and a tag can never split an entity.
    pieces = []
    # Markers waiting for their closing one, oldest first: (index in
    # ``pieces``, kind). Never more than MAX_OPEN_MARKERS, so looking for a
    # match costs a bounded time and the whole line stays linear.
    openers = []
    done = 0
    for run in _MARKER_RUN.finditer(escaped):
        start, end = run.span()
        pieces += [escaped[done:start], run.group()]
        done = end
        if end - start not in _TAGS:
            continue
        kind = (escaped[start], end - start)
        can_open, can_close = _flanking(escaped, start, end)
        match = _newest_opener(openers, kind) if can_close else None
        if match is not None:
            # Markers that opened after the matching one stay text: tags
            # never cross.
            opener = openers[match][0]
            del openers[match:]
            pieces[opener], pieces[-1] = _TAGS[end - start]
        elif can_open and len(openers) < MAX_OPEN_MARKERS:
            openers.append((len(pieces) - 1, kind))
    pieces.append(escaped[done:])
    return "".join(pieces)


def _newest_opener(openers, kind):
    """Position in ``openers`` of the newest marker of ``kind``, or None."""
    for position in range(len(openers) - 1, -1, -1):
        if openers[position][1] == kind:
            return position
    return None


def _flanking(escaped, start, end):
    """Whether the marker run at ``escaped[start:end]`` can open (text follows
    it) and close (text precedes it). An underscore touching a letter or digit
    is part of a word (``snake_case``) and does neither on that side."""
    before = escaped[start - 1] if start else " "
    after = escaped[end] if end < len(escaped) else " "
    can_open = not after.isspace()
    can_close = not before.isspace()
    if escaped[start] == "_":
        can_open = can_open and not before.isalnum()
        can_close = can_close and not after.isalnum()
    return can_open, can_close


def _indent(line):
    """Width of the blanks that start ``line``, a tab counting ``TAB_WIDTH``."""
    body = line.lstrip(" \t")
    return len(line[: len(line) - len(body)].expandtabs(TAB_WIDTH))


class _Blocks:
    """Paragraphs and lists of a summary, fed one line at a time."""

    def __init__(self):
        self.html = []  # written pieces
        self.paragraph = []  # rendered lines of the open paragraph
        self.lists = []  # open lists, outermost first: (tag, indent)
        self.after_blank = False  # a blank line came since the last text line

    def feed(self, line):
        """Add one line of cleaned text."""
        body = line.strip()
        if not body:
            self._close_paragraph()
            self.after_blank = True
            return
        item = _ITEM.match(body)
        if item:
            self._close_paragraph()
            tag = "ol" if item.group(2) else "ul"
            self._item(_indent(line), tag, item.group(2), body[item.end() :])
        elif self.lists and not self.after_blank:
            # A line right under an item continues it (a line break).
            self.html.append("<br>" + render_inline(body))
        else:
            self._close_lists()
            self.paragraph.append(render_inline(body))
        self.after_blank = False

    def close(self):
        """The HTML of everything fed."""
        self._close_paragraph()
        self._close_lists()
        return "".join(self.html).strip()

    def _item(self, indent, tag, number, text):
        lists = self.lists
        while len(lists) > 1 and indent < lists[-1][1]:
            self._close_list()
        deeper = lists and indent >= lists[-1][1] + NESTED_INDENT
        if deeper and len(lists) < MAX_LIST_DEPTH:
            # A list nested in the open item.
            self._open_list(tag, number, indent)
        elif lists and lists[-1][0] == tag:
            self.html.append("</li>")
        else:
            # Another kind of list at this level (or at the deepest level).
            if lists:
                indent = self._close_list()
            self._open_list(tag, number, indent)
        self.html.append("<li>" + render_inline(text))

    def _open_list(self, tag, number, indent):
        start = int(number or 1)
        self.html.append('<ol start="%d">' % start if start != 1 else "<%s>" % tag)
        self.lists.append((tag, indent))

    def _close_list(self):
        """Close the innermost list; returns its indent."""
        tag, indent = self.lists.pop()
        self.html.append("</li></%s>" % tag)
        if not self.lists:
            self.html.append("\n")
        return indent

    def _close_lists(self):
        while self.lists:
            self._close_list()

    def _close_paragraph(self):
        if self.paragraph:
            self.html.append("<p>%s</p>\n" % "<br>".join(self.paragraph))
            self.paragraph = []
