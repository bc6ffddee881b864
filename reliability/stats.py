"""Inter-rater reliability statistics that match the published reference values.

Pure functions over pandas/numpy data; nothing here touches Django. The statistical libraries
do the computing (pingouin for ICC, statsmodels for Cohen's and Fleiss' kappa, krippendorff
for alpha); this module checks their input, keeps them from their known pitfalls and turns
every degenerate case into an ``Estimate`` whose ``value`` is None and whose ``note`` says why.

Conventions
-----------
* Label data is a DataFrame with one row per unit and one column per coder; a missing rating
  is NaN or None and is left out explicitly (each ``Estimate.n`` says how many units or
  targets a figure rests on).
* Scores for ICC are a DataFrame with one row per target (transcript) and one column per
  rater; only targets rated by every rater enter, and the result says how many were left out.
* In utterance-level statistics an uncoded unit counts as its own category: pass ``NO_CODE``
  as its label.

Entry points
------------
Two coders: ``percent_agreement``, ``cohen_kappa`` (SE and 95% CI, optional linear or
quadratic weights), ``kappa_from_table``, ``confusion_matrix``, and ``presence_kappa`` for
units that may carry several codes (per-code presence/absence kappa and their mean).
Any number of coders: ``fleiss_kappa``, ``fleiss_kappa_counts``, ``krippendorff_alpha``.
Session level: ``icc`` and ``icc_long`` (the six Shrout & Fleiss forms with 95% CIs) and
``cicchetti_band``. ``mean_estimate`` averages estimates and says which it left out.
``value_counts``, the ``*_of_value_counts`` variants and ``count_table`` serve callers that
already hold integer label positions (reliability/agreement.py), sparing conversions on
large data.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import krippendorff
import numpy as np
import pandas as pd
import pingouin
from scipy import stats as scipy_stats
from statsmodels.stats import inter_rater

NO_CODE = "no code"
NEITHER = "neither"
NO_VARIATION = "undefined (no variation)"
CI_LEVEL = 0.95

Level = Literal["nominal", "ordinal", "interval", "ratio"]
Weights = Literal["linear", "quadratic"] | None


# ---------------------------------------------------------------- result type


@dataclass(frozen=True)
class Estimate:
    """One statistic: ``value`` is None exactly when it cannot be computed, and then ``note``
    says why. ``n`` is the number of units (or targets) it rests on; ``se`` and ``ci95`` are
    given where the method defines them; ``details`` holds intermediate quantities (observed
    and expected agreement, mean squares) for those who want to check the arithmetic."""

    value: float | None
    note: str | None = None
    n: int = 0
    se: float | None = None
    ci95: tuple[float, float] | None = None
    details: Mapping[str, float | None] = field(default_factory=dict)

    @classmethod
    def undefined(cls, note: str, n: int = 0) -> Estimate:
        return cls(value=None, note=note, n=n)

    @property
    def defined(self) -> bool:
        return self.value is not None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: never a NaN, a tuple or a numpy scalar."""
        return {
            "value": self.value,
            "se": self.se,
            "ci95": list(self.ci95) if self.ci95 is not None else None,
            "n": self.n,
            "note": self.note,
        }


def finite(value: Any) -> float | None:
    """A plain float, or None for NaN, infinity and None."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


ROUNDING_NOISE = 1e-12


def _ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN where the denominator is zero (plain floats raise)."""
    return numerator / denominator if denominator else math.nan


def _interval(low: Any, high: Any) -> tuple[float, float] | None:
    low, high = finite(low), finite(high)
    return None if low is None or high is None else (low, high)


def mean_estimate(estimates: Mapping[str, Estimate], what: str = "code") -> Estimate:
    """The mean of the defined estimates, saying which ones it leaves out and why."""
    if not estimates:
        return Estimate.undefined(f"no {what} to average")
    if len(estimates) == 1:
        return next(iter(estimates.values()))
    defined = {name: e.value for name, e in estimates.items() if e.value is not None}
    n = max(e.n for e in estimates.values())
    if not defined:
        notes = list(dict.fromkeys(e.note for e in estimates.values() if e.note))
        if len(notes) == 1:
            return Estimate.undefined(notes[0], n=n)
        reasons = f": {'; '.join(notes)}" if notes else ""
        return Estimate.undefined(f"undefined for every {what}{reasons}", n=n)
    missing = [name for name, e in estimates.items() if e.value is None]
    note = None
    if missing:
        note = (
            f"mean of {len(defined)} of {len(estimates)} {what}s; "
            f"undefined for {', '.join(map(str, missing))}"
        )
    return Estimate(value=float(np.mean(list(defined.values()))), note=note, n=n)


# ---------------------------------------------------------------- two coders


