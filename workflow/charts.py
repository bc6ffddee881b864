"""The calibration history as a plotly figure: each coder's mean kappa against the gold
standards over time, with the agency's pass mark.

Nothing is told by colour alone: each coder's line has its own dash pattern and carries the
coder's name at its latest point, and a marker's shape says whether that attempt passed
(circle) or failed (cross), drawn open for a retake, which its tooltip names too. The page
shows the same values in a table beside it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from mi_coding.charts import INK, base_layout
from workflow.selectors.calibration import DriftPoint

DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
COLOURS = [INK, "#b35c00", "#2f7d4f", "#7b3f9e", "#a3313f", "#3d7ea6"]
PASSED_SYMBOL = "circle"
FAILED_SYMBOL = "x"
RETAKE_SUFFIX = "-open"  # a retake's marker is drawn open: shape, not colour, tells it


def _symbol(attempt: Any) -> str:
    symbol = PASSED_SYMBOL if attempt.passed else FAILED_SYMBOL
    return symbol + RETAKE_SUFFIX if attempt.retake else symbol


def drift_figure(drift: Mapping[Any, Sequence[DriftPoint]], pass_mark: float) -> dict[str, Any]:
    """One line per coder (``drift`` maps a coder to their finished attempts, oldest first);
    attempts without a kappa (nothing to compare) leave a gap."""
    traces = []
    annotations = []
    values = [pass_mark]
    for index, (coder, points) in enumerate(drift.items()):
        name = str(getattr(coder, "username", coder))
        kappas = [point.attempt.mean_kappa for point in points]
        values += [kappa for kappa in kappas if kappa is not None]
        traces.append(
            go.Scatter(
                name=name,
                x=[point.attempt.finished_at.isoformat() for point in points],
                y=kappas,
                mode="lines+markers",
                connectgaps=False,
                line={"color": COLOURS[index % len(COLOURS)], "dash": DASHES[index % len(DASHES)]},
                marker={
                    "size": 10,
                    "symbol": [_symbol(point.attempt) for point in points],
                    "color": COLOURS[index % len(COLOURS)],
                },
                text=[
                    point.attempt.training_set.name + (" (retake)" if point.attempt.retake else "")
                    for point in points
                ],
                customdata=["passed" if point.attempt.passed else "failed" for point in points],
                hovertemplate=(
                    f"{name} · %{{x|%Y-%m-%d}}<br>%{{text}}<br>"
                    "mean kappa %{y:.2f} (%{customdata})<extra></extra>"
                ),
            )
        )
        latest = next(
            (point for point in reversed(points) if point.attempt.mean_kappa is not None), None
        )
        if latest is not None:
            annotations.append(
                {
                    "x": latest.attempt.finished_at.isoformat(),
                    "y": latest.attempt.mean_kappa,
                    "text": name,
                    "showarrow": False,
                    "xanchor": "left",
                    "xshift": 8,
                    "font": {"size": 11, "color": COLOURS[index % len(COLOURS)]},
                }
            )
    annotations.append(
        {
            "xref": "paper",
            "x": 0,
            "xanchor": "left",
            "y": pass_mark,
            "yanchor": "bottom",
            "text": f"Pass mark {pass_mark:g}",
            "showarrow": False,
            "font": {"size": 11, "color": "#333"},
        }
    )
    low = min(0.0, min(values) - 0.05)
    times = [p.attempt.finished_at for points in drift.values() for p in points]
    xaxis: dict[str, Any] = {
        "type": "date",
        "showgrid": False,
        "tickformat": "%Y-%m-%d",
        "nticks": 6,
    }
    if times and max(times) - min(times) < datetime.timedelta(days=2):
        # Attempts within a day or two: a week around them, not hours labelled with one date.
        middle = min(times) + (max(times) - min(times)) / 2
        span = datetime.timedelta(days=3, hours=12)
        xaxis["range"] = [(middle - span).isoformat(), (middle + span).isoformat()]
    figure = go.Figure(
        traces,
        layout=base_layout(
            height=280,
            margin={"l": 48, "r": 72, "t": 18, "b": 36},
            xaxis=xaxis,
            yaxis={
                "title": {"text": "Mean kappa against the gold"},
                "range": [low, 1.05],
                "gridcolor": "#e9ecef",
                "zeroline": False,
            },
            shapes=[
                {
                    "type": "line",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "y0": pass_mark,
                    "y1": pass_mark,
                    "line": {"color": "#555", "width": 1, "dash": "dash"},
                }
            ],
            annotations=annotations,
        ),
    )
    return figure.to_plotly_json()
