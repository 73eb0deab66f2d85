"""Hints for common mistakes, appended to a violation's message: a date or month written in another order, with a
time or as an Excel serial number, a Danish spelling of a code (``påbud`` for ``paabud``), an indicator code
written another way (``4a``), and an id Excel turned into a number (``42`` for ``0042``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
import zoneinfo

from data.authorities import suggest_code
from data.glossary import special_space_da
from data.importer.formats import _DATE_FORMAT
from data.quality_model import ALL_INDICATOR_CODES, THEMES

_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _did_you_mean(value: str, allowed: tuple[str, ...]) -> str:
    """``"skriv 'paabud'; "`` when ``value`` is a Danish spelling of one allowed code (the contract takes codes)."""
    code = suggest_code(value, allowed) or _theme_by_number(value, allowed)
    return f"skriv '{code}'; " if code is not None else ""


def _theme_by_number(value: str, allowed: tuple[str, ...]) -> str | None:
    """The theme code a theme written by its number in the quality model stands for ("Tema 4", "Tema 4: Sundhed og
    trivsel", as Tilbudsportalen and the reports number them), when ``allowed`` are the theme codes; else None."""
    m = re.fullmatch(r"tema\s*([1-9])(?:\s*[:.\-–]\s*.*)?", value.strip().casefold())
    if m is None or int(m.group(1)) > len(THEMES):
        return None
    code = THEMES[int(m.group(1)) - 1].theme.value
    return code if code in allowed else None


def _date_hint(text: str) -> str:
    """What a date in a common wrong spelling should have been written as ("" when none fits)."""
    m = re.fullmatch(r"([0-9]{1,2})[-./]([0-9]{1,2})[-./]([0-9]{4})", text)
    if m is not None:
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if "/" in text:  # dd/mm/åååå or an American system's mm/dd/åååå: the numbers tell, or both are named
            return _slashed_date_hint(day, month, year)
        return f"; skriv {year:04d}-{month:02d}-{day:02d} (år-måned-dag)" if month <= 12 and day <= 31 else ""
    # Danish Excel's short date, "24.11.26": a two-digit year, read as Excel reads one (00-29 are 2000-2029)
    m = re.fullmatch(r"([0-9]{1,2})[-./]([0-9]{1,2})[-./]([0-9]{2})", text)
    if m is not None:
        day, month, short = int(m.group(1)), int(m.group(2)), int(m.group(3))
        year = short + (2000 if short < 30 else 1900)
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"; skriv {year:04d}-{month:02d}-{day:02d} (år-måned-dag, året med fire cifre)"
        return ""
    # year first: Excel's "yyyy-m-d", slashes, or no separators at all ("20240312")
    m = re.fullmatch(r"([0-9]{4})(?:[-./]([0-9]{1,2})[-./]([0-9]{1,2})|([0-9]{2})([0-9]{2}))", text)
    if m is not None:
        year, month, day = int(m.group(1)), int(m.group(2) or m.group(4)), int(m.group(3) or m.group(5))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"; skriv {year:04d}-{month:02d}-{day:02d} (år-måned-dag)"
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]*)?)?", text):
        return f"; skriv datoen uden klokkeslæt ({text[:10]})"
    if (zoned := _zoned_date(text)) is not None:
        return f"; skriv datoen uden klokkeslæt ({zoned})"
    if (spelt := _date_in_words(text)) is not None:
        return spelt
    m = re.fullmatch(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:Z|[+-][0-9]{2}:[0-9]{2})", text)
    if m is not None:  # an XML export's date with its time zone (xs:date)
        return f"; skriv datoen uden tidszone ({m.group(1)})"
    m = _WITH_TIME.fullmatch(text) or _SAS_DATETIME.fullmatch(text)
    if m is not None and (date := _date_hint(m.group(1))):
        # another order with a time: Danish Excel's "12-03-2024 13:45", American Excel's "3/12/2024 1:00 PM", an Oracle
        # export's "12-MAR-24 00.00.00.000000"
        return f"{date}, uden klokkeslæt"
    m = re.fullmatch(r"([0-9]{5})(?:[.,]0+)?", text)
    if m is not None:
        serial = _EXCEL_EPOCH + dt.timedelta(days=int(m.group(1)))
        return (
            f"; tallet ligner et Excel-datonummer (svarer til {serial.isoformat()}): formatér kolonnen som dato "
            "i Excel, før filen gemmes"
        )
    return ""