def _as_series(values: Iterable[Any] | pd.Series, name: str) -> pd.Series:
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    return series.reset_index(drop=True).rename(name)


def _label_codes(
    first: pd.Series, second: pd.Series, labels: Sequence[Hashable] | None
) -> tuple[np.ndarray, np.ndarray, list[Hashable]]:
    """Both coders' labels as positions in ``labels``; units missing in either are dropped."""
    if len(first) != len(second):
        raise ValueError(
            f"the two coders rated different numbers of units ({len(first)} and {len(second)})"
        )
    both = first.notna().to_numpy() & second.notna().to_numpy()
    first, second = first[both], second[both]
    if labels is None:
        labels = sorted(set(first) | set(second), key=lambda label: (str(type(label)), label))
    index = pd.Index(list(labels))
    if not index.is_unique:
        raise ValueError("labels must not repeat")
    first_codes = index.get_indexer(first)
    second_codes = index.get_indexer(second)
    unknown = sorted(
        {str(v) for v, c in zip(first, first_codes, strict=True) if c < 0}
        | {str(v) for v, c in zip(second, second_codes, strict=True) if c < 0}
    )
    if unknown:
        raise ValueError(f"labels not in the label list: {', '.join(unknown)}")
    return first_codes, second_codes, list(labels)


def count_table(first: np.ndarray, second: np.ndarray, k: int) -> np.ndarray:
    """k × k counts of two coders' label positions (0 … k-1), rows the first coder."""
    return np.bincount(first * k + second, minlength=k * k).reshape(k, k)


def presence_table(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """2 × 2 counts of one code's absence (row/column 0) and presence (1) in two coders'
    boolean arrays over the same units; rows the first coder."""
    first, second = np.asarray(first, dtype=bool), np.asarray(second, dtype=bool)
    return count_table(first.astype(np.int64), second.astype(np.int64), 2)


def exclusive_set_confusion(
    first: np.ndarray, second: np.ndarray, members: Sequence[str]
) -> pd.DataFrame:
    """Confusion of a set of codes that exclude each other (SR vs CR) between two coders.

    ``first`` and ``second`` are boolean arrays (members × units) of each coder's codes. Each
    unit falls in the one member present or in "neither"; a unit holding several members
    (saved before the scheme declared the set) falls in a category of its own ("SR + CR"),
    shown only where it occurs. Rows are the first coder's categories."""
    first, second = np.asarray(first, dtype=bool), np.asarray(second, dtype=bool)
    if first.shape != second.shape or first.shape[0] != len(members):
        raise ValueError("one row of presence per member, the same units for both coders")

    def labels(presence: np.ndarray) -> list[str]:
        return [
            " + ".join(m for m, bit in zip(members, column, strict=True) if bit) or NEITHER
            for column in presence.T.tolist()
        ]

    a, b = labels(first), labels(second)
    extra = sorted(set(a + b) - {*members, NEITHER}, key=lambda name: (name.count("+"), name))
    categories = [*members, NEITHER, *extra]
    table = pd.crosstab(
        pd.Categorical(a, categories=categories),
        pd.Categorical(b, categories=categories),
        dropna=False,
    )
    return pd.DataFrame(table.to_numpy(), index=categories, columns=categories)


def confusion_matrix(
    a: Iterable[Any], b: Iterable[Any], labels: Sequence[Hashable] | None = None
) -> pd.DataFrame:
    """Counts of (coder A's label, coder B's label) over the units both rated.

    Rows are A's labels and columns B's, in the order of ``labels`` (default: every label
    used, sorted); a label outside ``labels`` is an error, never silently dropped.
    """
    first, second, labels = _label_codes(_as_series(a, "a"), _as_series(b, "b"), labels)
    table = count_table(first, second, len(labels))
    return pd.DataFrame(table, index=list(labels), columns=list(labels))


def percent_agreement(a: Iterable[Any], b: Iterable[Any]) -> Estimate:
    """Share of the units both coders rated on which they gave the same label."""
    first, second = _as_series(a, "a"), _as_series(b, "b")
    first_codes, second_codes, _ = _label_codes(first, second, None)
    return agreement_of_codes(first_codes, second_codes)


def agreement_of_codes(first: np.ndarray, second: np.ndarray) -> Estimate:
    """Percent agreement of two coders' label positions for the units both rated."""
    n = len(first)
    if n == 0:
        return Estimate.undefined("no unit was rated by both coders")
    return Estimate(value=float(np.mean(first == second)), n=n)


def kappa_from_table(
    table: Any, labels: Sequence[Hashable] | None = None, weights: Weights = None
) -> Estimate:
    """Cohen's kappa of a square table of counts (rows coder A, columns coder B), with its
    asymptotic standard error and 95% confidence interval (statsmodels, as SAS PROC FREQ).

    ``weights`` "linear" or "quadratic" gives weighted kappa; the weights follow the order of
    the table's rows, so the table must hold every category in its natural order.
    """
    counts = np.asarray(table, dtype=float)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"a kappa table must be square, not {counts.shape}")
    if not np.isfinite(counts).all() or (counts < 0).any():
        raise ValueError("a kappa table holds non-negative counts")
    total = counts.sum()
    n = int(round(total))
    if total == 0:
        return Estimate.undefined("no unit was rated by both coders")
    agreement = _agreement_weights(counts.shape[0], weights)
    shares = counts / total
    po = float((agreement * shares).sum())
    pe = float((agreement * np.outer(shares.sum(axis=1), shares.sum(axis=0))).sum())
    details = {"po": po, "pe": pe}
    if math.isclose(pe, 1.0) or counts.shape[0] < 2:
        used = [i for i in range(counts.shape[0]) if counts[i].sum() or counts[:, i].sum()]
        label = labels[used[0]] if labels is not None and used else "one label"
        return Estimate(
            value=None,
            note=f"{NO_VARIATION}: both coders gave every unit {_quote(label)}",
            n=n,
            details=details,
        )
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = inter_rater.cohens_kappa(counts, wt=weights)
    value = finite(result.kappa)
    if value is None:
        return Estimate(value=None, note=NO_VARIATION, n=n, details=details)
    return Estimate(
        value=value,
        n=n,
        se=finite(result.std_kappa),
        ci95=_interval(result.kappa_low, result.kappa_upp),
        details=details,
    )


