"""Plotly figures for the reliability page, built in Python and handed to the page as JSON."""

from __future__ import annotations

import json
from typing import Any

import plotly.graph_objects as go

from reliability.agreement import PairAgreement


def confusion_figure(pair: PairAgreement, cells_url: str) -> dict[str, Any]:
    """The pair's confusion matrix as a heatmap. Rows are the first coder's codes, columns
    the second's; the page opens ``cells_url`` with the clicked cell's ``row`` and ``col``."""
    first, second = (str(coder) for coder in pair.coders)
    matrix = pair.confusion
    rows = [str(label) for label in matrix.index]
    columns = [str(label) for label in matrix.columns]
    counts = matrix.to_numpy().tolist()
    size = max(len(rows), len(columns))
    figure = go.Figure(
        go.Heatmap(
            z=counts,
            x=columns,
            y=rows,
            text=[[str(n) if n else "" for n in row] for row in counts],
            texttemplate="%{text}",
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
    return {**json.loads(figure.to_json()), "cells_url": cells_url}
