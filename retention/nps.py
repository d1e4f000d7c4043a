"""Net Promoter Score from a survey's 0-10 "how likely are you to recommend us" answers.

Definitions (see ``design.md``):

- An **answer** is a whole number from 0 to 10. A number written ``9.0`` or ``9,0`` is
  the whole number 9.
- A **blank** is not an answer: an empty cell, ``N/A``, ``NA``, ``-`` (any case; the
  full list is ``NOT_ANSWERED``). Blanks are counted and left out of every share.
- Anything else is **invalid** (6.5, 11, -1, text) and reported with its row; it is
  left out of every share, never put in a bucket.
- **Promoters** answered 9-10, **passives** 7-8, **detractors** 0-6.
- **NPS** = % promoters - % detractors of the answers, from unrounded shares, between
  -100 and +100. It is shown as a whole number rounded half away from zero
  (``format_nps``: 12.5 shows as 13, -12.5 as -13).
- **Margin of error** (95 %, in NPS points) =
  1.96 x sqrt((p_pro + p_det - (p_pro - p_det)^2) / n) x 100, with the shares p as
  fractions and n the number of answers.
- **Too few answers**: under ``MIN_ANSWERS`` (30) answers the margin of error is
  typically 20 points or more either way, so the figure is shown with a warning
  and, per period or place, marked rather than drawn as if exact.
- **Scale check**: when no answer is above 7 the column looks like a 1-5 or 1-7
  rating rather than a 0-10 question; then no NPS is given until the caller confirms
  the scale (``confirmed_scale=True``), since every answer would be a "detractor".
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from retention.i18n import t
from retention.numbers import fixed

__all__ = [
    "NPSResult",
    "classify_score",
    "classify_scores",
    "detect_score_column",
    "format_nps",
    "group_of",
    "group_names",
    "margin_of_error",
    "net_promoter_score",
    "nps_from_counts",
    "reason_text",
    "round_half_away_from_zero",
    "score_distribution",
]

SCORES = range(0, 11)
PROMOTER_MIN = 9
PASSIVE_MIN = 7
GROUPS = ("promoter", "passive", "detractor")
# The highest answer at or below which a column does not look like a 0-10 question.
SCALE_CHECK_MAX = 7
Z_95 = 1.96
MIN_ANSWERS = 30

# Cells that mean "no answer", compared case-insensitively after trimming spaces.
# "NA" is what R writes for a missing value, "nan" and "null" what other tools do,
# "#N/A" and "(blank)" what Excel shows; the rest are typed by hand.
NOT_ANSWERED = {
    "",
    "n/a",
    "na",
    "n.a.",
    "#n/a",
    "nan",
    "null",
    "none",
    "(blank)",
    "-",
    "\u2013",
    "\u2014",
    "no answer",
    "not answered",
    "skipped",
}
SCORE_HEADER_WORDS = {
    # a word in the header, and how strongly it points at the NPS question
    "recommend": 3,
    "recomend": 3,
    "recommand": 3,
    "empfehl": 3,
    "ajánl": 3,
    "nps": 3,
    "likely": 2,
    "valószín": 2,
    "score": 1,
    "rating": 1,
    "pont": 1,
}
# A score column: numbers in 90 % of its filled cells, whole 0-10 in half of them.
MIN_SHARE_OF_NUMBERS = 0.9
MIN_SHARE_OF_ANSWERS = 0.5

# Why a cell is not an answer (codes; ``reason_text`` gives the words)
NOT_A_NUMBER = "not_a_number"
NOT_WHOLE = "not_whole"
OUT_OF_RANGE = "out_of_range"

_WHOLE_NUMBER = re.compile(r"[+-]?(\d+)(?:[.,]0+)?")
_ANY_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")


@dataclass(frozen=True, eq=False)
class NPSResult:
    """What a column of survey answers says, as counts, shares and the NPS.

    Attributes
    ----------
    promoters, passives, detractors:
        Answers of 9-10, 7-8 and 0-6. Their sum is ``answered``.
    answered:
        Valid answers (whole numbers 0-10): the denominator of every share.
    blank:
        Cells with no answer (empty, ``N/A``, ``NA``, ``-``...); not in any share.
    invalid:
        One row per invalid cell, columns ``row`` (the row label of the input,
        which ``retention.survey.read_survey`` numbers as a spreadsheet does), ``value`` (the cell
        as text) and ``reason``. Not in any share.
    score_counts:
        Answers per score, indexed 0 to 10 (zeros included).
    nps:
        % promoters - % detractors, unrounded; None without answers or while the
        scale needs confirming.
    margin_of_error:
        Half-width of the 95 % interval around ``nps`` in NPS points; None when
        ``nps`` is None.
    highest_score, lowest_score, mean_score:
        The largest, smallest and mean answer; None without answers.
    scale_warning:
        A message when no answer is above 7 (a 1-5 or 1-7 rating, not a 0-10
        question); None when the scale looks right.
    scale_confirmed:
        True when the caller said the question was asked on a 0-10 scale.
    """

    promoters: int
    passives: int
    detractors: int
    answered: int
    blank: int
    invalid: pd.DataFrame
    score_counts: pd.Series
    nps: float | None
    margin_of_error: float | None
    highest_score: int | None
    lowest_score: int | None
    mean_score: float | None
    scale_warning: str | None
    scale_confirmed: bool

    @property
    def rows(self) -> int:
        """Every row of the column: answers, blank cells and invalid cells."""
        return self.answered + self.blank + len(self.invalid)

    def not_counted(self) -> list[tuple[str, int]]:
        """Why rows are left out of every share, as (reason, rows), the most
        rows first: the reasons of the invalid cells, and "no answer" for the
        blank ones. Empty when every row is an answer."""
        reasons = list(self.invalid["reason"].value_counts(sort=False).items())
        if self.blank:
            reasons.append((t("no answer"), self.blank))
        return sorted(reasons, key=lambda reason: -reason[1])

    @property
    def needs_scale_confirmation(self) -> bool:
        """True when the scale looks wrong and nobody has confirmed it."""
        return self.scale_warning is not None and not self.scale_confirmed


# Scores


def reason_text(code: str) -> str:
    texts = {
        NOT_A_NUMBER: t("not a number"),
        NOT_WHOLE: t("not a whole number"),
        OUT_OF_RANGE: t("outside the 0-10 scale"),
    }
    return texts[code]


def _classify_number(number: float) -> tuple[int | None, str | None]:
    if not math.isfinite(number):
        return None, NOT_A_NUMBER
    if not float(number).is_integer():
        return None, NOT_WHOLE
    return _check_range(int(number))


def _classify_text(text: str) -> tuple[int | None, str | None]:
    text = text.strip()
    if text.casefold() in NOT_ANSWERED:
        return None, None
    whole = _WHOLE_NUMBER.fullmatch(text)
    if whole:
        sign = -1 if text.startswith("-") else 1
        return _check_range(sign * int(whole.group(1)))
    if _ANY_NUMBER.fullmatch(text):
        return None, NOT_WHOLE
    return None, NOT_A_NUMBER


def _check_range(score: int) -> tuple[int | None, str | None]:
    if score in SCORES:
        return score, None
    return None, OUT_OF_RANGE


def classify_score(value: object) -> tuple[int | None, str | None]:
    """Read one cell: ``(score, None)`` for an answer, ``(None, None)`` for a blank,
    ``(None, code)`` for an invalid value, the code being one of ``NOT_A_NUMBER``,
    ``NOT_WHOLE`` and ``OUT_OF_RANGE``."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None, None
    if isinstance(value, bool):
        return None, NOT_A_NUMBER
    if isinstance(value, numbers.Integral):
        return _check_range(int(value))
    if isinstance(value, numbers.Real):
        if math.isnan(value):
            return None, None
        return _classify_number(float(value))
    if isinstance(value, str):
        return _classify_text(value)
    return None, NOT_A_NUMBER