def _agreement_weights(k: int, weights: Weights) -> np.ndarray:
    """How much each (row, column) cell counts as agreement: the identity for plain kappa,
    1 - |i - j| / (k - 1) for linear and 1 - ((i - j) / (k - 1))² for quadratic weights."""
    if weights is None or k < 2:
        return np.eye(k)
    distance = np.abs(np.subtract.outer(np.arange(k), np.arange(k))) / (k - 1)
    if weights == "linear":
        return 1 - distance
    if weights == "quadratic":
        return 1 - distance**2
    raise ValueError(f"weights are linear, quadratic or None, not {weights!r}")


def _quote(label: Any) -> str:
    if isinstance(label, str):
        return f"“{label}”"
    if isinstance(label, float | np.floating):
        return _format_number(float(label))
    return str(label)


def cohen_kappa(
    a: Iterable[Any],
    b: Iterable[Any],
    labels: Sequence[Hashable] | None = None,
    weights: Weights = None,
) -> Estimate:
    """Cohen's kappa of two coders' labels for the same units, with SE and 95% CI.

    Units either coder left unrated (None or NaN) are left out; ``n`` says how many remain.
    For weighted kappa pass the full ordered ``labels`` so the weights follow the scale.
    """
    first, second, labels = _label_codes(_as_series(a, "a"), _as_series(b, "b"), labels)
    return kappa_from_table(count_table(first, second, len(labels)), labels=labels, weights=weights)


@dataclass(frozen=True)
class PresenceKappa:
    """Per-code presence/absence kappa for units that may carry several codes."""

    per_code: dict[str, Estimate]
    mean: Estimate


def presence_kappa(
    a: Sequence[Iterable[str] | None], b: Sequence[Iterable[str] | None], codes: Sequence[str]
) -> PresenceKappa:
    """For each code, Cohen's kappa of "has the code" against "has not", over the units both
    coders rated (None marks a unit a coder did not rate), and the mean over the codes."""
    if len(a) != len(b):
        raise ValueError(f"the two coders rated different numbers of units ({len(a)} and {len(b)})")
    position = {code: i for i, code in enumerate(codes)}
    rated = np.array([x is not None and y is not None for x, y in zip(a, b, strict=True)])
    first = _presence_matrix([x for x, r in zip(a, rated, strict=True) if r], position)
    second = _presence_matrix([y for y, r in zip(b, rated, strict=True) if r], position)
    per_code = {
        code: code_presence_kappa(first[:, i], second[:, i], code) for i, code in enumerate(codes)
    }
    return PresenceKappa(per_code=per_code, mean=mean_estimate(per_code))


def _presence_matrix(units: list[Iterable[str]], position: Mapping[str, int]) -> np.ndarray:
    matrix = np.zeros((len(units), len(position)), dtype=bool)
    for row, unit_codes in enumerate(units):
        for code in unit_codes:
            if code not in position:
                raise ValueError(f"code {code!r} is not among the codes compared")
            matrix[row, position[code]] = True
    return matrix


def code_presence_kappa(first: np.ndarray, second: np.ndarray, code: str) -> Estimate:
    """Presence/absence kappa of one code from two coders' boolean arrays; a code neither
    coder used is undefined."""
    return presence_table_kappa(
        count_table(first.astype(np.int64), second.astype(np.int64), 2), code
    )


