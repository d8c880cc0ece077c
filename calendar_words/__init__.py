"""Indonesian calendar words, defined once: month and weekday names as the assistant writes them,
and the words citizens type for a month ("agustus", "agt"), a weekday ("jum'at", "ahad") or a day
relative to today ("besok", "lusa").

Standard library only, so that every process can import it without the others' dependencies: the
NLU (nlu/date_expressions.py, in the Rasa server) finds date expressions with these words, the
action server (actions/calendar_dates.py) turns them into dates, and regions/ (NIK problems,
weekday names for the gateway) writes the names.
"""

from __future__ import annotations

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")  # Monday first, as date.weekday()

# What citizens type for a month besides its name; a word that starts with one of these names
# that month ("agust", "sept").
MONTH_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "mei": 5, "jun": 6, "jul": 7, "agu": 8, "agt": 8,
                       "ags": 8, "sep": 9, "sept": 9, "okt": 10, "nov": 11, "des": 12}
# month word (lowercase) -> month number (1-12)
MONTH_WORDS = {**{name.lower(): number for number, name in enumerate(MONTHS, start=1)}, **MONTH_ABBREVIATIONS}
# weekday word (lowercase) -> date.weekday() (Monday = 0)
WEEKDAY_WORDS = {**{name.lower(): number for number, name in enumerate(WEEKDAYS)}, "jum'at": 4, "ahad": 6}
# a day relative to today -> days after today
RELATIVE_DAYS = {"hari ini": 0, "besok": 1, "bsk": 1, "besuk": 1, "sesuk": 1, "tomorrow": 1, "lusa": 2}
# relative expressions that are found as dates but name no single day (the citizen is asked again)
RELATIVE_NO_DAY = ("minggu depan", "pekan depan", "bulan depan", "nanti siang", "nanti sore")
# the word before a day of the month ("tgl 5", "tgl. 5", "tanggal 5"), as a regular expression
DAY_OF_MONTH = r"(?:tgl\.?|tanggal)"


def month_number(word: str) -> int | None:
    """The month a lowercase word names ("agustus", "agust", "agt" -> 8), or None."""
    return next((number for prefix, number in MONTH_ABBREVIATIONS.items() if word.startswith(prefix)), None)
