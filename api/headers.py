"""HTTP header values built from user data (facility and inspector ids may hold æøå, spaces, quotes)."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def content_disposition(disposition: str, filename: str) -> str:
    """``attachment``/``inline`` with an ASCII ``filename`` and the exact name as ``filename*`` (RFC 6266).

    A header is Latin-1 on the wire: a name with characters outside it (``–``, ``ő``) could not be sent
    at all, and a quote would end the quoted name early. Browsers use ``filename*`` when they can.
    """
    folded = unicodedata.normalize("NFKD", filename.translate(_DANISH)).encode("ascii", "ignore").decode()
    fallback = _UNSAFE.sub("_", folded).strip("_") or "fil"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