#: A value with a time after it (``"12-03-2024 13:45"``, ``"3/12/2024 1:00 PM"``, ``"12-MAR-24 00.00.00.000000"``):
#: the part before the time.
_WITH_TIME = re.compile(r"(.+?)[ T]+[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2}(?:[.,][0-9]+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?")

#: SAS's DATETIME format, "12MAR2024:00:00:00" (a colon between the date and the time): the date.
_SAS_DATETIME = re.compile(
    r"([0-9]{1,2}[A-Za-z]{3}[0-9]{2}(?:[0-9]{2})?):[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]*)?)?"
)

_MONTHS_DA = (
    "januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november",
    "december",
)  # fmt: skip
_MONTHS_EN = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december",
)  # fmt: skip
#: A month's number by its name in Danish or English, whole or shortened as Excel's "mmm" shows it ("mar", "okt",
#: "sept"), in lower case.
_MONTH_NUMBER: dict[str, int] = {
    form: number
    for names in (_MONTHS_DA, _MONTHS_EN)
    for number, name in enumerate(names, start=1)
    for form in (name, name[:3], name[:4])
}
_WORDS_DAY_MONTH_YEAR = re.compile(
    r"(?:[a-zæøå]+dag\s*,?\s*)?([0-9]{1,2})\.?[\s\-/]*([a-zæøå]+)\.?[\s\-/,]*([0-9]{4}|[0-9]{2})"
)
#: The month first, as an English system writes a date: "March 12, 2024", SQL Server's "Mar 12 2024".
_WORDS_MONTH_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+([0-9]{1,2})(?:st|nd|rd|th)?,?\s+([0-9]{4})")
_WORDS_MONTH_YEAR = re.compile(r"([a-zæøå]+)\.?[\s\-/,]*([0-9]{4}|[0-9]{2})")


def _full_year(digits: str) -> int:
    """A year of four digits, or of two read as Excel reads one (00-29 are 2000-2029)."""
    short = int(digits)
    return short if len(digits) == 4 else short + (2000 if short < 30 else 1900)


def _date_in_words(text: str) -> str | None:
    """The hint for a date with its month in words, as Danish Excel's long date shows it ("12. marts 2024", "tirsdag
    12. marts 2024", "12-mar-24", an English "12 October 2024", or "March 12, 2024" and SQL Server's "Mar 12 2024" with
    the month first); None when it is none."""
    lower = text.strip().lower()
    m = _WORDS_DAY_MONTH_YEAR.fullmatch(lower)
    if m is None and (first := _WORDS_MONTH_DAY_YEAR.fullmatch(lower)) is not None:
        m = re.fullmatch(r"(.*) (.*) (.*)", f"{first.group(2)} {first.group(1)} {first.group(3)}")
    if m is None or (month := _MONTH_NUMBER.get(m.group(2))) is None:
        return None
    day, year = int(m.group(1)), _full_year(m.group(3))
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    four = "" if len(m.group(3)) == 4 else ", året med fire cifre"
    return f"; skriv {year:04d}-{month:02d}-{day:02d} (år-måned-dag{four})"


def _slashed_date_hint(first: int, second: int, year: int) -> str:
    """The hint for a date written with slashes: day first as in Denmark (``15/03/2024``), month first as an American
    system writes it (``03/15/2024``, whose second number is no month), or, when both readings are dates
    (``03/01/2024``), the Danish one with the other named: guessing either would store a wrong date."""

    def real(day: int, month: int) -> bool:
        return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]

    danish, american = real(first, second), real(second, first)
    if danish and american and first != second:
        return (
            f"; skriv {year:04d}-{second:02d}-{first:02d} (år-måned-dag), hvis det er {first}. "
            f"{_MONTHS_DA[second - 1]}; står datoen som måned/dag/år, som et amerikansk system skriver den, er det "
            f"{year:04d}-{first:02d}-{second:02d}"
        )
    if danish:
        return f"; skriv {year:04d}-{second:02d}-{first:02d} (år-måned-dag)"
    if american:
        return f"; skriv {year:04d}-{first:02d}-{second:02d} (år-måned-dag; datoen står som måned/dag/år)"
    return ""


