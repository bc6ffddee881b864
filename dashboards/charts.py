"""Plotly figures for the dashboards, built in Python and handed to the page as JSON.

Nothing is told by colour alone: the fair and good bands carry text labels and differently
dashed edges, and each session's marker shape says where it stands (circle good, square
fair, down-triangle below fair).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from coding import scores
from coding.selectors import ScoreDefinition
from mi_coding.charts import INK, base_layout

if TYPE_CHECKING:
    from dashboards.selectors import Session
    from dashboards.stats import Distribution

BAND_SYMBOLS = {
    scores.GOOD: "circle",
    scores.FAIR: "square",
    scores.BELOW_FAIR: "triangle-down",
    None: "diamond-open",
}
BAND_FILLS = {
    scores.BELOW_FAIR: "rgba(220, 53, 69, 0.07)",
    scores.FAIR: "rgba(255, 193, 7, 0.16)",
    scores.GOOD: "rgba(25, 135, 84, 0.12)",
}


def value_range(
    definition: ScoreDefinition,
    values: Sequence[float | None],
    scale_ranges: Mapping[str, tuple[int, int]],
) -> tuple[float, float]:
    """The axis range: the globals' scale for means, 0–100 for percentages, else from zero to
    beyond both the data and the good threshold."""
    if definition.type == "mean":
        bounds = [scale_ranges[slug] for slug in definition.definition.get("of", [])]
        if bounds:
            return min(lo for lo, _ in bounds) - 0.2, max(hi for _, hi in bounds) + 0.2
    if definition.percent:
        return -3.0, 103.0
    present = [v for v in values if v is not None]
    top = max([*present, (definition.good or 0) * 1.25, (definition.fair or 0) * 1.5, 1.0])
    return min([0.0, *present]), top * 1.08


def threshold_marks(
    definition: ScoreDefinition, axis: str, low: float, high: float
) -> tuple[list[dict], list[dict]]:
    """Shaded bands below fair, fair and good along ``axis`` ("x" or "y"), with labelled,
    differently dashed edges. Returns (shapes, annotations)."""
    fair, good = definition.fair, definition.good
    if fair is None and good is None:
        return [], []
    edges = [low]
    bands = [scores.BELOW_FAIR]
    if fair is not None:
        edges.append(fair)
        bands.append(scores.FAIR)
    if good is not None:
        edges.append(good)
        bands.append(scores.GOOD)
    edges.append(high)
    other = "y" if axis == "x" else "x"
    shapes: list[dict] = []
    for band, start, end in zip(bands, edges, edges[1:], strict=False):
        shapes.append(
            {
                "type": "rect",
                "layer": "below",
                f"{other}ref": "paper",
                f"{other}0": 0,
                f"{other}1": 1,
                f"{axis}ref": axis,
                f"{axis}0": start,
                f"{axis}1": end,
                "fillcolor": BAND_FILLS[band],
                "line": {"width": 0},
            }
        )
    annotations: list[dict] = []
    for name, value, dash in (("Fair", fair, "dot"), ("Good", good, "dash")):
        if value is None:
            continue
        shapes.append(
            {
                "type": "line",
                f"{other}ref": "paper",
                f"{other}0": 0,
                f"{other}1": 1,
                f"{axis}ref": axis,
                f"{axis}0": value,
                f"{axis}1": value,
                "line": {"color": "#555", "width": 1, "dash": dash},
            }
        )
        text = f"{name} ≥ {definition.format(value)}"
        label = {"text": text, "showarrow": False, "font": {"size": 11, "color": "#333"}}
        if axis == "y":  # in the right margin, clear of the latest session's marker
            label |= {
                "xref": "paper",
                "x": 1,
                "xanchor": "left",
                "xshift": 4,
                "yref": "y",
                "y": value,
                "yanchor": "bottom" if name == "Good" else "top",
            }
        else:  # above the plot, fair's to the left of its line and good's to the right
            label |= {
                "yref": "paper",
                "y": 1,
                "yanchor": "bottom",
                "xref": "x",
                "x": value,
                "xanchor": "right" if name == "Fair" else "left",
            }
        annotations.append(label)
    return shapes, annotations


def score_over_time(
    definition: ScoreDefinition,
    sessions: Sequence[Session],
    scale_ranges: Mapping[str, tuple[int, int]],
) -> dict[str, Any]:
    """One summary score per dated session, as a line over time against the threshold bands."""
    dated = [s for s in sessions if s.coding.transcript.session_date is not None]
    values = [s.result.scores.get(definition.slug) for s in dated]
    bands = [s.bands.get(definition.slug) for s in dated]
    low, high = value_range(definition, values, scale_ranges)
    shapes, annotations = threshold_marks(definition, "y", low, high)
    figure = go.Figure(
        go.Scatter(
            x=[s.coding.transcript.session_date.isoformat() for s in dated],
            y=values,
            mode="lines+markers",
            connectgaps=False,
            line={"color": INK, "width": 2},
            marker={
                "symbol": [BAND_SYMBOLS[band] for band in bands],
                "size": 11,
                "color": INK,
                "line": {"color": "white", "width": 1},
            },
            text=[s.coding.transcript.label for s in dated],
            customdata=[
                [definition.format(v), scores.BAND_LABELS.get(b or "", "no threshold")]
                for v, b in zip(values, bands, strict=True)
            ],
            hovertemplate="%{x|%Y-%m-%d} · %{text}<br>"
            + definition.name
            + ": %{customdata[0]} (%{customdata[1]})<extra></extra>",
        ),
        layout=base_layout(
            height=260,
            margin={"l": 48, "r": 78, "t": 18, "b": 36},
            xaxis={
                "type": "date",
                "showgrid": False,
                "tickformat": "%Y-%m-%d",
                "nticks": 6,
                "automargin": True,
            },
            yaxis={
                "range": [low, high],
                "gridcolor": "#e9ecef",
                "zeroline": False,
                "ticksuffix": "%" if definition.percent else "",
            },
            shapes=shapes,
            annotations=annotations,
        ),
    )
    return figure.to_plotly_json()


def score_spread(
    definition: ScoreDefinition,
    points: Sequence[tuple[str, float]],
    distribution: Distribution,
    scale_ranges: Mapping[str, tuple[int, int]],
) -> dict[str, Any]:
    """Each practitioner's mean on one summary score, and a box drawn from ``distribution``:
    the very quartiles, median, minimum and maximum the table under the charts shows, so that
    plotly never computes figures of its own."""
    values = [value for _, value in points]
    low, high = value_range(definition, values, scale_ranges)
    shapes, annotations = threshold_marks(definition, "x", low, high)
    traces: list[Any] = []
    if distribution.n:
        traces.append(
            go.Box(
                y=[0],
                q1=[distribution.q1],
                median=[distribution.median],
                q3=[distribution.q3],
                lowerfence=[distribution.minimum],
                upperfence=[distribution.maximum],
                name=definition.name,
                orientation="h",
                boxpoints=False,
                width=0.6,
                hoverinfo="skip",
                fillcolor="rgba(0,0,0,0)",
                line={"color": INK, "width": 1.5},
                showlegend=False,
            )
        )
    traces.append(
        go.Scatter(
            x=values,
            y=[0] * len(values),
            mode="markers",
            name="Practitioners",
            hovertext=[name for name, _ in points],
            customdata=[definition.format(value, averaged=True) for value in values],
            hovertemplate="%{hovertext}: %{customdata}<extra></extra>",
            marker={"symbol": "circle-open", "color": INK, "size": 7},
            showlegend=False,
        )
    )
    figure = go.Figure(
        traces,
        layout=base_layout(
            height=170,
            margin={"l": 12, "r": 12, "t": 24, "b": 32},
            xaxis={
                "range": [low, high],
                "gridcolor": "#e9ecef",
                "zeroline": False,
                "ticksuffix": "%" if definition.percent else "",
            },
            yaxis={"showticklabels": False, "range": [-0.6, 0.6], "fixedrange": True},
            shapes=shapes,
            annotations=annotations,
        ),
    )
    return figure.to_plotly_json()
