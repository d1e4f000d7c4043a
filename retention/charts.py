"""Altair charts, one function per picture, each built from an aggregated frame
(never one mark per order). Titles and axis names pass through ``t()``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import altair as alt
import pandas as pd

from retention.i18n import t

COLOURS = {
    "retention": "#2a7f62",
    "churn": "#c8553d",
    "benchmark": "#6c757d",
    "promoter": "#2a7f62",
    "passive": "#e0b84c",
    "detractor": "#c8553d",
    "nps": "#1f5f8b",
    "target": "#7b3f98",
}


# Numbers on the charts are written as in the text and tables beside them:
# thousands separated by commas, and "-" for a minus (Vega's own "−" differs
# from every other number on the page and from what a spreadsheet reads).
NUMBER_LOCALE = alt.Locale(
    number=alt.NumberLocale(
        decimal=".", thousands=",", grouping=[3], currency=["", ""], minus="-"
    )
)
Drawn = TypeVar("Drawn", bound=Callable[..., alt.TopLevelMixin])


def _chart(draw: Drawn) -> Drawn:
    """A public chart function, its chart written with ``NUMBER_LOCALE``."""

    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        return draw(*args, **kwargs).configure(locale=NUMBER_LOCALE)

    return drawn  # type: ignore[return-value]


def _count_axis() -> alt.Axis:
    """An axis of people or answers: whole numbers only (never 0.5 customer)."""
    return alt.Axis(tickMinStep=1, format=",d")


def _value_when(channel: type, test: str, then: object, otherwise: object):
    """A channel that takes ``then`` where the Vega expression ``test`` holds
    and ``otherwise`` elsewhere.

    The same as ``alt.condition(test, alt.value(then), alt.value(otherwise))``,
    but that returns a plain dict, which Altair turns into a channel by
    searching the whole Vega-Lite schema for a class that fits (about 30 ms
    each time, on every rerun); naming the channel's class skips the search.
    """
    return channel(otherwise, condition={"test": test, "value": then})


@_chart
def retention_chart(table: pd.DataFrame) -> alt.LayerChart:
    """CRR and churn per period (from ``retention_by_period``); partial periods
    are drawn as hollow points. No benchmark line: benchmarks and the owner's
    target count customers kept over a year, and a customer kept from one month
    or week to the next is a different, weaker thing, so an annual figure on
    this axis would read as a comparison it is not. They are drawn on
    ``annual_retention_chart``."""
    rate_names = {"retention_rate": t("Retention (CRR)"), "churn_rate": t("Churn")}
    long = table.melt(
        id_vars=["label", "start", "partial", "customers_at_start", "lost"],
        value_vars=list(rate_names),
        var_name="measure",
        value_name="rate",
    ).dropna(subset=["rate"])
    long["measure"] = long["measure"].map(rate_names)
    long["state"] = long["partial"].map({True: t("partial"), False: t("complete")})
    order = list(table.sort_values("start")["label"])
    colour = alt.Color(
        "measure:N",
        title=None,
        scale=alt.Scale(
            domain=list(rate_names.values()),
            range=[COLOURS["retention"], COLOURS["churn"]],
        ),
    )
    x = alt.X("label:O", sort=order, scale=alt.Scale(domain=order), title=t("Period"))
    y = alt.Y("rate:Q", title="%", scale=alt.Scale(domain=[0, 100]))
    tooltip = [
        alt.Tooltip("label:O", title=t("Period")),
        alt.Tooltip("measure:N", title=t("Measure")),
        alt.Tooltip("rate:Q", title="%", format=".2f"),
        alt.Tooltip("customers_at_start:Q", title=t("Customers at start (S)")),
        alt.Tooltip("lost:Q", title=t("Lost (L)")),
        alt.Tooltip("state:N", title=t("Period")),
    ]
    lines = alt.Chart(long).mark_line().encode(x=x, y=y, color=colour)
    points = (
        alt.Chart(long)
        .mark_point(size=70)
        .encode(
            x=x,
            y=y,
            color=colour,
            fill=alt.condition(
                alt.datum.partial, alt.value("white"), colour, legend=None
            ),
            tooltip=tooltip,
        )
    )
    return alt.layer(lines, points).properties(height=320)


@_chart
def cohort_clv_chart(table: pd.DataFrame) -> alt.Chart:
    """CLV per acquisition cohort (from ``clv_by_cohort``) as bars."""
    order = list(table["label"])
    return (
        alt.Chart(table.dropna(subset=["clv"]))
        .mark_bar(color=COLOURS["retention"])
        .encode(
            x=alt.X("label:O", sort=order, title=t("Cohort (first purchase)")),
            y=alt.Y("clv:Q", title=t("CLV")),
            tooltip=[
                alt.Tooltip("label:O", title=t("Cohort (first purchase)")),
                alt.Tooltip("customers:Q", title=t("Customers")),
                alt.Tooltip("aov:Q", title=t("Average order value"), format=",.2f"),
                alt.Tooltip(
                    "annual_frequency:Q", title=t("Orders per year"), format=".2f"
                ),
                alt.Tooltip("clv:Q", title=t("CLV"), format=",.2f"),
            ],
        )
        .properties(height=280)
    )


@_chart
def score_distribution_chart(distribution: pd.DataFrame) -> alt.Chart:
    """Answers per score 0-10, coloured by promoters, passives and detractors.

    ``distribution`` has ``score``, ``answers`` and ``group`` (the group code
    ``promoter``, ``passive`` or ``detractor``)."""
    names = {
        "promoter": t("Promoters (9-10)"),
        "passive": t("Passives (7-8)"),
        "detractor": t("Detractors (0-6)"),
    }
    frame = distribution.assign(group_name=distribution["group"].map(names))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("score:O", title=t("Score"), sort=list(range(11))),
            y=alt.Y("answers:Q", title=t("Answers"), axis=_count_axis()),
            color=alt.Color(
                "group_name:N",
                title=None,
                scale=alt.Scale(
                    domain=list(names.values()),
                    range=[COLOURS[g] for g in names],
                ),
            ),
            tooltip=[
                alt.Tooltip("score:O", title=t("Score")),
                alt.Tooltip("answers:Q", title=t("Answers")),
            ],
        )
        .properties(height=260)
    )


def _reference_layers(
    band: tuple[float, float] | None, band_label: str, target: float | None
) -> list[alt.Chart]:
    """A shaded band for published benchmarks and a dashed line for a target."""
    layers = []
    if band is not None:
        frame = pd.DataFrame(
            {"low": [band[0]], "high": [band[1]], "name": [band_label]}
        )
        layers.append(
            alt.Chart(frame)
            .mark_rect(color=COLOURS["benchmark"], opacity=0.15)
            .encode(
                y=alt.Y("low:Q"),
                y2=alt.Y2("high:Q"),
                tooltip=[alt.Tooltip("name:N", title=t("Benchmark"))],
            )
        )
    if target is not None:
        frame = pd.DataFrame({"nps": [target], "name": [t("Your target")]})
        layers.append(
            alt.Chart(frame)
            .mark_rule(strokeDash=[6, 4], color=COLOURS["target"])
            .encode(
                y=alt.Y("nps:Q"), tooltip=[alt.Tooltip("name:N", title=t("Target"))]
            )
        )
    return layers


def _nps_tooltip(key: str, title: str) -> list[alt.Tooltip]:
    return [
        alt.Tooltip(f"{key}:N", title=title),
        alt.Tooltip("nps:Q", title="NPS", format=".1f"),
        alt.Tooltip("margin_of_error:Q", title=t("± (95 %)"), format=".1f"),
        alt.Tooltip("answered:Q", title=t("Answers")),
        alt.Tooltip("state:N", title=t("Reliability")),
    ]


def _with_state(table: pd.DataFrame) -> pd.DataFrame:
    frame = table.dropna(subset=["nps"]).copy()
    frame["state"] = frame["too_few"].map(
        {True: t("too few answers"), False: t("enough answers")}
    )
    return frame


NPS_AXIS = alt.Y("nps:Q", title="NPS", scale=alt.Scale(domain=[-100, 100]))


def _nps_estimates(
    frame: pd.DataFrame, x: alt.X, point_size: int, tooltip: list
) -> tuple[alt.Chart, alt.Chart]:
    """The margin-of-error bars and the points of an NPS chart along ``x``;
    where there are too few answers the bar is grey and the point hollow."""
    colour = _value_when(
        alt.ColorValue, "datum.too_few", COLOURS["benchmark"], COLOURS["nps"]
    )
    bars = (
        alt.Chart(frame)
        .mark_rule(strokeWidth=2, opacity=0.5)
        .encode(x=x, y=alt.Y("low:Q"), y2=alt.Y2("high:Q"), color=colour)
    )
    points = (
        alt.Chart(frame)
        .mark_point(size=point_size, filled=False, strokeWidth=2)
        .encode(
            x=x,
            y=NPS_AXIS,
            color=colour,
            fill=_value_when(alt.FillValue, "datum.too_few", "white", COLOURS["nps"]),
            tooltip=tooltip,
        )
    )
    return bars, points


@_chart
def nps_period_chart(
    table: pd.DataFrame,
    band: tuple[float, float] | None = None,
    band_label: str = "",
    target: float | None = None,
) -> alt.LayerChart:
    """NPS per period (from ``nps_by_period``) as points with their 95 % margin
    of error as vertical bars. Periods with too few answers are hollow grey
    points, left out of the line, so they do not read as exact; periods
    without answers have no point. An optional benchmark band and target line."""
    frame = _with_state(table)
    order = list(table["label"])
    x = alt.X("label:O", sort=order, scale=alt.Scale(domain=order), title=t("Period"))
    bars, points = _nps_estimates(frame, x, 80, _nps_tooltip("label", t("Period")))
    line = (
        alt.Chart(frame[~frame["too_few"]])
        .mark_line(color=COLOURS["nps"])
        .encode(x=x, y=NPS_AXIS)
    )
    layers = [*_reference_layers(band, band_label, target), bars, line, points]
    return alt.layer(*layers).properties(height=300)


@_chart
def nps_location_chart(
    table: pd.DataFrame,
    band: tuple[float, float] | None = None,
    band_label: str = "",
    target: float | None = None,
) -> alt.LayerChart:
    """NPS per location (from ``nps_by_location``) as points with their 95 %
    margin of error; locations with too few answers are hollow and grey."""
    frame = _with_state(table)
    order = list(frame["location"])
    x = alt.X("location:N", sort=order, title=t("Location"))
    tooltip = _nps_tooltip("location", t("Location"))
    bars, points = _nps_estimates(frame, x, 90, tooltip)
    layers = [*_reference_layers(band, band_label, target), bars, points]
    return alt.layer(*layers).properties(height=280)


# Above this many columns (ages) the cells are too narrow for their figures
# (weekly cohorts over years): the heatmap then shows them in tooltips only.
MAX_LABELLED_AGES = 25


MIN_HEATMAP_HEIGHT = 260


@_chart
def cohort_heatmap(cells: pd.DataFrame, measure: str = "share") -> alt.LayerChart:
    """The cohort table (from ``retention.cohorts.cohort_cells``) as a heatmap:
    one row per cohort with its size in the row name, one column per period
    since the first purchase. Cells a cohort has not reached are absent (blank);
    cells in a partial period are drawn faded and say so in their tooltip. Each
    cell shows its figure when there are at most ``MAX_LABELLED_AGES`` columns,
    else only its tooltip does."""
    percent_measure = measure != "revenue_per_customer"
    frame = cells.assign(
        row=cells["label"] + "  (" + cells["customers"].map("{:,}".format) + ")",
        state=cells["partial"].map({True: t("partial"), False: t("complete")}),
        text=cells[measure].map(
            "{:.0f}%".format if percent_measure else "{:,.0f}".format
        ),
    )
    rows = list(dict.fromkeys(frame.sort_values("cohort")["row"]))
    value_title = t("% of the cohort") if percent_measure else t("Revenue per customer")
    base = alt.Chart(frame).encode(
        x=alt.X("age:O", title=t("Periods since first purchase")),
        y=alt.Y(
            "row:O",
            sort=rows,
            title=t("Cohort (first purchase) and its size"),
            axis=alt.Axis(labelOverlap=False),
        ),
    )
    squares = base.mark_rect().encode(
        color=alt.Color(
            f"{measure}:Q",
            title=value_title,
            scale=alt.Scale(scheme="greens", domainMin=0),
        ),
        opacity=_value_when(alt.OpacityValue, "datum.partial", 0.45, 1.0),
        tooltip=[
            alt.Tooltip("label:O", title=t("Cohort (first purchase)")),
            alt.Tooltip("customers:Q", title=t("Customers"), format=","),
            alt.Tooltip("period_label:O", title=t("Period")),
            alt.Tooltip("buyers:Q", title=t("Bought in this period"), format=","),
            alt.Tooltip("share:Q", title=t("% bought in this period"), format=".2f"),
            alt.Tooltip(
                "share_or_later:Q", title=t("% bought then or later"), format=".2f"
            ),
            alt.Tooltip(
                "revenue_per_customer:Q",
                title=t("Revenue per customer so far"),
                format=",.2f",
            ),
            alt.Tooltip("state:N", title=t("Period")),
        ],
    )
    # at least as tall as the y axis's title is long: with "fit" sizing, a
    # title longer than the plot squeezes every row into one thin band
    height = max(MIN_HEATMAP_HEIGHT, 24 * len(rows))
    if len(cells) and cells["age"].max() >= MAX_LABELLED_AGES:
        return alt.layer(squares).properties(height=height)
    labels = base.mark_text(fontSize=10).encode(text=alt.Text("text:N"))
    return alt.layer(squares, labels).properties(height=height)


@_chart
def first_period_trend_chart(trend: pd.DataFrame) -> alt.LayerChart:
    """Period-1 retention of each cohort (from
    ``retention.cohorts.first_period_retention``) with its dashed trend line;
    partial cells are hollow points."""
    order = list(trend.sort_values("cohort")["label"])
    x = alt.X("label:O", sort=order, title=t("Cohort (first purchase)"))
    y = alt.Y("share:Q", title=t("% back in the next period"))
    frame = trend.assign(
        state=trend["partial"].map({True: t("partial"), False: t("complete")})
    )
    line = alt.Chart(frame).mark_line(color=COLOURS["retention"]).encode(x=x, y=y)
    points = (
        alt.Chart(frame)
        .mark_point(size=70, color=COLOURS["retention"])
        .encode(
            x=x,
            y=y,
            fill=_value_when(
                alt.FillValue, "datum.partial", "white", COLOURS["retention"]
            ),
            tooltip=[
                alt.Tooltip("label:O", title=t("Cohort (first purchase)")),
                alt.Tooltip("customers:Q", title=t("Customers"), format=","),
                alt.Tooltip("share:Q", title="%", format=".2f"),
                alt.Tooltip("state:N", title=t("Period")),
            ],
        )
    )
    trend_line = (
        alt.Chart(frame.dropna(subset=["trend"]))
        .mark_line(strokeDash=[6, 4], color=COLOURS["benchmark"])
        .encode(x=x, y=alt.Y("trend:Q"))
    )
    return alt.layer(line, points, trend_line).properties(height=260)


@_chart
def customer_flow_chart(steps: pd.DataFrame) -> alt.LayerChart:
    """The waterfall from S to E (from ``retention.changes.customer_flow``):
    totals in grey, lost in red, new and won back in green."""
    names = {
        "customers_at_start": t("At start (S)"),
        "lost": t("Lost"),
        "new_customers": t("New"),
        "won_back": t("Won back"),
        "customers_at_end": t("At end (E)"),
    }
    colours = {
        "total": COLOURS["benchmark"],
        "decrease": COLOURS["churn"],
        "increase": COLOURS["retention"],
    }
    frame = steps.assign(
        name=steps["step"].map(names),
        text=steps["change"]
        .map("{:+,}".format)
        .where(steps["kind"] != "total", steps["change"].map("{:,}".format)),
        label_at=steps[["before", "after"]].max(axis=1),
    )
    x = alt.X(
        "name:N", sort=list(names.values()), title=None, axis=alt.Axis(labelAngle=0)
    )
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("before:Q", title=t("Customers"), axis=_count_axis()),
            y2=alt.Y2("after:Q"),
            color=alt.Color(
                "kind:N",
                legend=None,
                scale=alt.Scale(domain=list(colours), range=list(colours.values())),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=t("Step")),
                alt.Tooltip("change:Q", title=t("Customers"), format=","),
            ],
        )
    )
    text = (
        alt.Chart(frame)
        .mark_text(dy=-8)
        .encode(x=x, y=alt.Y("label_at:Q"), text=alt.Text("text:N"))
    )
    return alt.layer(bars, text).properties(height=300)


@_chart
def revenue_effects_chart(effects: pd.DataFrame) -> alt.Chart:
    """The revenue change split into its parts, as horizontal bars. ``effects``
    has ``name`` (translated part) and ``effect`` (money, signed)."""
    return (
        alt.Chart(effects)
        .mark_bar()
        .encode(
            y=alt.Y(
                "name:N",
                sort=list(effects["name"]),
                title=None,
                axis=alt.Axis(labelLimit=260),
            ),
            x=alt.X("effect:Q", title=t("Change in revenue")),
            color=_value_when(
                alt.ColorValue,
                "datum.effect < 0",
                COLOURS["churn"],
                COLOURS["retention"],
            ),
            tooltip=[
                alt.Tooltip("name:N", title=t("Part")),
                alt.Tooltip("effect:Q", title=t("Change in revenue"), format="+,.2f"),
            ],
        )
        .properties(height=alt.Step(28))
    )


@_chart
def churn_leaks_chart(table: pd.DataFrame, group_title: str) -> alt.Chart:
    """Churn per group (from ``retention.leaks.churn_leaks``), the groups in
    the table's order (cohorts by date): bar length is the times a customer was
    lost, the tooltip adds the different customers lost, the churn rate and
    the times at the start of a period."""
    order = list(table["group"])
    return (
        alt.Chart(table)
        .mark_bar(color=COLOURS["churn"])
        .encode(
            y=alt.Y("group:N", sort=order, title=group_title),
            x=alt.X("lost:Q", title=t("Times a customer was lost"), axis=_count_axis()),
            tooltip=[
                alt.Tooltip("group:N", title=group_title),
                alt.Tooltip("lost:Q", title=t("Times lost (L)"), format=","),
                alt.Tooltip("customers_lost:Q", title=t("Customers lost"), format=","),
                alt.Tooltip(
                    "customers_at_start:Q",
                    title=t("Times at the start of a period (S)"),
                    format=",",
                ),
                alt.Tooltip("churn_rate:Q", title=t("Churn %"), format=".2f"),
            ],
        )
        .properties(height=alt.Step(28))
    )


@_chart
def segment_chart(summary: pd.DataFrame) -> alt.Chart:
    """Each segment's share of customers beside its share of revenue (from
    ``retention.segments.segment_summary``, with a translated ``name``)."""
    shares = {"customer_share": t("% of customers"), "revenue_share": t("% of revenue")}
    long = summary.melt(
        id_vars=["name", "customers", "revenue"],
        value_vars=list(shares),
        var_name="measure",
        value_name="share",
    )
    long["measure"] = long["measure"].map(shares)
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort=list(summary["name"]), title=None),
            yOffset=alt.YOffset("measure:N", sort=list(shares.values())),
            x=alt.X("share:Q", title="%"),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(
                    domain=list(shares.values()),
                    range=[COLOURS["benchmark"], COLOURS["retention"]],
                ),
            ),
            tooltip=[
                alt.Tooltip("name:N", title=t("Segment")),
                alt.Tooltip("measure:N", title=t("Measure")),
                alt.Tooltip("share:Q", title="%", format=".1f"),
                alt.Tooltip("customers:Q", title=t("Customers"), format=","),
                alt.Tooltip("revenue:Q", title=t("Revenue"), format=",.2f"),
            ],
        )
        .properties(height=alt.Step(34, **{"for": "position"}))
    )


GAUGE_HEIGHT = 60


@_chart
def nps_benchmark_chart(
    nps: float,
    margin: float,
    band: tuple[float, float] | None = None,
    band_label: str = "",
    target: float | None = None,
) -> alt.LayerChart:
    """One NPS on the -100 to +100 scale: a point with its 95 % margin of error
    as a bar, over the grey band of published figures and the dashed target."""
    # a hidden vertical scale from 0 to 1: the band fills it, the point sits halfway
    row = alt.Y("middle:Q", axis=None, title=None, scale=alt.Scale(domain=[0, 1]))
    full = {
        "y": alt.Y("bottom:Q", axis=None, scale=alt.Scale(domain=[0, 1])),
        "y2": alt.Y2("top:Q"),
    }
    frame = pd.DataFrame(
        {
            "middle": [0.5],
            "nps": [nps],
            "low": [max(nps - margin, -100)],
            "high": [min(nps + margin, 100)],
            "name": [t("Your NPS")],
        }
    )
    x = alt.X("nps:Q", title="NPS", scale=alt.Scale(domain=[-100, 100]))
    layers = []
    if band is not None:
        band_frame = pd.DataFrame(
            {
                "bottom": [0],
                "top": [1],
                "low": [band[0]],
                "high": [band[1]],
                "name": [band_label],
            }
        )
        layers.append(
            alt.Chart(band_frame)
            .mark_rect(color=COLOURS["benchmark"], opacity=0.25)
            .encode(
                x=alt.X("low:Q"),
                x2=alt.X2("high:Q"),
                **full,
                tooltip=[alt.Tooltip("name:N", title=t("Benchmark"))],
            )
        )
    if target is not None:
        target_frame = pd.DataFrame({"bottom": [0], "top": [1], "nps": [target]})
        layers.append(
            alt.Chart(target_frame)
            .mark_rule(strokeDash=[4, 3], strokeWidth=2, color=COLOURS["target"])
            .encode(
                x=alt.X("nps:Q"),
                **full,
                tooltip=[alt.Tooltip("nps:Q", title=t("Your target"))],
            )
        )
    layers += [
        alt.Chart(frame)
        .mark_rule(strokeWidth=3, color=COLOURS["nps"], opacity=0.6)
        .encode(x=alt.X("low:Q"), x2=alt.X2("high:Q"), y=row),
        alt.Chart(frame)
        .mark_point(size=160, filled=True, color=COLOURS["nps"])
        .encode(
            x=x,
            y=row,
            tooltip=[
                alt.Tooltip("name:N", title=""),
                alt.Tooltip("nps:Q", title="NPS", format=".1f"),
                alt.Tooltip("low:Q", title=t("From"), format=".1f"),
                alt.Tooltip("high:Q", title=t("To"), format=".1f"),
            ],
        ),
    ]
    return alt.layer(*layers).properties(height=GAUGE_HEIGHT)


@_chart
def annual_retention_chart(
    table: pd.DataFrame, line_rate: float | None, line_label: str
) -> alt.LayerChart:
    """Rolling annual retention (from ``retention.annual.rolling_annual_retention``)
    with a dashed line for the benchmark or the owner's target."""
    order = list(table["label"])
    x = alt.X("label:O", sort=order, title=t("Month end"))
    y = alt.Y("rate:Q", title="%", scale=alt.Scale(domain=[0, 100]))
    tooltip = [
        alt.Tooltip("label:O", title=t("Month end")),
        alt.Tooltip("rate:Q", title=t("Annual retention %"), format=".2f"),
        alt.Tooltip(
            "customers_at_start:Q", title=t("Customers a year before"), format=","
        ),
        alt.Tooltip("retained:Q", title=t("Of them bought again"), format=","),
    ]
    line = (
        alt.Chart(table)
        .mark_line(point=True, color=COLOURS["retention"])
        .encode(x=x, y=y, tooltip=tooltip)
    )
    layers = [line]
    if line_rate is not None:
        rule_frame = pd.DataFrame({"rate": [line_rate], "name": [line_label]})
        layers.append(
            alt.Chart(rule_frame)
            .mark_rule(strokeDash=[6, 4], color=COLOURS["benchmark"])
            .encode(
                y=alt.Y("rate:Q"), tooltip=[alt.Tooltip("name:N", title=t("Benchmark"))]
            )
        )
        layers.append(
            alt.Chart(rule_frame)
            .mark_text(align="left", dx=4, dy=-6, color=COLOURS["benchmark"])
            .encode(y=alt.Y("rate:Q"), x=alt.XValue(0), text=alt.Text("name:N"))
        )
    return alt.layer(*layers).properties(height=280)