def classify_scores(values: pd.Series) -> list[tuple[int | None, str | None]]:
    """:func:`classify_score` for every cell of a column, each distinct cell
    read once (a survey column holds a handful of different cells)."""
    if values.dtype == object and any(type(value) is bool for value in values):
        # True and 1 would be taken for one cell
        return [classify_score(value) for value in values.tolist()]
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    read = [classify_score(value) for value in uniques]
    return [read[code] for code in codes]


def _as_series(scores: pd.Series | list | tuple) -> pd.Series:
    if isinstance(scores, pd.Series):
        return scores
    values = list(scores)
    return pd.Series(values, index=range(1, len(values) + 1), dtype=object)


def _invalid_rows(series: pd.Series, codes: list[str | None]) -> pd.DataFrame:
    """The invalid cells of ``series``: columns ``row``, ``value``, ``reason``."""
    flags = [code is not None for code in codes]
    return pd.DataFrame(
        {
            "row": series.index[flags].tolist(),
            "value": [str(value) for value in series[flags].tolist()],
            "reason": [reason_text(code) for code in codes if code is not None],
        }
    )


def _scale_warning(lowest: int | None, highest: int | None) -> str | None:
    if highest is None or highest > SCALE_CHECK_MAX:
        return None
    return t(
        "Every answer in this column is between {lowest} and {highest}. That looks like a 1-{highest} rating (stars or smileys), not the 0-10 “how likely are you to recommend us” question: on a 0-10 scale not one of these answers would count as a promoter. Was the question asked on a 0-10 scale?",
        lowest=lowest,
        highest=highest,
    )