def _zoned_date(text: str) -> str | None:
    """The Danish date of a date and time with a time zone ("2024-03-12T10:00:00+01:00", "…T23:30:00Z"), as a case
    system's API writes one; None for any other text. A time in UTC late in the evening is the next day in Denmark,
    which the hint says."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:.]+(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)", text):
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
        danish = moment.astimezone(zoneinfo.ZoneInfo("Europe/Copenhagen"))
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return None
    if danish.date() == moment.date():
        return moment.date().isoformat()
    offset = moment.utcoffset()
    written = re.search(r"[+-][0-9:]+$", text)  # "+01:00", "+0100", "+01" (PostgreSQL)
    zone = "UTC" if offset == dt.timedelta(0) or written is None else f"UTC{written.group(0)}"
    return f"{danish.date().isoformat()}, for kl. {moment:%H:%M} {zone} er kl. {danish:%H:%M} i Danmark"


def _no_such_date(text: str) -> str:
    """Why a date of the form ÅÅÅÅ-MM-DD is not in the calendar: "; den dato findes ikke i kalenderen: februar 2025 har
    28 dage (2025 er ikke et skudår)", so a typing error is seen without a calendar."""
    said = "; den dato findes ikke i kalenderen"
    year, month, day = (int(part) for part in text.split("-"))
    if month > 12:
        return f"{said}: der er 12 måneder (står måned og dag byttet om?)"
    if month < 1 or day < 1:
        return said
    days = calendar.monthrange(year, month)[1]
    leap = f" ({year} er ikke et skudår)" if month == 2 and day == 29 and not calendar.isleap(year) else ""
    return f"{said}: {_MONTHS_DA[month - 1]} {year} har {days} dage{leap}"


def _month_hint(text: str) -> str:
    """What a month in a common wrong spelling should have been written as ("" when none fits)."""
    m = re.fullmatch(r"([0-9]{1,2})[-./]([0-9]{4})|([0-9]{4})(?:[-./]|[mM])([0-9]{1,2})", text)
    if m is not None:
        year, month = (int(m.group(2)), int(m.group(1))) if m.group(1) else (int(m.group(3)), int(m.group(4)))
        return f"; skriv {year:04d}-{month:02d} (år-måned)" if 1 <= month <= 12 else ""
    if re.fullmatch(_DATE_FORMAT, text):
        return f"; skriv {text[:7]} (måneden uden dag)"
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]*)?)?", text):
        return f"; skriv {text[:7]} (måneden uden dag og klokkeslæt)"  # a database's date and time, "… 00:00:00"
    if (zoned := _zoned_date(text)) is not None:
        # the Danish month: "2026-05-31T22:00:00Z" is 1 June in Denmark
        date, _, why = zoned.partition(", ")
        return f"; skriv {date[:7]} (måneden uden dag og klokkeslæt{', ' + why if why else ''})"
    m = _WORDS_MONTH_YEAR.fullmatch(text.strip().lower())  # "juni 2026", Danish Excel's "jun-26"
    if m is not None and (number := _MONTH_NUMBER.get(m.group(1))) is not None:
        return f"; skriv {_full_year(m.group(2)):04d}-{number:02d} (år-måned)"
    serial = _date_hint(text)
    return serial if "Excel-datonummer" in serial else ""


def _month_not_date_hint(text: str) -> str:
    """The hint for a month or a year alone in a date column ("2026-01", "januar 2026", "2026"), as a report or a
    pivot table keeps a date: that the day is missing ("" for anything else)."""
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}", text) and 1 <= int(text[5:]) <= 12:
        month = ""
    elif (written := re.fullmatch(r"; skriv ([0-9]{4}-[0-9]{2}) \(år-måned\)", _month_hint(text))) is not None:
        month = f" ({written.group(1)})"
    elif re.fullmatch(r"(19|20|21)[0-9]{2}", text):
        return f"; {text} er et år, ikke en dato: skriv hele datoen med dagen, som den står i fagsystemet"
    else:
        return ""
    return f"; {text} er en måned{month}, ikke en dato: skriv hele datoen med dagen, som den står i fagsystemet"


def _id_number(text: str) -> str | None:
    """The number an id of digits stands for, as Excel may write it ("0042", "42" and "42.0" are "42"); None for an
    id with anything but digits."""
    match = re.fullmatch(r"([0-9]+)(?:\.0+)?", text)
    return None if match is None else match.group(1).lstrip("0") or "0"


def _indicator_hint(text: str) -> str:
    """``"skriv '4.a'; "`` for an indicator code written another way ("4a", "4. a", "Indikator 4.a"), else ""."""
    m = re.fullmatch(r"(?:indikator\s*)?0*([0-9]{1,2})\s*[.,]?\s*([a-z])\.?", text.strip().lower())
    code = None if m is None else f"{m.group(1)}.{m.group(2)}"
    return f"skriv '{code}'; " if code in ALL_INDICATOR_CODES else ""