def presence_table_kappa(table: np.ndarray, code: str) -> Estimate:
    """Presence/absence kappa of one code from its 2 × 2 table (absent, present), rows the
    first coder; a code neither coder used, or both put on every unit, is undefined."""
    n = int(table.sum())
    if n and table[0, 0] == n:
        return Estimate(value=None, note=f"{NO_VARIATION}: neither coder used {code}", n=n)
    if n and table[1, 1] == n:
        return Estimate(
            value=None, note=f"{NO_VARIATION}: both coders put {code} on every unit", n=n
        )
    return kappa_from_table(table, labels=["absent", "present"])


# ---------------------------------------------------------------- any number of coders


def _frame_codes(ratings: pd.DataFrame) -> tuple[np.ndarray, list[Hashable]]:
    """A units × coders frame as integer label positions, -1 where a rating is missing."""
    if not isinstance(ratings, pd.DataFrame):
        raise TypeError("ratings must be a DataFrame: one row per unit, one column per coder")
    if not ratings.columns.is_unique:
        raise ValueError("each coder must appear once among the columns")
    stacked = ratings.stack(future_stack=True)
    categorical = pd.Categorical(stacked)
    codes = np.asarray(categorical.codes, dtype=np.int64).reshape(ratings.shape)
    return codes, list(categorical.categories)


def fleiss_kappa_counts(counts: Any) -> Estimate:
    """Fleiss' kappa of a subjects × categories table of rating counts (statsmodels).

    Every subject needs the same number of ratings; statsmodels asserts this, so a table that
    breaks it is refused here with a clear message.
    """
    table = np.asarray(counts, dtype=float)
    if table.ndim != 2:
        raise ValueError(f"a Fleiss table is subjects × categories, not {table.shape}")
    if not np.isfinite(table).all() or (table < 0).any() or (table != np.round(table)).any():
        raise ValueError("a Fleiss table holds whole, non-negative counts")
    if table.shape[0] == 0:
        return Estimate.undefined("no unit was rated by every coder")
    per_subject = row_sums(table)
    if (per_subject != per_subject[0]).any():
        raise ValueError(
            "Fleiss' kappa needs the same number of ratings for every unit "
            f"(found {sorted(set(per_subject.astype(int).tolist()))})"
        )
    return _fleiss(table, int(per_subject[0]), np.ones(table.shape[0], dtype=np.int64))


def _fleiss(table: np.ndarray, raters: int, weights: np.ndarray) -> Estimate:
    """Fleiss' kappa of a checked table in which every subject has ``raters`` ratings and
    each row stands for ``weights`` identical subjects."""
    subjects = int(weights.sum())
    if subjects == 0:
        return Estimate.undefined("no unit was rated by every coder")
    if raters < 2:
        return Estimate.undefined("needs ratings from at least two coders", n=subjects)
    shares = (table * weights[:, None]).sum(axis=0) / (subjects * raters)
    p_e = float(shares @ shares)
    agreement = (row_sums(table**2) - raters) / (raters * (raters - 1))
    p_bar = float(agreement @ weights / subjects)
    details = {"p_bar": p_bar, "p_e": p_e}
    if math.isclose(p_e, 1.0):
        return Estimate(
            value=None,
            note=f"{NO_VARIATION}: every rating was the same",
            n=subjects,
            details=details,
        )
    full = table if (weights == 1).all() else np.repeat(table, weights, axis=0)
    value = finite(inter_rater.fleiss_kappa(full, method="fleiss"))
    return Estimate(
        value=value, note=None if value is not None else NO_VARIATION, n=subjects, details=details
    )


def fleiss_kappa(ratings: pd.DataFrame) -> Estimate:
    """Fleiss' kappa of a units × coders frame of labels.

    Fleiss' kappa needs every unit rated by every coder, so units with a missing rating are
    left out (the note says how many) rather than counted as a category of their own.
    """
    codes, labels = _frame_codes(ratings)
    return fleiss_kappa_of_value_counts(value_counts(codes.T, len(labels)), codes.shape[1])


def fleiss_kappa_of_value_counts(
    counts: np.ndarray, raters: int, weights: np.ndarray | None = None
) -> Estimate:
    """``fleiss_kappa`` of a units × categories table of counts from ``raters`` coders, in
    which a unit some coder did not rate has fewer ratings and is left out. ``weights`` says
    how many units each row stands for (default one each)."""
    if raters < 2:
        return Estimate.undefined("needs ratings from at least two coders")
    weights = _unit_weights(counts, weights)
    per_unit = row_sums(counts)
    complete = per_unit == raters
    left_out = int(weights[~complete & (per_unit >= 2)].sum())
    result = _fleiss(counts[complete].astype(float), raters, weights[complete])
    if left_out and result.note is None:
        units = int(weights[complete].sum())
        return Estimate(
            value=result.value,
            note=f"on the {units} units rated by every coder; {left_out} left out",
            n=units,
            details=result.details,
        )
    return result


