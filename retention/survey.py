"""Survey answers: read a form tool's or loyalty app's export, find its columns,
and turn it into one table of responses.

A survey file goes through the same reader as a sales log
(:func:`retention.sales_log.read_raw`: .xlsx, .xls, .ods, .csv, text encodings,
title rows above the header), so every cell arrives as text, exactly as written.

Columns (:class:`SurveyColumns`): the 0-10 score is required and detected by
:func:`retention.nps.detect_score_column`; the owner confirms or changes it. The
date, the customer (an id or an email, to link answers to the sales log), the
location (shop, branch) and the comment are optional and detected by their
header and their cells.

:func:`survey_responses` gives the **responses** table, one row per data row of
the file. Columns:

- ``row``: the row number as seen in the spreadsheet (the header is row 1);
- ``score``: the whole-number answer 0-10, NA for a blank or an invalid cell;
- ``status``: ``answer``, ``blank`` or ``invalid``;
- ``reason``: why a cell is invalid (empty otherwise);
- ``group``: ``promoter``, ``passive``, ``detractor``, or NA;
- ``date``: the response's date and time (NaT when absent or unreadable);
- ``customer_id``: normalised as in the sales log (trimmed, ``421.0`` -> ``421``,
  emails without case and spaces), NA when blank;
- ``location`` and ``comment``: text, ``""`` when blank.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from retention.cleaning import normalise_ids, parse_timestamps
from retention.i18n import t, t_count
from retention.nps import (
    NOT_A_NUMBER,
    NPSResult,
    classify_scores,
    detect_score_column,
    group_of,
    net_promoter_score,
    reason_text,
)
from retention.sales_log import read_raw

__all__ = [
    "SurveyColumns",
    "SurveyFile",
    "Responses",
    "detect_survey_columns",
    "read_survey",
    "survey_responses",
]

OPTIONAL_ROLES = ("date", "customer", "location", "comment")
# Words that point at each optional column, in a few languages. A header matches
# when one of its words starts with one of these (``Timestamp`` for "time",
# ``Kundennummer`` for "kunde"), or contains a phrase of several words.
HEADER_WORDS = {
    "date": ("date", "time", "submitted", "created", "dátum", "datum", "idő"),
    "customer": (
        "email",
        "e mail",
        "customer",
        "client",
        "loyalty",
        "card number",
        "member id",
        "vevő",
        "ügyfél",
        "kunde",
    ),
    "location": (
        "store",
        "shop",
        "location",
        "branch",
        "outlet",
        "venue",
        "country",
        "city",
        "üzlet",
        "bolt",
        "filiale",
        "standort",
    ),
    "comment": (
        "comment",
        "feedback",
        "why",
        "reason",
        "remark",
        "suggest",
        "improve",
        "anything else",
        "tell us",
        "megjegyzés",
        "vélemény",
        "visszajelzés",
        "indoklás",
        "indok",
        "miért",
        "észrevétel",
        "kommentar",
        "bemerkung",
        "begründung",
    ),
}
# A column headed exactly one of these (give or take a word such as "your",
# "any" or "other", and a note in brackets) holds the comments, however short
# they are ("Great!", "Too slow"), unless its cells are numbers, dates or codes.
# It is chosen before a column whose header only mentions one of these words.
COMMENT_HEADERS = {
    "comment",
    "comments",
    "feedback",
    "feedbacks",
    "reason",
    "reasons",
    "why",
    "remark",
    "remarks",
    "suggestion",
    "suggestions",
    "megjegyzés",
    "megjegyzések",
    "megjegyzése",
    "vélemény",
    "vélemények",
    "véleménye",
    "visszajelzés",
    "visszajelzések",
    "indoklás",
    "indok",
    "miért",
    "észrevétel",
    "észrevételek",
    "kommentar",
    "kommentare",
    "bemerkung",
    "bemerkungen",
    "begründung",
}
# Words that may stand around a comment header without changing what it is.
COMMENT_HEADER_FILLERS = {
    "a",
    "additional",
    "any",
    "final",
    "further",
    "general",
    "optional",
    "other",
    "the",
    "your",
    "egyéb",
    "további",
    "ön",
    "az",
    "ihr",
    "ihre",
    "weitere",
    "sonstige",
}
# Header words of a column of codes (a response or comment id), never comments.
ID_HEADER_WORDS = {"id", "ids", "uuid", "guid", "azonosító", "sorszám", "nr"}
# A date column reads as dates in 90 % of its filled cells; an email column has
# "@" in half of them; a location column has at most this many places.
MIN_SHARE_OF_DATES = 0.9
MIN_SHARE_OF_EMAILS = 0.5
MAX_LOCATIONS = 50
# A comment column has text of this many characters on average, and mostly
# different texts, more than half (a rating scale in words repeats a few).
MIN_COMMENT_LENGTH = 12
MIN_SHARE_OF_DISTINCT_COMMENTS = 0.5
# Rows looked at to find the columns (the whole file is read for the figures).
SAMPLE_ROWS = 2000
_CAMEL_CASE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NOT_A_LETTER = re.compile(r"[^\w]+|_")
_IN_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


@dataclass(frozen=True)
class SurveyColumns:
    """Which column holds what; None for a column the survey does not have."""

    score: str | None
    date: str | None = None
    customer: str | None = None
    location: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class SurveyFile:
    """A survey read from a file.

    ``table`` holds the cells as text, one column per column of the file, the
    index (named ``row``) numbering rows as the spreadsheet does; ``notices`` say
    how the file was read (encoding, delimiter, header row).
    """

    name: str
    table: pd.DataFrame
    notices: tuple[str, ...] = ()
    content_hash: str = ""


@dataclass(frozen=True)
class Responses:
    """The responses table (columns in the module docstring) and what was
    noticed while reading its dates."""

    table: pd.DataFrame
    columns: SurveyColumns
    notices: tuple[str, ...] = field(default=())

    def result(self, confirmed_scale: bool = False) -> NPSResult:
        """The NPS of every response (see :func:`retention.nps.net_promoter_score`),
        invalid cells listed by their spreadsheet row."""
        scores = pd.Series(
            self.table["value"].to_numpy(), index=self.table["row"].to_numpy()
        )
        return net_promoter_score(scores, confirmed_scale=confirmed_scale)

    @property
    def answers(self) -> pd.DataFrame:
        """The rows with a valid 0-10 answer."""
        return self.table[self.table["status"] == "answer"]

    @property
    def invalid(self) -> pd.DataFrame:
        """The rows whose score is not a whole number 0-10: ``row``, ``value``,
        ``reason`` (the cell as written and why it was not counted)."""
        rows = self.table[self.table["status"] == "invalid"]
        return pd.DataFrame(
            {
                "row": rows["row"].to_numpy(),
                "value": rows["value"].to_numpy(),
                "reason": rows["reason"].to_numpy(),
            }
        )


def read_survey(source: str | Path | tuple[str, bytes]) -> SurveyFile:
    """Read a survey export, a path or ``(file name, bytes)`` as an upload gives,
    with the sales log's reader; raises ``SalesLogError`` (a ``ValueError`` with
    a message for the owner) for a file it cannot read."""
    raw = read_raw(source)
    table = raw.frame.copy()
    table.index = pd.Index(raw.origin["row_number"].to_numpy(), name="row")
    name = source[0] if isinstance(source, tuple) else Path(source).name
    return SurveyFile(name, table, tuple(raw.notices), raw.content_hash)


# Finding the columns


def _header_words(column: object) -> list[str]:
    # NFC first: an accent typed as a separate mark (as some Macs save "é")
    # would otherwise split "megjegyzés" in two.
    spaced = _CAMEL_CASE.sub(" ", unicodedata.normalize("NFC", str(column)))
    return [word for word in _NOT_A_LETTER.split(spaced.casefold()) if word]


def _is_comment_header(column: object) -> bool:
    """Whether the header is exactly a comment word (Comments, Why?, Your
    feedback, Megjegyzés (nem kötelező))."""
    words = _header_words(_IN_BRACKETS.sub(" ", str(column))) or _header_words(column)
    kept = [word for word in words if word not in COMMENT_HEADER_FILLERS]
    return " ".join(kept) in COMMENT_HEADERS


def _is_id_header(column: object) -> bool:
    return any(word in ID_HEADER_WORDS for word in _header_words(column))


def _header_has(column: object, role: str) -> bool:
    words = _header_words(column)
    phrase = f" {' '.join(words)} "
    for key in HEADER_WORDS[role]:
        if " " in key and f" {key} " in phrase:
            return True
        if " " not in key and any(word.startswith(key) for word in words):
            return True
    return False


def _filled(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text[text.notna() & (text != "")]


def _looks_like_dates(values: pd.Series) -> bool:
    filled = _filled(values)
    if filled.empty:
        return False
    parsed = parse_timestamps(filled.astype(str))
    return parsed.values.notna().mean() >= MIN_SHARE_OF_DATES


def _looks_like_emails(values: pd.Series) -> bool:
    filled = _filled(values)
    return (
        not filled.empty
        and filled.str.contains("@", regex=False).mean() >= MIN_SHARE_OF_EMAILS
    )


def _looks_like_places(values: pd.Series) -> bool:
    filled = _filled(values)
    numbers = pd.to_numeric(filled, errors="coerce").notna()
    return 2 <= filled.nunique() <= MAX_LOCATIONS and not numbers.all()


def _looks_like_codes(filled: pd.Series) -> bool:
    """Ids rather than words: no spaces, a digit in nearly every cell, and nearly
    all different (``FB-000123``, a UUID)."""
    return (
        (~filled.str.contains(r"\s", regex=True)).mean() >= MIN_SHARE_OF_DATES
        and filled.str.contains(r"\d", regex=True).mean() >= MIN_SHARE_OF_DATES
        and filled.nunique() >= MIN_SHARE_OF_DATES * len(filled)
    )


def _looks_like_text(values: pd.Series) -> bool:
    """Cells a person wrote: mostly not numbers, not dates and not codes."""
    filled = _filled(values)
    if filled.empty:
        return False
    numbers = [code != NOT_A_NUMBER for _, code in classify_scores(filled)]
    if sum(numbers) >= len(numbers) / 2:
        return False
    return not _looks_like_codes(filled) and not _looks_like_dates(filled)


def _looks_like_comments(values: pd.Series) -> bool:
    """Free text: long on average, and mostly different texts."""
    filled = _filled(values)
    return (
        _looks_like_text(values)
        and filled.str.len().mean() >= MIN_COMMENT_LENGTH
        and filled.nunique() > MIN_SHARE_OF_DISTINCT_COMMENTS * len(filled)
    )


def _detect_comment(table: pd.DataFrame, taken: set[str]) -> str | None:
    """A column headed exactly as a comment with any text, else the first column
    whose header mentions comments and whose cells read as free text; never a
    column headed as an id."""
    candidates = [
        column
        for column in table.columns
        if column not in taken and not _is_id_header(column)
    ]
    for column in candidates:
        if _is_comment_header(column) and _looks_like_text(table[column]):
            return column
    for column in candidates:
        if _header_has(column, "comment") and _looks_like_comments(table[column]):
            return column
    return None


_CELL_CHECKS = {
    "date": _looks_like_dates,
    "customer": lambda values: True,
    "location": _looks_like_places,
}


def _detect_role(table: pd.DataFrame, role: str, taken: set[str]) -> str | None:
    if role == "comment":
        return _detect_comment(table, taken)
    for column in table.columns:
        if column in taken or not _header_has(column, role):
            continue
        if _CELL_CHECKS[role](table[column]):
            return column
    if role == "customer":
        return next(
            (
                c
                for c in table.columns
                if c not in taken and _looks_like_emails(table[c])
            ),
            None,
        )
    return None


def detect_survey_columns(table: pd.DataFrame) -> SurveyColumns:
    """The survey's columns as far as they can be told from headers and cells.

    - score: :func:`retention.nps.detect_score_column`;
    - date: a header such as date, time, submitted, dátum, and 90 % of the filled
      cells read as dates by the sales log's date reader;
    - customer: a header such as email, customer, client, member, loyalty card,
      or else a column with "@" in half its filled cells;
    - location: a header such as store, shop, location, branch, country, with at
      most 50 different places that are not all numbers;
    - comment: first a column headed exactly as a comment (comment, comments,
      feedback, reason, why, megjegyzés, vélemény, indoklás, Kommentar ... as in
      ``COMMENT_HEADERS``, give or take "your", "any" or a note in brackets)
      whose cells are mostly not numbers, dates or codes, however short; else
      a header that mentions one (comment, feedback, why, suggest ...) with
      such text of 12 characters or more on average. Never a column headed as
      an id, nor the score or date column.

    A column is used for one role only, in the order score, date, customer,
    location, comment. Only the first ``SAMPLE_ROWS`` rows are looked at.
    """
    table = table.head(SAMPLE_ROWS)
    score = detect_score_column(table)
    taken = {score} if score is not None else set()
    found: dict[str, str | None] = {}
    for role in OPTIONAL_ROLES:
        found[role] = _detect_role(table, role, taken)
        if found[role] is not None:
            taken.add(found[role])
    return SurveyColumns(score=score, **found)


# The responses table


def _scores(values: pd.Series) -> pd.DataFrame:
    classified = classify_scores(values)
    scores = pd.array([score for score, _ in classified], dtype="Int64")
    codes = [code for _, code in classified]
    status = [
        "invalid" if code else "answer" if score is not None else "blank"
        for score, code in classified
    ]
    return pd.DataFrame(
        {
            "score": scores,
            "status": status,
            "reason": [reason_text(code) if code else "" for code in codes],
            "group": pd.array(
                [group_of(s) if s is not None else None for s, _ in classified],
                dtype="string",
            ),
        },
        index=values.index,
    )


def _text_column(table: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series("", index=table.index, dtype="str")
    return table[column].fillna("").astype(str).str.strip()


def _dates(
    table: pd.DataFrame, column: str | None, date_order: str
) -> tuple[pd.Series, tuple[str, ...]]:
    if column is None:
        return pd.Series(pd.NaT, index=table.index, dtype="datetime64[ns]"), ()
    parsed = parse_timestamps(
        table[column].fillna("").astype(str), date_order=date_order
    )
    notices = tuple(notice.message for notice in parsed.notices)
    unreadable = int((parsed.values.isna() & (_text_column(table, column) != "")).sum())
    if unreadable:
        notices += (
            t_count(
                unreadable,
                "{count} response date could not be read; that answer counts in the NPS but in no period.",
                "{count} response dates could not be read; those answers count in the NPS but in no period.",
            ),
        )
    return parsed.values, notices


def survey_responses(
    survey: SurveyFile | pd.DataFrame,
    columns: SurveyColumns | None = None,
    *,
    date_order: str = "auto",
) -> Responses:
    """One row per response (columns in the module docstring).

    ``columns`` defaults to :func:`detect_survey_columns`; ``date_order``
    (``auto``, ``day_first``, ``month_first``) reads dates such as 03/04/2024
    as the sales log does. Raises ``ValueError`` when there is no score column.
    """
    table = survey.table if isinstance(survey, SurveyFile) else survey
    columns = columns or detect_survey_columns(table)
    if columns.score is None or columns.score not in table.columns:
        raise ValueError(
            t(
                "No column of 0-10 answers was found. Choose the column that holds the answers to “how likely are you to recommend us?”."
            )
        )
    dates, notices = _dates(table, columns.date, date_order)
    customers = (
        normalise_ids(table[columns.customer].fillna("").astype(str))[0]
        if columns.customer
        else pd.Series(pd.NA, index=table.index, dtype="string")
    )
    responses = _scores(table[columns.score])
    responses.insert(0, "row", table.index.to_numpy())
    responses.insert(1, "value", table[columns.score].fillna("").astype(str))
    responses["date"] = dates
    responses["customer_id"] = customers
    responses["location"] = _text_column(table, columns.location)
    responses["comment"] = _text_column(table, columns.comment)
    return Responses(responses.reset_index(drop=True), columns, notices)