_FACILITY_ID = ("tilbud_id", "tilbuds_id", "tilbudsid", "tilbudsnummer", "tilbudsnr", "tilbud_nr")
_VISIT_ID = ("besøg_id", "besøgs_id", "besøgsid", "besøgsnummer", "besøgsnr", "tilsynsbesøg_id", "tilsyn_id")
_INSPECTOR_ID = ("konsulent_id", "tilsynskonsulent_id", "medarbejder_id")
#: Danish headers a case system's or a spreadsheet's export gives a contract column, per file (as ``loose_name`` reads
#: them: lower case, spaces as underscores). Only names that cannot mean another of the file's columns, nor, for an
#: optional column (whose Danish name is refused like a near miss, as ignoring it would drop its values), another
#: thing a tilsyn may keep beside the contract's columns ("lukket" may be a yes/no, "bestyrelse" its members).
_DANISH_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "facilities": {
        "facility_id": _FACILITY_ID,
        "name": ("navn", "tilbudsnavn", "tilbuddets_navn"),
        "authority": ("socialtilsyn",),
        "municipality": ("kommune", "beliggenhedskommune"),
        "postcode": ("postnummer", "postnr"),
        "lat": ("breddegrad",),
        "lon": ("længdegrad",),
        "facility_type": ("tilbudstype", "paragraf"),
        "ownership": ("ejerform",),
        "places": ("pladser", "antal_pladser", "pladsantal"),
        "target_group": ("målgruppe",),
        "approved_on": ("godkendt", "godkendt_dato", "godkendelsesdato", "godkendt_den"),
        "closed_on": ("lukket_dato", "lukkedato", "lukket_den", "ophørsdato"),
        "has_board": ("har_bestyrelse",),
        "respite_only": ("kun_aflastning",),
        "leader_since": ("leder_siden",),
    },
    "visits": {
        "visit_id": _VISIT_ID,
        "facility_id": _FACILITY_ID,
        "date": ("dato", "besøgsdato", "tilsynsdato"),
        "announced": ("anmeldt",),
        "kind": ("besøgstype", "tilsynstype"),
        "inspector_ids": ("tilsynskonsulenter", "konsulenter"),
    },
    "indicator_scores": {"visit_id": _VISIT_ID, "indicator": ("indikator",), "score": ("point", "bedømmelse")},
    "theme_scores": {"visit_id": _VISIT_ID, "theme": ("tema",), "score": ("point", "bedømmelse")},
    "use_of_force": {"facility_id": _FACILITY_ID, "month": ("måned",), "count": ("antal",)},
    "staff_figures": {
        "facility_id": _FACILITY_ID,
        "year": ("år",),
        "staff_turnover_pct": ("personalegennemstrømning", "personaleomsætning"),
        "sickness_absence_pct": ("sygefravær",),
    },
    "concerns": {"facility_id": _FACILITY_ID, "date": ("dato",), "severity": ("alvor", "alvorlighed", "grad")},
    "sanctions": {"facility_id": _FACILITY_ID, "date": ("dato",), "kind": ("sanktion", "sanktionstype", "type")},
    "inspectors": {
        "inspector_id": _INSPECTOR_ID,
        "name": ("navn",),
        "authority": ("socialtilsyn",),
        "competences": ("kompetencer",),
        "visits_per_week": ("besøg_pr_uge", "besøg_om_ugen"),
        "postcode": ("postnummer", "postnr"),
    },
    "absences": {
        "inspector_id": _INSPECTOR_ID,
        "start": ("fra", "startdato", "fra_dato"),
        "end": ("til", "slut", "slutdato", "til_dato"),
    },
    "locked_visits": {
        "facility_id": _FACILITY_ID,
        "date": ("dato", "besøgsdato"),
        "inspector_id": _INSPECTOR_ID,
        "announced": ("anmeldt",),
    },
}


def _ascii_danish(name: str) -> str:
    """``name`` with æ, ø and å written as ae, oe and aa, as systems without the letters write them."""
    return name.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")


_DANISH_COLUMN_OF: dict[str, dict[str, str]] = {
    file: {spelling: column for column, names in columns.items() for n in names for spelling in (n, _ascii_danish(n))}
    for file, columns in _DANISH_COLUMNS.items()
}


def _danish_column(file: str, name: str) -> str | None:
    """The contract column of ``file`` a Danish header (as ``loose_name`` reads it: "Besøg ID" is "besøg_id") stands
    for, or None."""
    return _DANISH_COLUMN_OF.get(file, {}).get(name)


