"""Every utterance-level statistic of one coding dimension, from the coders' codes.

Pure, like reliability/stats.py, which does the statistics: this module turns the codes of
several coders on the same units into categories (single-code dimensions: each code plus
"no code"; multi-code dimensions: the set of codes, and each code's presence or absence)
and composes the per-pair, per-code and dimension-wide figures.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reliability.stats import (
    NO_CODE,
    NO_VARIATION,
    Estimate,
    agreement_of_codes,
    alpha_of_value_counts,
    count_table,
    exclusive_set_confusion,
    fleiss_kappa_of_value_counts,
    kappa_from_table,
    mean_estimate,
    presence_table,
    presence_table_kappa,
    value_counts,
)

FEWER_THAN_TWO = "needs units rated by at least two coders"


@dataclass(frozen=True)
class PairAgreement:
    """Two coders on the units both rated. ``confusion`` has the first coder's labels as
    rows; for a multi-code dimension a label is the set of codes joined by " + "."""

    coders: tuple[Hashable, Hashable]
    units: int
    cohen_kappa: Estimate
    percent_agreement: Estimate
    confusion: pd.DataFrame
    per_code: dict[str, Estimate]
    # Multi-code dimensions: each code's 2 × 2 table (rows the first coder; absent, present)
    # and the confusion of each set of codes the scheme declares exclusive (SR vs CR).
    presence: dict[str, np.ndarray] = field(default_factory=dict)
    sets: list[pd.DataFrame] = field(default_factory=list)


@dataclass(frozen=True)
class CodeAgreement:
    """One code as presence/absence: kappa (mean over pairs), alpha, Fleiss and prevalence
    (the share of ratings in which the code is present)."""

    cohen_kappa: Estimate
    krippendorff_alpha: Estimate
    fleiss_kappa: Estimate
    prevalence: Estimate


@dataclass(frozen=True)
class Agreement:
    """Every utterance-level statistic of one dimension.

    Single-code dimensions treat each code and "no code" as a category. Multi-code dimensions
    report per-code presence/absence statistics, and their dimension-wide kappa, alpha and
    Fleiss' kappa are the means over codes; their percent agreement counts a unit as agreed
    when both coders gave it the same set of codes. ``cohen_kappa`` and
    ``percent_agreement`` are means over coder pairs.
    """

    coders: list[Hashable]
    units: int
    multiple: bool
    percent_agreement: Estimate
    cohen_kappa: Estimate
    fleiss_kappa: Estimate
    krippendorff_alpha: Estimate
    pairs: list[PairAgreement]
    per_code: dict[str, CodeAgreement]


def utterance_agreement(
    rated: pd.DataFrame,
    codes: pd.DataFrame,
    code_order: Sequence[str],
    *,
    multiple: bool,
    exclusive: Sequence[Sequence[str]] = (),
) -> Agreement:
    """Agreement of several coders on the units of one dimension.

    ``rated`` is a boolean frame (index: unit, columns: coder) saying which coder rated which
    unit; ``codes`` has columns ``unit``, ``coder`` and ``code``, one row per code a coder put
    on a unit; a rated unit without a row is "no code". ``code_order`` lists the dimension's
    codes in display order; ``exclusive`` the sets of them that exclude each other, each
    shown as a confusion matrix of its own per pair. Only units rated by at least two coders
    count.
    """
    units = _units(rated, codes, code_order, multiple=multiple).paired()
    coders = list(rated.columns)
    n_units = units.rated.shape[1]
    per_code_pairs: dict[str, dict[str, Estimate]] = {code: {} for code in code_order}
    pairs = []
    for i, j in itertools.combinations(range(len(coders)), 2):
        pair = _pair_agreement(
            units, i, j, coders, code_order, multiple=multiple, exclusive=exclusive
        )
        if pair is None:
            continue  # these two never coded the same transcript
        for code, estimate in pair.per_code.items():
            per_code_pairs[code][_pair_name(pair.coders)] = estimate
        pairs.append(pair)

    rated_n = units.rated.sum(axis=0)
    per_code = {
        code: _code_agreement(units.presence[c], rated_n, per_code_pairs[code], code)
        for c, code in enumerate(code_order)
    }
    pair_kappas = {_pair_name(p.coders): p.cohen_kappa for p in pairs}
    pair_shares = {_pair_name(p.coders): p.percent_agreement for p in pairs}
    if multiple:
        fleiss = mean_estimate({c: a.fleiss_kappa for c, a in per_code.items()})
        alpha = mean_estimate({c: a.krippendorff_alpha for c, a in per_code.items()})
    else:
        counts = value_counts(units.labels, len(units.names))
        fleiss = fleiss_kappa_of_value_counts(counts, len(coders))
        alpha = alpha_of_value_counts(
            counts, np.arange(len(units.names), dtype=float), units.names, "nominal"
        )
    return Agreement(
        coders=coders,
        units=n_units,
        multiple=multiple,
        percent_agreement=_with_units(mean_estimate(pair_shares, "coder pair"), n_units),
        cohen_kappa=_with_units(mean_estimate(pair_kappas, "coder pair"), n_units),
        fleiss_kappa=_with_units(fleiss, n_units),
        krippendorff_alpha=_with_units(alpha, n_units),
        pairs=pairs,
        per_code=per_code,
    )


def labels_by_unit(
    rated: pd.DataFrame, codes: pd.DataFrame, code_order: Sequence[str], *, multiple: bool
) -> pd.DataFrame:
    """Each coder's category for each unit, named as in the confusion matrices ("no code",
    "Q", "Q + AF"); missing where the coder did not rate the unit. Same input as
    ``utterance_agreement``."""
    units = _units(rated, codes, code_order, multiple=multiple)
    named = np.asarray([*units.names, None], dtype=object)[units.labels.T]
    return pd.DataFrame(named, index=rated.index, columns=rated.columns)


def _pair_name(coders: tuple[Hashable, Hashable]) -> str:
    return " & ".join(map(str, coders))


@dataclass(frozen=True)
class _Units:
    """One dimension's data as arrays, coders first so that sums over coders run along the
    long axis: ``rated`` (coders × units), ``presence`` (codes × coders × units) and
    ``labels`` (coders × units: position in ``names``, -1 where not rated)."""

    rated: np.ndarray
    presence: np.ndarray
    labels: np.ndarray
    names: list[str]

    def paired(self) -> _Units:
        """Only the units rated by two coders or more."""
        keep = self.rated.sum(axis=0) >= 2
        if keep.all():
            return self
        return _Units(
            rated=self.rated[:, keep],
            presence=self.presence[:, :, keep],
            labels=self.labels[:, keep],
            names=self.names,
        )


def _units(
    rated: pd.DataFrame, codes: pd.DataFrame, code_order: Sequence[str], *, multiple: bool
) -> _Units:
    if not rated.index.is_unique or not rated.columns.is_unique:
        raise ValueError("each unit and each coder must appear once in the rated frame")
    missing = {"unit", "coder", "code"} - set(codes.columns)
    if missing:
        raise ValueError(f"codes need the columns unit, coder and code (missing {missing})")
    rated_mask = np.ascontiguousarray(rated.fillna(False).to_numpy(dtype=bool).T)
    n_coders, n_units = rated_mask.shape
    unit_at = rated.index.get_indexer(codes["unit"])
    coder_at = _positions(rated.columns, codes["coder"])
    code_at = _positions(pd.Index(list(code_order)), codes["code"])
    if (code_at < 0).any():
        unknown = sorted(set(codes.loc[code_at < 0, "code"].astype(str)))
        raise ValueError(f"codes not in this dimension: {', '.join(unknown)}")
    if (unit_at < 0).any() or (coder_at < 0).any():
        raise ValueError("a code names a unit or coder missing from the rated frame")
    if not rated_mask[coder_at, unit_at].all():
        raise ValueError("a code sits on a unit its coder did not rate")
    cell = coder_at.astype(np.int64) * n_units + unit_at
    presence = np.zeros((len(code_order), n_coders, n_units), dtype=bool)
    presence[code_at, coder_at, unit_at] = True
    # A repeated row sets a cell already set: fewer cells than rows means repetition.
    if np.count_nonzero(presence) < len(code_at):
        raise ValueError("a coder gave the same code to the same unit twice")
    if not multiple and len(cell) and np.bincount(cell).max() > 1:
        raise ValueError("a coder gave one unit several codes in a single-code dimension")
    if multiple:
        labels, names = _set_labels(presence, rated_mask, cell, code_at, code_order)
    else:
        labels = np.where(rated_mask, len(code_order), -1)
        labels[coder_at, unit_at] = code_at
        names = [*code_order, NO_CODE]
    return _Units(rated=rated_mask, presence=presence, labels=labels, names=names)


def _positions(order: pd.Index, values: pd.Series) -> np.ndarray:
    """Each value's position in ``order``, -1 where absent; a categorical column maps its
    few categories instead of every row."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        positions = order.get_indexer(values.cat.categories)
        return np.where(codes < 0, -1, positions[codes])
    return order.get_indexer(values)


