# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The wire rules: what both ends of the client API take for an email
address, a person's name, a bidi control and a text that shows nothing.

Central (``fusion_helpdesk_central/wire_rules.py``) and the client
(``fusion_helpdesk/wire_rules.py``) are separate packages, so each keeps this
file; the two copies are identical byte for byte (``tests/test_wire_rules.py``
checks it) and one table of cases (``tests/wire_rules_cases.py``) runs
against both. Change both copies together. Standard library only.
"""

import re
import unicodedata

# One plain ASCII address, no display name: ``local@domain.tld``.
EMAIL_RE = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"
)
EMAIL_MAX_LENGTH = 254
EMAIL_LOCAL_MAX_LENGTH = 64

# Bidirectional embedding, override and isolate controls (U+202A-U+202E,
# U+2066-U+2069): they make text read differently from what it is
# ("invoice\u202egpj.exe").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The left-to-right and right-to-left marks: dropped with the controls, so a
# text reads the same at both ends (central stores what the client shows).
BIDI_MARKS = frozenset("\u200e\u200f")
BIDI_RE = re.compile("[%s]" % "".join(sorted(BIDI_CONTROLS | BIDI_MARKS)))
# Characters that print nothing although Unicode does not class them as
# format characters or spaces: the Hangul fillers, the blank braille pattern
# and the combining grapheme joiner.
BLANK_LOOKALIKES = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")

# The names rule (one rule for a person's name that may reach a mail header):
# controls, line and paragraph separators and spaces, and the address syntax
# below (with its full-width look-alikes) fold into one space; bidi controls,
# marks and lone surrogates go. "," ";" "(" ")" "'" ":" stay (people and
# companies are called "Smith, John" or "Acme (EU)"): without "@", "<" or a
# quote no part of a quoted display name can be read as an address.
NAME_FOLDED_CHARS = frozenset('"<>@\\' + "\uff02\uff1c\uff1e\uff20\ufe6b\ufe64\ufe65")
NAME_FOLDED_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Zs"})


def strip_bidi(text):
    """``text`` without bidi controls and marks."""
    return BIDI_RE.sub("", text)


def is_invisible(char):
    """Whether ``char`` shows nothing: whitespace, format characters (zero-width,
    bidi controls) and the blank look-alikes."""
    return char.isspace() or unicodedata.category(char) == "Cf" or char in BLANK_LOOKALIKES


def has_visible_text(text):
    """Whether ``text`` has at least one character a reader can see."""
    return any(not is_invisible(char) for char in text or "")


def clean_name(value):
    """A person's name as one line no mail parser can split into a second
    address: never raises, ``""`` for no text."""
    if not isinstance(value, str):
        return ""
    chars = []
    for char in strip_bidi(value):
        category = unicodedata.category(char)
        if category == "Cs":
            continue
        if category in NAME_FOLDED_CATEGORIES or char.isspace() or char in NAME_FOLDED_CHARS:
            char = " "
        chars.append(char)
    return " ".join("".join(chars).split())


def is_valid_email(value):
    """Whether ``value`` is one plain ``local@domain.tld`` address."""
    if not isinstance(value, str) or len(value) > EMAIL_MAX_LENGTH:
        return False
    if not EMAIL_RE.fullmatch(value):
        return False
    return len(value.rpartition("@")[0]) <= EMAIL_LOCAL_MAX_LENGTH