#: Unicode's spaces other than the plain one: a no-break space (U+00A0; Word, Outlook and web pages put it in copied
#: text), a narrow no-break space (U+202F) and a figure space (U+2007; the thousands separator of Norwegian, Swedish and
#: French number formats), thin and wide spaces. Around a value they are stripped like a space; inside an id or a key
#: they are refused (:func:`~data.importer.values._special_spaces`).
SPECIAL_SPACE_RE = "[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"


def special_space_hint(value: str) -> str:
    """What is wrong with an id holding a space that is not the plain one, and what to write: "indeholder et hårdt
    mellemrum (U+00A0) efter 'T'; …". An id of digits grouped by threes is named as a number a Norwegian, Swedish or
    French number format showed, to be written without the spaces."""
    first = re.search(SPECIAL_SPACE_RE, value)
    assert first is not None
    spaces = list(dict.fromkeys(re.findall(SPECIAL_SPACE_RE, value)))
    if re.fullmatch(f"[0-9]{{1,3}}(?:{SPECIAL_SPACE_RE}[0-9]{{3}})+", value):
        fix = (
            "id'et ligner et tal skrevet med mellemrum mellem tusinderne, som Excel viser tal med norsk, svensk eller "
            f"fransk talformat: skriv {re.sub(SPECIAL_SPACE_RE, '', value)}"
        )
    else:
        fix = (
            "et id skal skrives ens i alle filer og i fagsystemet, og mellemrummet ser ud som et almindeligt, men er "
            "et andet tegn (det kommer med, når tekst kopieres fra Word, Outlook eller en webside): skriv "
            f"'{re.sub(SPECIAL_SPACE_RE, ' ', value)}' med et almindeligt mellemrum, eller uden, hvis id'et ikke har et"
        )
    return (
        f"indeholder {' og '.join(special_space_da(c) for c in spaces)} efter '{value[: first.start()][-20:]}'; {fix}"
    )


#: Characters that look like another one in an id, with the Danish name a message gives them: a word processor's
#: dashes, a minus sign, a no-break space (NFKC makes the fullwidth letters and digits, and the special spaces, plain).
_LOOK_ALIKE_NAMES = {
    "-": "en bindestreg (-)",
    " ": "et mellemrum",
    "\u00a0": "et hårdt mellemrum (U+00A0)",
    "\u202f": "et smalt hårdt mellemrum (U+202F)",
    "\u2010": "en orddelingsstreg (U+2010)",
    "\u2011": "en hård bindestreg (U+2011)",
    "\u2012": "en tankestreg (U+2012)",
    "\u2013": "en tankestreg (U+2013)",
    "\u2014": "en lang tankestreg (U+2014)",
    "\u2015": "en vandret streg (U+2015)",
    "\u2212": "et minustegn (U+2212)",
}
_DASHES_RE = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")


def _look_alike_key(text: str) -> str:
    """An id as it looks: compatibility characters made plain (NFKC: a no-break space is a space, a fullwidth digit a
    digit), every dash a hyphen, upper/lower case ignored. Two ids with one key look the same on the screen."""
    return _DASHES_RE.sub("-", unicodedata.normalize("NFKC", text)).casefold()


def _spaceless_key(text: str) -> str:
    """An id without its spaces (also no-break ones), upper/lower case ignored: "F 1" and "F\u00a01" are "f1"."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _space_hint(value: str, twin: str) -> str:
    """ "; den findes som 'F1' uden mellemrum (her står et hårdt mellemrum (U+00A0))" for an id with a space inside
    that names the known id ``twin`` without it."""
    space = next(c for c in value if c.isspace())
    return f"; den findes som '{twin}' uden mellemrum (her står {_LOOK_ALIKE_NAMES.get(space, repr(space))})"


def _look_alike_hint(value: str, twin: str) -> str:
    """What tells ``value`` from the known id ``twin`` it looks like: the first character that differs, named."""
    for mine, theirs in zip(value, twin, strict=False):
        if mine != theirs:
            break
    else:
        return "et af tegnene er et andet, end det ser ud til"  # one is longer: a ligature, a width variant

    def named(c: str) -> str:
        return _LOOK_ALIKE_NAMES.get(c, f"tegnet '{c}'" + (f" (U+{ord(c):04X})" if not c.isascii() else ""))

    return f"her står {named(mine)}, hvor id'et har {named(theirs)}"
