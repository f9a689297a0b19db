"""Text on its way out to files other programs open: spreadsheets (CSV, XLSX) and XML (GraphML, GEXF).

The models refuse control characters at input, but records written before that rule may still hold
some, and an export must never crash on them: `writable` strips what XML and openpyxl cannot hold.
A spreadsheet runs a cell starting with `=`, `+`, `-`, `@` (or tab / carriage return before one) as a
formula — `=HYPERLINK(…)` in the coordination's master copy would leak it — so `spreadsheet_safe`
prefixes such cells with an apostrophe (OWASP's CSV-injection advice), and `restored` takes that
apostrophe off again when the file comes back through the loader, so a phone number `+32 4 …`
survives export → import → export unchanged.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""

_UNWRITABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(p * 0x10000 + 0xFFFE) + chr(p * 0x10000 + 0xFFFF) for p in range(17))
    + "]"
)


def writable(value: str) -> str:
    """The text without the characters XML 1.0 and spreadsheets cannot hold (tab and line breaks kept).

    >>> writable("CVFE\\x00\\x0b\\ufffe Liège\\tA")
    'CVFE Liège\\tA'
    """
    return _UNWRITABLE.sub("", value)


def spreadsheet_safe(value: str) -> str:
    """A writable cell that no spreadsheet will run as a formula: a leading `'` when it could.

    >>> [spreadsheet_safe(v) for v in ("=HYPERLINK(\\"x\\")", "+32 4 000 00 00", "@SUM(A1)", "CVFE", "")]
    ['\\'=HYPERLINK("x")', "'+32 4 000 00 00", "'@SUM(A1)", 'CVFE', '']
    """
    value = writable(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def needs_quote(value: str) -> bool:
    """True when a spreadsheet would read this (writable) text as a formula.

    >>> needs_quote("-1"), needs_quote("1-")
    (True, False)
    """
    return value.startswith(FORMULA_STARTS)


def restored(value: str) -> str:
    """A cell read back from a file Relais wrote: the apostrophe `spreadsheet_safe` added is taken off.

    >>> restored("'+32 4 000 00 00"), restored("'s Gravenbrakel"), restored("+32")
    ('+32 4 000 00 00', "'s Gravenbrakel", '+32')
    """
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value
