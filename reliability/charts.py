"""Plotly figures for the reliability page, built in Python and handed to the page as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go

from reliability.agreement import PairAgreement


def confusion_figure(pair: PairAgreement, cell_url: Callable[[str, str], str]) -> dict[str, Any]:
    """The pair's confusion matrix as a heatmap; each cell carries the URL of its utterances
    so a click opens them. Rows are the first coder's codes, columns the second's."""
    first, second = (str(coder) for coder in pair.coders)
    matrix = pair.confusion
    rows = [str(label) for label in matrix.index]
    columns = [str(label) for label in matrix.columns]
    counts = matrix.to_numpy().tolist()
    urls = [[cell_url(row, column) for column in columns] for row in rows]
    size = max(len(rows), len(columns))
    figure = go.Figure(
        go.Heatmap(
            z=counts,
            x=columns,
            y=rows,
            text=[[str(n) if n else "" for n in row] for row in counts],
            texttemplate="%{text}",
            customdata=urls,
            colorscale="Blues",
            showscale=False,
            xgap=1,
            ygap=1,
            hovertemplate=(
                f"{first}: %{{y}}<br>{second}: %{{x}}<br>%{{z}} utterance(s)"
                "<br>Click to list them<extra></extra>"
            ),
        )
    )
    # Small matrices keep square-ish cells; large ones (many code sets) fill the width.
    layout: dict[str, Any] = {"width": 200 + 64 * size} if size <= 12 else {}
    figure.update_layout(
        xaxis={"title": {"text": second}, "side": "top", "type": "category", "tickangle": -45},
        yaxis={"title": {"text": first}, "autorange": "reversed", "type": "category"},
        margin={"l": 140, "r": 10, "t": 120, "b": 10},
        height=200 + (34 if size <= 12 else 24) * size,
        font={"size": 12 if size <= 12 else 10},
        **layout,
    )
    return json.loads(figure.to_json())