def krippendorff_alpha(
    ratings: pd.DataFrame,
    level: Level = "nominal",
    value_domain: Sequence[float] | None = None,
) -> Estimate:
    """Krippendorff's alpha of a units × coders frame; missing ratings are gaps, as alpha
    allows. ``level`` must be said (the library's default is interval): "nominal" for codes,
    "ordinal" or "interval" for global ratings, whose ``value_domain`` is the scale's values.
    """
    if not isinstance(ratings, pd.DataFrame):
        raise TypeError("ratings must be a DataFrame: one row per unit, one column per coder")
    if level == "nominal":
        codes, labels = _frame_codes(ratings)
        domain = np.arange(len(labels), dtype=float)
        shown = labels
    else:
        numeric = ratings.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
        observed = np.unique(numeric[~np.isnan(numeric)])
        domain = np.asarray(sorted(value_domain), dtype=float) if value_domain else observed
        if not np.isin(observed, domain).all():
            raise ValueError(f"ratings outside the scale {list(domain)}")
        codes = np.where(np.isnan(numeric), -1, np.searchsorted(domain, numeric)).astype(np.int64)
        shown = list(domain)
    if codes.shape[1] < 2:
        return Estimate.undefined("needs ratings from at least two coders")
    return alpha_of_value_counts(value_counts(codes.T, len(domain)), domain, shown, level)


def alpha_of_value_counts(
    counts: np.ndarray,
    domain: np.ndarray,
    shown: Sequence[Any],
    level: Level,
    weights: np.ndarray | None = None,
) -> Estimate:
    """``krippendorff_alpha`` of a units × values table of how many coders gave each value
    (``domain``) to each unit; ``shown`` names the values for notes; ``weights`` says how
    many units each row stands for (default one each)."""
    weights = _unit_weights(counts, weights)
    pairable = row_sums(counts) >= 2
    counts, weights = counts[pairable], weights[pairable]
    n = int(weights.sum())
    if n == 0:
        return Estimate.undefined("no unit was rated by two coders")
    used = counts.sum(axis=0) > 0
    if used.sum() < 2:
        value = shown[int(np.flatnonzero(used)[0])]
        return Estimate(value=None, note=f"{NO_VARIATION}: every rating was {_quote(value)}", n=n)
    with np.errstate(all="ignore"):
        value = finite(
            krippendorff.alpha(
                value_counts=_pool_agreement(counts[:, used], weights),
                value_domain=domain[used],
                level_of_measurement=level,
            )
        )
    return Estimate(value=value, note=None if value is not None else NO_VARIATION, n=n)


def value_counts(codes_by_coder: np.ndarray, k: int) -> np.ndarray:
    """Units × k counts of how many coders gave each label position to each unit, from a
    coders × units array of label positions (-1 where a coder did not rate the unit)."""
    units = codes_by_coder.shape[1]
    rated = codes_by_coder >= 0
    flat = (codes_by_coder + np.arange(units) * k)[rated]
    return np.bincount(flat, minlength=units * k).reshape(units, k)


def row_sums(table: np.ndarray) -> np.ndarray:
    """Sum over the columns of a tall, narrow table, column by column: numpy reduces a
    short second axis many times slower than it adds whole columns."""
    total = np.zeros(table.shape[0], dtype=np.result_type(table.dtype, np.int64))
    for column in range(table.shape[1]):
        total += table[:, column]
    return total


