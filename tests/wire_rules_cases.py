# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one table of the wire rules (``wire_rules.py`` of both addons): inputs
and what each rule must answer. ``tests/test_wire_rules.py`` runs it against
central's and the client's copies and against the functions each side calls."""

# (value, is one plain address both ends accept)
EMAILS = [
    ("owner@acme.example.com", True),
    ("o.w+ner@acme.co", True),
    ("x@xn--bcher-kva.example", True),
    ("Owner@ACME.Example.COM", True),
    ("x" * 64 + "@acme.example.com", True),
    ("x" * 65 + "@acme.example.com", False),
    # Every label fits the pattern; the whole is longer than 254 characters.
    ("a@" + ("b" * 60 + ".") * 5 + "com", False),
    ("owner", False),
    ("owner@", False),
    ("@acme.example.com", False),
    ("owner@acme", False),
    ("Olivia <owner@acme.example.com>", False),
    ("owner@acme.example.com, boss@acme.example.com", False),
    ("own er@acme.example.com", False),
    ("owner@acme.example.com\n", False),
    ("öwner@acme.example.com", False),
    ("", False),
    (None, False),
    (42, False),
]

# (text, shows at least one character a reader can see)
VISIBLE = [
    ("", False),
    (None, False),
    ("   \n\t", False),
    ("\u200b\u200c\u200d", False),
    ("\u202e\u2066\u2069", False),
    ("\ufeff\u2060\u00ad", False),
    ("\u3164\u2800 \u115f\uffa0\u1160", False),
    ("\u200e\u200f\u061c", False),
    # The combining grapheme joiner alone shows nothing either.
    ("\u034f \u034f", False),
    ("a", True),
    ("\u200b.", True),
    ("\u202e\u05d0", True),
    ("\u034fa", True),
    ("\U0001f525", True),
]

# (text, the same text with the bidi controls and marks dropped)
BIDI = [
    ("Invoice \u202egpj.exe\u202c", "Invoice gpj.exe"),
    ("\u2066Printer\u2069 on fire", "Printer on fire"),
    ("\u202a\u202b\u202dVPN\u2067\u2068", "VPN"),
    ("a\u200eb\u200fc", "abc"),
    ("\u05e9\u05dc\u05d5\u05dd\u200f ok", "\u05e9\u05dc\u05d5\u05dd ok"),
    # Joiners that scripts and emoji need are no bidi characters: kept.
    ("\U0001f469\u200d\U0001f4bb laptop", "\U0001f469\u200d\U0001f4bb laptop"),
    (
        "\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627",
        "\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627",
    ),
]

# (what was typed, the name kept) — the hostile names are in tests/test_names.py.
NAMES = [
    ("Olivia \u200fOwner\u200e", "Olivia Owner"),
    ("Olivia\u202e Owner", "Olivia Owner"),
    ("Olivia\r\nBcc: x@evil.example", "Olivia Bcc: x evil.example"),
    ("Olivia \ud800Owner", "Olivia Owner"),
    ("  Smith,   John ", "Smith, John"),
    ("", ""),
    (None, ""),
    (42, ""),
]