def margin_of_error(promoters: int, detractors: int, answered: int) -> float | None:
    """The 95 % margin of error of an NPS, in NPS points.

    Each answer counts +1 (promoter), 0 (passive) or -1 (detractor); the NPS is
    the mean of these x 100. With p+ and p- the shares of promoters and
    detractors, the variance of one answer is p+ + p- - (p+ - p-)^2, so the
    standard error of the NPS is sqrt((p+ + p- - (p+ - p-)^2) / n) x 100 and the
    margin is 1.96 times that (normal approximation; it can reach past -100 or
    +100 for a handful of answers). None without answers.
    """
    if not answered:
        return None
    p_pro, p_det = promoters / answered, detractors / answered
    spread = p_pro + p_det - (p_pro - p_det) ** 2
    return Z_95 * math.sqrt(max(spread, 0.0) / answered) * 100


def nps_from_counts(promoters: int, passives: int, detractors: int) -> float | None:
    """NPS = (promoters - detractors) / answers x 100: % promoters - % detractors
    without rounding either share; None without answers."""
    answered = promoters + passives + detractors
    return (promoters - detractors) * 100 / answered if answered else None


def net_promoter_score(
    scores: pd.Series | list | tuple, confirmed_scale: bool = False
) -> NPSResult:
    """Count promoters, passives and detractors and compute the NPS.

    ``scores`` holds one survey column, a cell per response, in any form a file
    gives (numbers or text). Definitions are in the module docstring: blanks and
    invalid values are left out of the denominator; invalid ones are listed with
    their row label (for a list, rows are numbered from 1). NPS = (promoters -
    detractors) / answered x 100, which is % promoters - % detractors without any
    rounding. When no answer is above 7 the result carries ``scale_warning`` and
    ``nps`` is None unless ``confirmed_scale`` is True.
    """
    series = _as_series(scores)
    classified = classify_scores(series)
    valid = pd.Series(
        [score for score, _ in classified], index=series.index, dtype="Int64"
    ).dropna()
    invalid = _invalid_rows(series, [code for _, code in classified])

    counts = valid.value_counts().reindex(SCORES, fill_value=0).astype(int)
    counts.index.name = "score"
    answered = len(valid)
    promoters = int(counts.loc[PROMOTER_MIN:].sum())
    passives = int(counts.loc[PASSIVE_MIN : PROMOTER_MIN - 1].sum())
    detractors = int(counts.loc[: PASSIVE_MIN - 1].sum())
    highest = int(valid.max()) if answered else None
    lowest = int(valid.min()) if answered else None
    warning = _scale_warning(lowest, highest)

    nps = margin = None
    if answered and (warning is None or confirmed_scale):
        nps = nps_from_counts(promoters, passives, detractors)
        margin = margin_of_error(promoters, detractors, answered)

    return NPSResult(
        promoters=promoters,
        passives=passives,
        detractors=detractors,
        answered=answered,
        blank=len(series) - answered - len(invalid),
        invalid=invalid,
        score_counts=counts,
        nps=nps,
        margin_of_error=margin,
        highest_score=highest,
        lowest_score=lowest,
        mean_score=float(valid.mean()) if answered else None,
        scale_warning=warning,
        scale_confirmed=confirmed_scale,
    )


def group_of(score: int) -> str:
    if score >= PROMOTER_MIN:
        return "promoter"
    if score >= PASSIVE_MIN:
        return "passive"
    return "detractor"


