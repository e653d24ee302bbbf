"""Dates and clock times as pages print them: entry dates, event dates in titles, datelines, stamps."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name.lower(): number
    for number, names in enumerate(
        [("January", "Jan"), ("February", "Feb"), ("March", "Mar"), ("April", "Apr"), ("May", "May"),
         ("June", "Jun"), ("July", "Jul"), ("August", "Aug"), ("September", "Sep", "Sept"),
         ("October", "Oct"), ("November", "Nov"), ("December", "Dec")],
        start=1,
    )
    for name in names
}
_MONTHS_ALTERNATION = "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True))
MONTH_NAME = f"(?:{_MONTHS_ALTERNATION})"
_MONTH = rf"(?P<month>{_MONTHS_ALTERNATION})\.?"

# "February 18, 2017", "February 16. 2017", "18 February 2017", "15 Jan, 2018"
_MONTH_DAY_YEAR = re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:[,.]\s*|\s+)(?P<year>(?:19|20)\d\d)\b")
_DAY_MONTH_YEAR = re.compile(r"\b(?P<day>\d{1,2})\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)\b")

# "20.02.2017 - Title"
ENTRY_HEADER = re.compile(r"^(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>(?:19|20)\d\d)\s*[-–—]\s*")

# "MOSCOW, January 17. /TASS/. " or "WASHINGTON, March 3, 2017 (Reuters) - "
DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'-]{2,40}),\s+" + _MONTH + r"\s+(?P<day>\d{1,2})(?:,\s*(?P<year>(?:19|20)\d\d))?"
    r"\s*[.,]?\s*(?:/\s*(?P<agency>[A-Za-z-]+)\s*/|\((?P<agency2>[A-Za-z-]+)\))?\s*[.\-–—]*\s*"
)

# "MOSCOW, 12 APR – RIA Novosti." and "MOSCOW—U.S. Secretary ...": a place in capitals, a dash.
DASH_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z'-]{2,}(?:\s[A-Z][A-Z'-]+){0,2})(?:,\s+(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]{3,9})\.?)?"
    r"\s*[–—-]{1,2}\s*(?:(?P<agency>[A-Z][\w-]*(?:\s[A-Z][\w-]*){0,2})\.\s+)?"
)

# A live-blog entry stamp: "• 10:19", "10:19", "10:19 GMT"
# "10.45am GMT", "7:35 p.m. ET", and a stamp with the entry's author: "19:22 , Joe Middleton".
TIME_STAMP = re.compile(
    r"^[•·*\-–]?\s*(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)\s*(?P<half>[ap]\.?m\.?)?(?:\s*(?:GMT|UTC|MSK|BST|CET|EST|EDT|ET))?"
    r"(?:\s*[,|–—-]\s*[A-Z][\w.'’-]+(?:\s[A-Z][\w.'’-]+){0,2})?$",
    re.I,
)

# When a page was saved, e.g. "00:47 GMT25 November 2020": never the date of what it reports.
SAVE_STAMP = re.compile(r"^\d{1,2}:\d{2}\s*(?:GMT|UTC)\s*\d{1,2}\s+[A-Z][a-z]+\s+\d{4}$")

# A line that is only a date, perhaps with a clock time and an "Updated ..." note.
# "14 May 201713:21" (a page printing the time right after the year), "5-12-2014, 16:44".
DATE_LINE = re.compile(
    r"^(?:\d{1,2}\s+[A-Z][a-z]+\.?,?\s+\d{4}|[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}[-./]\d{1,2}[-./]\d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:,?\s*\d{1,2}:\d{2}(?:\s*(?:GMT|UTC|MSK))?)?(?:\s*/\s*Updated[^.]*)?$"
)


def _make_date(year: int | str, month: int | str, day: int | str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _month_number(name: str) -> int:
    return MONTHS[name.rstrip(".").lower()]


def find_dates(text: str) -> list[tuple[int, dt.date]]:
    """Every full date written out in ``text`` (month names), with its position, in order."""
    found = []
    for pattern in (_MONTH_DAY_YEAR, _DAY_MONTH_YEAR):
        for m in pattern.finditer(text):
            date = _make_date(m["year"], _month_number(m["month"]), m["day"])
            if date is not None:
                found.append((m.start(), date))
    return sorted(found)


def last_date(text: str) -> dt.date | None:
    """The last full date in ``text``: in a title it is the event's date ("..., Munich, February 18, 2017")."""
    dates = find_dates(text)
    return dates[-1][1] if dates else None


def entry_header(line: str) -> tuple[dt.date | None, int] | None:
    """For a digest line "dd.mm.yyyy - Title": the date and where the title starts; else None."""
    m = ENTRY_HEADER.match(line)
    if not m or not line[m.end():].strip():
        return None
    return _make_date(m["year"], m["month"], m["day"]), m.end()