def _set_labels(
    presence: np.ndarray,
    rated_mask: np.ndarray,
    cell: np.ndarray,
    code_at: np.ndarray,
    code_order: Sequence[str],
) -> tuple[np.ndarray, list[str]]:
    """Each (coder, unit)'s set of codes as a label: the distinct sets, ordered by their
    first code and then by size so that a confusion matrix reads like the scheme."""
    n_codes, n_coders, n_units = presence.shape
    if n_codes <= 52:
        # A set of codes as the bits of one number; sums of distinct powers of two are exact
        # in floating point up to 2**53.
        keys = np.bincount(cell, weights=np.exp2(code_at), minlength=n_coders * n_units)
        keys = keys.astype(np.int64)
    else:
        weights = [1 << c for c in range(n_codes)]
        flat = presence.reshape(n_codes, -1)
        keys = np.array(
            [
                sum(w for w, bit in zip(weights, flat[:, k], strict=True) if bit)
                for k in range(flat.shape[1])
            ],
            dtype=object,
        )
    rated_flat = rated_mask.reshape(-1)
    rated_keys = keys[rated_flat]
    if n_codes <= 20:
        # Few codes: a lookup over every possible set beats sorting the units' sets.
        distinct = np.flatnonzero(np.bincount(rated_keys, minlength=1 << n_codes))
        lookup = np.zeros(1 << n_codes, dtype=np.int64)
        lookup[distinct] = np.arange(len(distinct))
        inverse = lookup[rated_keys]
    else:
        distinct, inverse = np.unique(rated_keys, return_inverse=True)
    sets = [[c for c in range(n_codes) if (int(key) >> c) & 1] for key in distinct]
    order = sorted(range(len(sets)), key=lambda s: (sets[s][:1] or [-1], len(sets[s]), sets[s]))
    rank = np.empty(len(sets), dtype=np.int64)
    rank[order] = np.arange(len(sets))
    names = [" + ".join(code_order[c] for c in sets[s]) or NO_CODE for s in order]
    labels = np.full(n_coders * n_units, -1, dtype=np.int64)
    labels[rated_flat] = rank[inverse.ravel()]
    return labels.reshape(n_coders, n_units), names


