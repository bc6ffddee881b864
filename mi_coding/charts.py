"""The look every chart shares: one ink colour, one font, a plain white layout.

Plain values only (no plotly import), so any layer may use them.
"""

from typing import Any

INK = "#1f3b73"
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12}


def base_layout(**extra: Any) -> dict[str, Any]:
    return {
        "template": "none",
        "font": FONT,
        "showlegend": False,
        "hovermode": "closest",
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        **extra,
    }