def dateline(paragraph: str, year: int | None) -> tuple[dt.date | None, int] | None:
    """For a paragraph opening with a news dateline: its date (``year`` fills a missing year) and its end."""
    m = DATELINE.match(paragraph)
    if not m or not (m["agency"] or m["agency2"] or m["year"]):
        return _dash_dateline(paragraph, year)
    year_used = m["year"] or year
    date = _make_date(year_used, _month_number(m["month"]), m["day"]) if year_used else None
    return date, m.end()


def _dash_dateline(paragraph: str, year: int | None) -> tuple[dt.date | None, int] | None:
    m = DASH_DATELINE.match(paragraph)
    if not m or not paragraph[m.end():m.end() + 1].strip():
        return None
    attached = paragraph[m.end("place"):m.end("place") + 1] in "–—"  # "MOSCOW—": no space before the dash
    if not (m["day"] or m["agency"] or attached):
        return None  # "NATO - the alliance said" is a sentence, not a dateline
    month = MONTHS.get(m["month"].lower().rstrip(".")) if m["month"] else None
    if m["month"] and month is None:
        return None
    date = _make_date(year, month, m["day"]) if (month and year) else None
    return date, m.end()


def time_stamp(line: str) -> str | None:
    """``HH:MM`` for a live-blog stamp line, else None."""
    m = TIME_STAMP.match(line.strip())
    if not m:
        return None
    hour = int(m["hour"])
    if m["half"] and m["half"][0].lower() == "p" and hour < 12:
        hour += 12
    elif m["half"] and m["half"][0].lower() == "a" and hour == 12:
        hour = 0
    return f"{hour:02d}:{m['minute']}"


def date_line(line: str) -> dt.date | None | bool:
    """The date of a date-only line ("15 January 2018", "15 Jan, 2018 07:08 / Updated ..."); False if not one."""
    line = line.strip()
    if not DATE_LINE.match(line):
        return False
    found = _dates_in_line(re.sub(r"(\d{4})(\d{1,2}:\d{2})", r"\1 \2", line))
    return found[0] if found else None


# "2017-04-12" (ISO) and "12.04.2017" (day first, as Russian and European pages print it).
_ISO_DATE = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)[-_.]?(?P<month>0[1-9]|1[0-2])[-_.]?(?P<day>0[1-9]|[12]\d|3[01])(?!\d)")
_DOTTED_DATE = re.compile(r"(?<!\d)(?P<day>\d{1,2})([.-])(?P<month>\d{1,2})\2(?P<year>(?:19|20)\d\d)(?!\d)")
_ARCHIVE_MENU = re.compile(rf"^{MONTH_NAME}\s+\d{{4}}\s*\(\d+\)$")
_YEAR = re.compile(r"(?<!\d)(19[4-9]\d|20\d\d)(?!\d)")
_HEAD_CHARS = 6000  # a page prints its date near the top


def document_date(name: str, text: str) -> dt.date | None:
    """The date a page prints for itself, for a document without a manifest entry.

    The file name first ("2017-04-12-lavrov.txt", "lavrov_20170412.html"), else the first full date
    near the top of the text ("Aired April 12, 2017", "14 October 2014", "2017-04-12", "12.04.2017"),
    passing over archive menus ("July 2020 (3)"), a page's save stamp and lines of five or more dates (calendars, menus);
    when the file name holds a year, only a date of that year.
    """
    for m in _ISO_DATE.finditer(name):
        date = _make_date(m["year"], m["month"], m["day"])
        if date is not None:
            return date
    name_years = {int(y) for y in _YEAR.findall(name)}
    for line in text[:_HEAD_CHARS].splitlines():
        stripped = line.strip()
        if stripped and not _ARCHIVE_MENU.match(stripped) and not SAVE_STAMP.match(stripped):
            found = _dates_in_line(stripped)
            if len(found) >= 5:
                continue
            # A year in the file name ("RUS_69_2014.txt") outranks a date of another year in the text.
            found = [d for d in found if not name_years or d.year in name_years]
            if found:
                return found[0]
    return None


def _dates_in_line(line: str) -> list[dt.date]:
    found = find_dates(line)
    for pattern in (_ISO_DATE, _DOTTED_DATE):
        for m in pattern.finditer(line):
            date = _make_date(m["year"], m["month"], m["day"])
            if date is not None:
                found.append((m.start(), date))
    return [date for _, date in sorted(found)]



def document_year(name: str, text: str) -> int | None:
    """The year of a document without a manifest entry: its date's, else the last year in the file
    name, else the first year near the top of the text outside archive menus; None when none is printed."""
    date = document_date(name, text)
    if date is not None:
        return date.year
    in_name = _YEAR.findall(name)
    if in_name:
        return int(in_name[-1])
    for line in text[:_HEAD_CHARS].splitlines():
        if _ARCHIVE_MENU.match(line.strip()) or SAVE_STAMP.match(line.strip()):
            continue
        m = _YEAR.search(line)
        if m:
            return int(m.group(1))
    return None