def _pair_agreement(
    units: _Units,
    i: int,
    j: int,
    coders: Sequence[Hashable],
    code_order: Sequence[str],
    *,
    multiple: bool,
    exclusive: Sequence[Sequence[str]] = (),
) -> PairAgreement | None:
    both = units.rated[i] & units.rated[j]
    shared = int(both.sum())
    if shared == 0:
        return None
    first, second = units.labels[i, both], units.labels[j, both]
    table = count_table(first, second, len(units.names))
    a, b = units.presence[:, i, both], units.presence[:, j, both]
    n11 = np.count_nonzero(a & b, axis=1)
    n10 = np.count_nonzero(a, axis=1) - n11
    n01 = np.count_nonzero(b, axis=1) - n11
    per_code = {
        code: presence_table_kappa(
            np.array([[shared - n11[c] - n10[c] - n01[c], n01[c]], [n10[c], n11[c]]]), code
        )
        for c, code in enumerate(code_order)
    }
    kappa = mean_estimate(per_code) if multiple else kappa_from_table(table, labels=units.names)
    shown = (table.sum(axis=0) + table.sum(axis=1) > 0) if multiple else slice(None)
    names = np.asarray(units.names, dtype=object)[shown].tolist()
    presence, sets = {}, []
    if multiple:
        presence = {code: presence_table(a[c], b[c]) for c, code in enumerate(code_order)}
        position = {code: c for c, code in enumerate(code_order)}
        for group in exclusive:
            members = [code for code in group if code in position]
            if len(members) > 1:
                rows = [position[code] for code in members]
                sets.append(exclusive_set_confusion(a[rows], b[rows], members))
    return PairAgreement(
        coders=(coders[i], coders[j]),
        units=shared,
        cohen_kappa=kappa,
        percent_agreement=agreement_of_codes(first, second),
        confusion=pd.DataFrame(
            table[np.ix_(shown, shown)] if multiple else table, index=names, columns=names
        ),
        per_code=per_code,
        presence=presence,
        sets=sets,
    )


