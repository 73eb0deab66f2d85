"""Cell-level clean-up shared by every reader and by the importer: the invisible characters ignored around a value
(:data:`INVISIBLE`), a header cell as a column name (:func:`bare_title`, :func:`loose_name`), text in composed
Unicode (:func:`composed`), and a workbook cell's value as the text a CSV export would hold (:func:`_cell_text`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

#: Characters nobody sees: Unicode's invisible formatting characters (byte order mark, zero-width space and joiners,
#: word joiner, soft hyphen, the left-to-right and right-to-left marks Windows puts in the dates it formats, bidi
#: embeddings and isolates, invisible operators, tags) and the variation selectors. Around a value they are ignored
#: like spaces (``copy a.csv+b.csv`` puts b's BOM before its first cell); inside one they are a violation
#: (``data.importer``): "F\u200b1" would be stored as a new facility that looks exactly like F1.
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
INVISIBLE = "".join(chr(code) for first, last in _INVISIBLE_RANGES for code in range(first, last + 1))
INVISIBLE_RE = "[" + "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last in _INVISIBLE_RANGES) + "]"
_VISIBLE_RE = "[^\\s" + INVISIBLE_RE[1:]  # one character that is neither a space nor invisible
#: The invisible characters of free text that are parts of what a person writes, not copied by mistake: the zero
#: width joiner (U+200D) between two visible characters (the three faces of "👨\u200d👩\u200d👧", a letter of some
#: scripts) and a variation selector (U+FE0E text, U+FE0F emoji) right after one ("\u2600\ufe0f", a sun as an emoji),
#: with a joiner after it ("🏳\ufe0f\u200d🌈"). ``data.importer`` keeps them as written in free text only (a name,
#: a municipality, a target group), and there also a zero-width non-joiner (U+200C) between two letters (Persian,
#: some Indic scripts; ``data.importer.values._between_letters``); in an id, a key, a code, a date or a number they
#: are refused like the others.
JOINING_RE = f"(?<={_VISIBLE_RE})(?:[\\ufe0e\\ufe0f](?:\\u200d(?={_VISIBLE_RE}))?|\\u200d(?={_VISIBLE_RE}))"


def bare_title(title: str) -> str:
    """A header cell without the spaces and invisible characters around it (a BOM, a zero-width space)."""
    bare, before = title.strip(), None
    while bare != before:
        before, bare = bare, bare.strip(INVISIBLE).strip()
    return bare


def loose_name(title: str) -> str:
    """A header cell as a column name, with spaces, hyphens and dots read as underscores ("Facility ID") and
    invisible characters dropped."""
    return re.sub(r"[\s.\-]+", "_", re.sub(INVISIBLE_RE, "", bare_title(title).lower()))


def composed(text: str) -> str:
    """``text`` in Unicode's composed form (NFC). The same letter can be one character or a letter and a combining
    mark ("å" or "a" + ring: macOS and some exports write the second); they look alike but compare unequal, so an id
    written one way in visits.csv and the other in facilities.csv was an "unknown facility_id" that showed the same
    value. Every file, sheet and pushed record is read composed."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV export would hold (calamine gives ``""`` for an empty cell)."""
    if isinstance(value, str):
        return composed(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()  # "13:45:00", as Excel shows a time
    if isinstance(value, dt.timedelta):  # a duration ("[t]:mm:ss"): "30:05:00", as Excel shows it
        seconds = round(value.total_seconds())
        sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(value, float):
        # the 15 significant digits Excel shows and exports, not the 17 it stores: =0.1*30 is 3, not 3.0000000000000004
        value = float(f"{value:.15g}")
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