def group_names() -> dict[str, str]:
    """The three groups by their code, named for people."""
    return {
        "promoter": t("Promoters (9-10)"),
        "passive": t("Passives (7-8)"),
        "detractor": t("Detractors (0-6)"),
    }


def score_distribution(result: NPSResult) -> pd.DataFrame:
    """The 11 scores with their answers, for a bar chart.

    Columns: ``score`` (0-10), ``answers`` (count), ``percent`` (share of all
    answers x 100; 0 when there are none), ``group`` (``promoter``, ``passive``
    or ``detractor``: a stable key for colours) and ``group_label`` (the group's
    name in the current language).
    """
    labels = {
        "promoter": t("Promoter (9-10)"),
        "passive": t("Passive (7-8)"),
        "detractor": t("Detractor (0-6)"),
    }
    answers = result.score_counts.to_numpy()
    total = result.answered
    groups = [group_of(score) for score in SCORES]
    return pd.DataFrame(
        {
            "score": list(SCORES),
            "answers": answers,
            "percent": answers * 100 / total if total else [0.0] * len(SCORES),
            "group": groups,
            "group_label": [labels[group] for group in groups],
        }
    )


# Display


def round_half_away_from_zero(value: float, decimals: int = 0) -> float:
    """Round as people do on paper: 12.5 -> 13, -12.5 -> -13 (Python's ``round``
    rounds halves to even: 12.5 -> 12). Uses the shortest decimal form of
    ``value``, so 0.125 at 2 decimals is 0.13."""
    step = Decimal(1).scaleb(-decimals)
    return float(Decimal(str(float(value))).quantize(step, rounding=ROUND_HALF_UP))


def shown_interval(nps: float, margin: float) -> tuple[float, float, float]:
    """The margin and the 95 % range as written beside a whole-number NPS:
    ``(margin, low, high)``, the NPS and its margin each rounded half away from
    zero to a whole number, then low = NPS − margin and high = NPS + margin kept
    within −100 to +100. So "48 ± 4" reads "between 44 and 52"; rounding the
    exact ends (43.9 and 52.7) would give 44 and 53, which the ± shown beside
    them does not add up to."""
    shown = round_half_away_from_zero(nps)
    rounded_margin = round_half_away_from_zero(margin)
    low = max(shown - rounded_margin, -100.0)
    high = min(shown + rounded_margin, 100.0)
    return rounded_margin, low, high


def format_nps(value: float | None, decimals: int = 0) -> str:
    """An NPS as shown to people: a whole number rounded half away from zero
    (``12.5`` -> ``"13"``), or ``decimals`` places; "n/a" when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("n/a")
    return fixed(value, decimals)


# Finding the columns


def _header_weight(header: object, words: dict[str, int]) -> int:
    text = str(header).casefold()
    return max((weight for word, weight in words.items() if word in text), default=0)


def _score_column_fit(values: pd.Series) -> tuple[float, int, int] | None:
    """(share of valid answers, top answer, answers) for a column that reads as
    scores: numbers in at least 90 % of its filled cells, whole 0-10 in at least
    half (a column with a few 6.5s or 11s is still the score column)."""
    classified = classify_scores(values)
    filled = [(score, code) for score, code in classified if score is not None or code]
    answers = [score for score, _ in filled if score is not None]
    numeric = [code for _, code in filled if code != NOT_A_NUMBER]
    if len(numeric) < MIN_SHARE_OF_NUMBERS * len(filled):
        return None
    if not answers or len(answers) < MIN_SHARE_OF_ANSWERS * len(filled):
        return None
    return len(answers) / len(filled), max(answers), len(answers)


def detect_score_column(table: pd.DataFrame) -> str | None:
    """The column that most likely holds the 0-10 recommendation answers, or None.

    A candidate's header names the question (recommend, likely, NPS, score,
    rating, ajánl..., in a few languages); at least 90 % of its filled cells are
    numbers and at least half are whole numbers 0-10. Among candidates, the strongest header word wins
    (recommend/NPS over likely over score/rating), then the larger share of valid
    answers, then the higher top score (0-10 over a 1-5 rating), then more answers.
    """
    best, best_rank = None, None
    for column in table.columns:
        weight = _header_weight(column, SCORE_HEADER_WORDS)
        fit = _score_column_fit(table[column]) if weight else None
        if fit is None:
            continue
        rank = (weight, *fit)
        if best_rank is None or rank > best_rank:
            best, best_rank = column, rank
    return best