def _with_units(estimate: Estimate, units: int) -> Estimate:
    """``estimate``, saying it rests on ``units`` where it does not say so itself."""
    if units == 0:
        return Estimate.undefined(FEWER_THAN_TWO)
    return Estimate(
        value=estimate.value,
        note=estimate.note,
        n=estimate.n or units,
        se=estimate.se,
        ci95=estimate.ci95,
        details=estimate.details,
    )


def _code_agreement(
    presence: np.ndarray, rated_n: np.ndarray, pair_kappas: Mapping[str, Estimate], code: str
) -> CodeAgreement:
    """One code's statistics from ``presence`` (coders × units) and the number of coders
    who rated each unit: everything here depends only on how many coders put the code on
    each unit."""
    n = len(rated_n)
    present_n = presence.sum(axis=0)
    reason = None
    if n == 0:
        reason = FEWER_THAN_TWO
    elif not present_n.any():
        reason = f"{NO_VARIATION}: no coder used {code}"
    prevalence = (
        Estimate(value=float(present_n.sum() / rated_n.sum()), n=n)
        if n
        else Estimate.undefined(FEWER_THAN_TWO)
    )
    if reason is not None:
        return CodeAgreement(
            cohen_kappa=Estimate.undefined(reason, n=n),
            krippendorff_alpha=Estimate.undefined(reason, n=n),
            fleiss_kappa=Estimate.undefined(reason, n=n),
            prevalence=prevalence,
        )
    # Every statistic here depends only on how many coders rated each unit and how many put
    # the code on it: count the units of each (rated, present) pattern once.
    coders = presence.shape[0]
    patterns = np.bincount(rated_n * (coders + 1) + present_n, minlength=(coders + 1) ** 2)
    found = np.flatnonzero(patterns)
    rated_p, present_p = np.divmod(found, coders + 1)
    counts = np.stack([rated_p - present_p, present_p], axis=1)
    weights = patterns[found]
    labels = ["absent", "present"]
    return CodeAgreement(
        cohen_kappa=mean_estimate(dict(pair_kappas), "coder pair"),
        krippendorff_alpha=alpha_of_value_counts(
            counts, np.array([0.0, 1.0]), labels, "nominal", weights
        ),
        fleiss_kappa=fleiss_kappa_of_value_counts(counts, coders, weights),
        prevalence=prevalence,
    )
