"""Formatting of reliability statistics for the page: undefined values read as a dash."""

from __future__ import annotations

from django import template

from reliability.stats import cicchetti_band

register = template.Library()


@register.filter
def stat(value: float | None, digits: int = 2) -> str:
    """A statistic to ``digits`` decimals, with a true minus sign; "—" when undefined."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}"
    return text.replace("-", "−")


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def interval(value: tuple[float, float] | None) -> str:
    if value is None:
        return "—"
    return f"[{stat(value[0])}, {stat(value[1])}]"


@register.filter
def band_class(band: str | None) -> str:
    return {
        "poor": "text-bg-danger",
        "fair": "text-bg-warning",
        "good": "text-bg-info",
        "excellent": "text-bg-success",
    }.get(band or "", "text-bg-light")


@register.filter
def cicchetti(value: float | None) -> str | None:
    return cicchetti_band(value)