def _unit_weights(counts: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    if weights is None:
        return np.ones(counts.shape[0], dtype=np.int64)
    weights = np.asarray(weights, dtype=np.int64)
    if weights.shape != (counts.shape[0],) or (weights < 0).any():
        raise ValueError("weights give a non-negative number of units for each row")
    return weights


def _pool_agreement(counts: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The units for the library: those on which every coder agrees pooled into one unit
    per value, the others repeated as often as their weight says.

    Alpha depends on the data only through the coincidence matrix, where a unit whose m
    ratings all equal v adds m(m-1)/(m-1) = m to cell (v, v) and nothing elsewhere. One
    pooled unit holding all such ratings of v adds their sum: the same matrix, hence the
    same alpha, while the library's per-unit work shrinks with the agreement.
    """
    agreeing = row_sums(counts > 0) == 1
    pooled = np.diag((counts[agreeing] * weights[agreeing, None]).sum(axis=0))
    pooled = pooled[pooled.sum(axis=1) > 0]
    return np.vstack([np.repeat(counts[~agreeing], weights[~agreeing], axis=0), pooled])


# ---------------------------------------------------------------- intraclass correlation

ICC_FORMS = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
# pingouin 0.7 labels rows by McGraw & Wong; older releases used ICC1..ICC3k.
_PINGOUIN_TYPES = {
    "ICC(1,1)": "ICC1",
    "ICC(A,1)": "ICC2",
    "ICC(C,1)": "ICC3",
    "ICC(1,k)": "ICC1k",
    "ICC(A,k)": "ICC2k",
    "ICC(C,k)": "ICC3k",
    **{form: form for form in ICC_FORMS},
}
ICC_NAMES = {
    "ICC1": "ICC(1,1): one-way random, single rater",
    "ICC2": "ICC(2,1) = ICC(A,1): two-way random, absolute agreement, single rater",
    "ICC3": "ICC(3,1) = ICC(C,1): two-way mixed, consistency, single rater",
    "ICC1k": "ICC(1,k): one-way random, mean of k raters",
    "ICC2k": "ICC(2,k) = ICC(A,k): two-way random, absolute agreement, mean of k raters",
    "ICC3k": "ICC(3,k) = ICC(C,k): two-way mixed, consistency, mean of k raters",
}

POOR, FAIR, GOOD, EXCELLENT = "poor", "fair", "good", "excellent"


def cicchetti_band(value: float | None) -> str | None:
    """Cicchetti (1994): below .40 poor, .40–.59 fair, .60–.74 good, .75 and above excellent."""
    if value is None:
        return None
    if value < 0.40:
        return POOR
    if value < 0.60:
        return FAIR
    if value < 0.75:
        return GOOD
    return EXCELLENT


def icc_range(form: str, raters: int) -> tuple[float, float]:
    """The values an ICC form can take with ``raters`` raters: a single-rater form lies in
    [−1/(k−1), 1], an average-of-k form in (−∞, 1]."""
    if form.endswith("k"):
        return (-math.inf, 1.0)
    return (-1.0 / (raters - 1) if raters > 1 else -math.inf, 1.0)


def icc_interval_note(form: str, ci95: tuple[float, float] | None, raters: int) -> str | None:
    """What to say of an ICC's 95% interval with a bound outside the range the ICC can take
    (the F-based bounds are not confined to it): it rests on too few transcripts, or too
    little spread between them, to be read as more than "very uncertain"."""
    if ci95 is None:
        return None
    low, high = icc_range(form, raters)
    outside = [
        bound for bound in ci95 if bound < low - ROUNDING_NOISE or bound > high + ROUNDING_NOISE
    ]
    if not outside:
        return None
    name = ICC_NAMES.get(form, form).split(" ")[0].rstrip(":")
    shown = " and ".join(f"{bound:.2f}".replace("-", "−") for bound in outside)
    limits = f"{low:g} to {high:g}" if math.isfinite(low) else f"at most {high:g}"
    return (
        f"the 95% interval of {name} reaches {shown}, outside the values it can take with "
        f"{raters} coders ({limits.replace('-', '−')}): too few transcripts or too little "
        "spread between them for a usable interval"
    )


def icc_value_note(form: str, value: float | None, raters: int) -> str | None:
    """What to say of an ICC estimate outside the range its form can take (the absolute-
    agreement form can fall below −1/(k−1) when the coders' offsets outweigh the spread)."""
    if value is None:
        return None
    low, high = icc_range(form, raters)
    if low - ROUNDING_NOISE <= value <= high + ROUNDING_NOISE:
        return None
    name = ICC_NAMES.get(form, form).split(" ")[0].rstrip(":")
    return (
        f"{name} = {value:.2f} lies outside {low:g} to {high:g}, the values it can take with "
        f"{raters} coders: the coders' offsets outweigh the differences between transcripts"
    ).replace("-", "−")


@dataclass(frozen=True)
class IccResult:
    """The six Shrout & Fleiss forms, each with its 95% CI, on ``targets`` complete targets
    rated by ``raters`` raters; ``left_out`` targets lacked a rating."""

    forms: dict[str, Estimate]
    targets: int
    raters: int
    left_out: int = 0
    note: str | None = None
    mean_squares: Mapping[str, float] = field(default_factory=dict)

    @property
    def band(self) -> str | None:
        """Cicchetti's band of ICC(2,1), the form reported for agreement between coders."""
        return cicchetti_band(self.forms["ICC2"].value)

    @property
    def values(self) -> dict[str, float | None]:
        return {form: self.forms[form].value for form in ICC_FORMS}

    @property
    def intervals(self) -> dict[str, tuple[float, float] | None]:
        return {form: self.forms[form].ci95 for form in ICC_FORMS}


def _icc_undefined(note: str, targets: int, raters: int, left_out: int) -> IccResult:
    estimate = Estimate.undefined(note, n=targets)
    return IccResult(
        forms=dict.fromkeys(ICC_FORMS, estimate),
        targets=targets,
        raters=raters,
        left_out=left_out,
        note=note,
    )


def icc_long(data: pd.DataFrame, targets: str, raters: str, ratings: str) -> IccResult:
    """ICC of long data (one row per target and rater). A repeated (target, rater) pair is an
    error: pingouin would average it silently."""
    repeated = data.duplicated([targets, raters], keep=False)
    if repeated.any():
        pairs = data.loc[repeated, [targets, raters]].drop_duplicates().head(5)
        shown = ", ".join(f"({t}, {r})" for t, r in pairs.itertuples(index=False))
        raise ValueError(f"each target needs at most one rating per rater; repeated: {shown}")
    wide = data.pivot(index=targets, columns=raters, values=ratings)
    return icc(wide)


def icc(scores: pd.DataFrame) -> IccResult:
    """All six ICC forms of a targets × raters table, with 95% confidence intervals.

    Values come from pingouin. pingouin rounds its CI column to two decimals, so the
    intervals are computed here at full precision from the ANOVA mean squares with the
    F-based formulas of Shrout & Fleiss (1979) for ICC(1) and ICC(3) and McGraw & Wong
    (1996) for ICC(A,1), and carried to the k-rater forms by Spearman–Brown.
    Targets lacking a rating are left out (listwise), never imputed.
    """
    if not isinstance(scores, pd.DataFrame):
        raise TypeError("scores must be a DataFrame: one row per target, one column per rater")
    if not scores.columns.is_unique or not scores.index.is_unique:
        raise ValueError("each target and each rater must appear once")
    matrix = scores.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
    complete = ~np.isnan(matrix).any(axis=1) if matrix.size else np.zeros(len(scores), bool)
    matrix = matrix[complete]
    n, k = matrix.shape
    left_out = int((~complete).sum())
    if k < 2:
        return _icc_undefined("needs ratings from at least two coders", n, k, left_out)
    # Two targets at the least; pingouin's ANOVA also wants five ratings in all.
    fewest = max(2, math.ceil(5 / k))
    if n < fewest:
        return _icc_undefined(
            f"needs at least {fewest} transcripts rated by every coder ({n} here)", n, k, left_out
        )
    squares = _mean_squares(matrix)
    if squares["total"] == 0:
        only = _format_number(matrix[0, 0])
        return _icc_undefined(
            f"{NO_VARIATION}: every coder gave every transcript {only}", n, k, left_out
        )
    values = _pingouin_icc(matrix)
    intervals = _icc_intervals(values["ICC2"], squares, n, k)
    # A form whose denominator vanishes is 0/0 or x/0: pingouin then returns whatever its
    # rounding leaves (±inf, NaN, or a finite value that depends on the order of the data).
    defined = _icc_denominators(squares, n, k)
    forms = {}
    for form in ICC_FORMS:
        value = finite(values[form]) if defined[form] else None
        if value is not None and abs(value) < ROUNDING_NOISE:
            value = 0.0  # pingouin's floating-point residue, not a real ±1e-16
        if value is None:
            forms[form] = Estimate.undefined(
                f"{NO_VARIATION}: the transcripts do not differ beyond the coders' offsets", n=n
            )
        else:
            forms[form] = Estimate(value=value, n=n, ci95=intervals[form])
    note = None
    if left_out:
        note = f"{left_out} transcript(s) left out: not rated by every coder"
    return IccResult(
        forms=forms,
        targets=n,
        raters=k,
        left_out=left_out,
        note=note,
        mean_squares={key: value for key, value in squares.items() if key != "total"},
    )


def _format_number(value: float) -> str:
    return f"{value:g}"


def _mean_squares(matrix: np.ndarray) -> dict[str, float]:
    """Two-way ANOVA without replication: between targets, within targets, between raters
    (judges) and residual error. Sums of squares within rounding of zero are zero."""
    n, k = matrix.shape
    grand = matrix.mean()
    ss_total = float(((matrix - grand) ** 2).sum())
    tolerance = 1e-10 * ss_total

    def clean(value: float) -> float:
        return value if value > tolerance else 0.0

    ss_targets = clean(float(k * ((matrix.mean(axis=1) - grand) ** 2).sum()))
    ss_raters = clean(float(n * ((matrix.mean(axis=0) - grand) ** 2).sum()))
    return {
        "total": ss_total,
        "between_targets": ss_targets / (n - 1),
        "within_targets": clean(ss_total - ss_targets) / (n * (k - 1)),
        "raters": ss_raters / (k - 1),
        "error": clean(ss_total - ss_targets - ss_raters) / ((n - 1) * (k - 1)),
    }


def _icc_denominators(squares: Mapping[str, float], n: int, k: int) -> dict[str, bool]:
    """Whether each form's denominator (Shrout & Fleiss; McGraw & Wong) is clear of zero,
    judged against the data's total mean square so that rounding does not count."""
    ms_r, ms_w = squares["between_targets"], squares["within_targets"]
    ms_c, ms_e = squares["raters"], squares["error"]
    denominators = {
        "ICC1": ms_r + (k - 1) * ms_w,
        "ICC2": ms_r + (k - 1) * ms_e + k * (ms_c - ms_e) / n,
        "ICC3": ms_r + (k - 1) * ms_e,
        "ICC1k": ms_r,
        "ICC2k": ms_r + (ms_c - ms_e) / n,
        "ICC3k": ms_r,
    }
    scale = squares["total"] / (n * k - 1)
    return {form: value > 1e-9 * scale for form, value in denominators.items()}


def _pingouin_icc(matrix: np.ndarray) -> dict[str, float]:
    n, k = matrix.shape
    long = pd.DataFrame(
        {
            "target": np.repeat(np.arange(n), k),
            "rater": np.tile(np.arange(k), n),
            "rating": matrix.ravel(),
        }
    )
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        table = pingouin.intraclass_corr(
            data=long, targets="target", raters="rater", ratings="rating"
        )
    values = {}
    for label, value in zip(table["Type"], table["ICC"], strict=True):
        form = _PINGOUIN_TYPES.get(label)
        if form is None:
            raise RuntimeError(f"unexpected ICC type {label!r} from pingouin")
        values[form] = float(value)
    if set(values) != set(ICC_FORMS):
        raise RuntimeError(f"pingouin gave {sorted(values)}, not the six ICC forms")
    return values


def _icc_intervals(
    icc2: float, squares: Mapping[str, float], n: int, k: int
) -> dict[str, tuple[float, float] | None]:
    tail = 1 - (1 - CI_LEVEL) / 2
    ms_r, ms_w = squares["between_targets"], squares["within_targets"]
    ms_c, ms_e = squares["raters"], squares["error"]

    def f_bounds(f_value: float, df1: float, df2: float) -> tuple[float, float]:
        return (
            f_value / scipy_stats.f.ppf(tail, df1, df2),
            f_value * scipy_stats.f.ppf(tail, df2, df1),
        )

    def single(bounds: tuple[float, float]) -> tuple[float, float] | None:
        return _interval(*(_ratio(f - 1, f + k - 1) for f in bounds))

    def average(bounds: tuple[float, float]) -> tuple[float, float] | None:
        return _interval(*(1 - _ratio(1, f) for f in bounds))

    intervals: dict[str, tuple[float, float] | None] = dict.fromkeys(ICC_FORMS)
    with np.errstate(all="ignore"):
        if ms_w > 0:
            one_way = f_bounds(ms_r / ms_w, n - 1, n * (k - 1))
            intervals["ICC1"], intervals["ICC1k"] = single(one_way), average(one_way)
        if ms_e > 0:
            two_way = f_bounds(ms_r / ms_e, n - 1, (n - 1) * (k - 1))
            intervals["ICC3"], intervals["ICC3k"] = single(two_way), average(two_way)
        if ms_e > 0 and finite(icc2) is not None and icc2 < 1:
            intervals["ICC2"] = _icc_a1_interval(icc2, ms_r, ms_c, ms_e, n, k, tail)
            if intervals["ICC2"] is not None:
                intervals["ICC2k"] = _interval(
                    *(_ratio(k * x, 1 + (k - 1) * x) for x in intervals["ICC2"])
                )
    return intervals


def _icc_a1_interval(
    rho: float, ms_r: float, ms_c: float, ms_e: float, n: int, k: int, tail: float
) -> tuple[float, float] | None:
    """McGraw & Wong (1996) interval for ICC(A,1), with Satterthwaite's degrees of freedom."""
    a = k * rho / (n * (1 - rho))
    b = 1 + k * rho * (n - 1) / (n * (1 - rho))
    v = _ratio(
        (a * ms_c + b * ms_e) ** 2,
        (a * ms_c) ** 2 / (k - 1) + (b * ms_e) ** 2 / ((n - 1) * (k - 1)),
    )
    if not math.isfinite(v) or v <= 0:
        return None
    f_star = scipy_stats.f.ppf(tail, n - 1, v)
    f_star_inverse = scipy_stats.f.ppf(tail, v, n - 1)
    spread = k * ms_c + (k * n - k - n) * ms_e
    low = _ratio(n * (ms_r - f_star * ms_e), f_star * spread + n * ms_r)
    high = _ratio(n * (f_star_inverse * ms_r - ms_e), spread + n * f_star_inverse * ms_r)
    return _interval(low, high)
