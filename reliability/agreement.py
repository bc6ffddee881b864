"""Every utterance-level statistic of one coding dimension, from the coders' codes.

Pure, like reliability/stats.py, which does the statistics: this module turns the codes of
several coders on the same units into categories (single-code dimensions: each code plus
"no code"; multi-code dimensions: the set of codes, and each code's presence or absence)
and composes the per-pair, per-code and dimension-wide figures.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reliability.stats import (
    NO_CODE,
    NO_VARIATION,
    Estimate,
    agreement_of_codes,
    alpha_of_codes,
    code_presence_kappa,
    count_table,
    fleiss_kappa_of_codes,
    kappa_from_table,
    mean_estimate,
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
    rated: pd.DataFrame, codes: pd.DataFrame, code_order: Sequence[str], *, multiple: bool
) -> Agreement:
    """Agreement of several coders on the units of one dimension.

    ``rated`` is a boolean frame (index: unit, columns: coder) saying which coder rated which
    unit; ``codes`` has columns ``unit``, ``coder`` and ``code``, one row per code a coder put
    on a unit; a rated unit without a row is "no code". ``code_order`` lists the dimension's
    codes in display order. Only units rated by at least two coders count.
    """
    presence, rated_mask = _presence(rated, codes, code_order, multiple=multiple)
    keep = rated_mask.sum(axis=1) >= 2
    presence, rated_mask = presence[keep], rated_mask[keep]
    coders = list(rated.columns)
    labels, label_names = _unit_labels(presence, rated_mask, code_order, multiple=multiple)
    units = int(keep.sum())

    per_code_pairs: dict[str, dict[tuple[Hashable, Hashable], Estimate]] = {
        code: {} for code in code_order
    }
    pairs = []
    for i, j in itertools.combinations(range(len(coders)), 2):
        both = rated_mask[:, i] & rated_mask[:, j]
        if not both.any():
            continue  # these two never coded the same transcript
        first, second = labels[both, i], labels[both, j]
        table = count_table(first, second, len(label_names))
        pair_codes = {
            code: code_presence_kappa(presence[both, i, c], presence[both, j, c], code)
            for c, code in enumerate(code_order)
        }
        for code, estimate in pair_codes.items():
            per_code_pairs[code][(coders[i], coders[j])] = estimate
        kappa = (
            mean_estimate(pair_codes) if multiple else kappa_from_table(table, labels=label_names)
        )
        used = table.sum(axis=0) + table.sum(axis=1) > 0
        shown = used if multiple else np.ones(len(label_names), dtype=bool)
        pairs.append(
            PairAgreement(
                coders=(coders[i], coders[j]),
                units=int(both.sum()),
                cohen_kappa=kappa,
                percent_agreement=agreement_of_codes(first, second),
                confusion=pd.DataFrame(
                    table[np.ix_(shown, shown)],
                    index=[name for name, s in zip(label_names, shown, strict=True) if s],
                    columns=[name for name, s in zip(label_names, shown, strict=True) if s],
                ),
                per_code=pair_codes,
            )
        )

    per_code = {
        code: _code_agreement(presence[:, :, c], rated_mask, per_code_pairs[code], code)
        for c, code in enumerate(code_order)
    }
    pair_kappas = {" & ".join(map(str, p.coders)): p.cohen_kappa for p in pairs}
    pair_shares = {" & ".join(map(str, p.coders)): p.percent_agreement for p in pairs}
    if multiple:
        fleiss = _with_units(
            mean_estimate({c: a.fleiss_kappa for c, a in per_code.items()}), units, FEWER_THAN_TWO
        )
        alpha = _with_units(
            mean_estimate({c: a.krippendorff_alpha for c, a in per_code.items()}),
            units,
            FEWER_THAN_TWO,
        )
    else:
        masked = np.where(rated_mask, labels, -1)
        fleiss = fleiss_kappa_of_codes(masked, len(label_names))
        alpha = alpha_of_codes(
            masked, np.arange(len(label_names), dtype=float), label_names, "nominal"
        )
    return Agreement(
        coders=coders,
        units=units,
        multiple=multiple,
        percent_agreement=_with_units(
            mean_estimate(pair_shares, "coder pair"), units, FEWER_THAN_TWO
        ),
        cohen_kappa=_with_units(mean_estimate(pair_kappas, "coder pair"), units, FEWER_THAN_TWO),
        fleiss_kappa=fleiss,
        krippendorff_alpha=alpha,
        pairs=pairs,
        per_code=per_code,
    )


def labels_by_unit(
    rated: pd.DataFrame, codes: pd.DataFrame, code_order: Sequence[str], *, multiple: bool
) -> pd.DataFrame:
    """Each coder's category for each unit, named as in the confusion matrices ("no code",
    "Q", "Q + AF"); missing where the coder did not rate the unit. Same input as
    ``utterance_agreement``."""
    presence, rated_mask = _presence(rated, codes, code_order, multiple=multiple)
    labels, names = _unit_labels(presence, rated_mask, code_order, multiple=multiple)
    named = np.asarray([*names, None], dtype=object)[labels]
    return pd.DataFrame(named, index=rated.index, columns=rated.columns)


def _with_units(estimate: Estimate, units: int, note_if_empty: str) -> Estimate:
    if not estimate.defined and units == 0:
        return Estimate.undefined(note_if_empty)
    return Estimate(
        value=estimate.value,
        note=estimate.note,
        n=units,
        se=estimate.se,
        ci95=estimate.ci95,
        details=estimate.details,
    )


def _presence(
    rated: pd.DataFrame, codes: pd.DataFrame, code_order: Sequence[str], *, multiple: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(units × coders × codes presence, units × coders rated) as boolean arrays."""
    if not rated.index.is_unique or not rated.columns.is_unique:
        raise ValueError("each unit and each coder must appear once in the rated frame")
    missing = {"unit", "coder", "code"} - set(codes.columns)
    if missing:
        raise ValueError(f"codes need the columns unit, coder and code (missing {missing})")
    rated_mask = rated.fillna(False).to_numpy(dtype=bool)
    presence = np.zeros((*rated_mask.shape, len(code_order)), dtype=bool)
    if codes.empty:
        return presence, rated_mask
    unit_at = rated.index.get_indexer(codes["unit"])
    coder_at = rated.columns.get_indexer(codes["coder"])
    code_at = pd.Index(list(code_order)).get_indexer(codes["code"])
    if (code_at < 0).any():
        unknown = sorted(set(codes.loc[code_at < 0, "code"].astype(str)))
        raise ValueError(f"codes not in this dimension: {', '.join(unknown)}")
    if (unit_at < 0).any() or (coder_at < 0).any():
        raise ValueError("a code names a unit or coder missing from the rated frame")
    if not rated_mask[unit_at, coder_at].all():
        raise ValueError("a code sits on a unit its coder did not rate")
    cells = pd.DataFrame({"u": unit_at, "r": coder_at, "c": code_at})
    if cells.duplicated().any():
        raise ValueError("a coder gave the same code to the same unit twice")
    if not multiple and cells.duplicated(["u", "r"]).any():
        raise ValueError("a coder gave one unit several codes in a single-code dimension")
    presence[unit_at, coder_at, code_at] = True
    return presence, rated_mask


def _unit_labels(
    presence: np.ndarray, rated_mask: np.ndarray, code_order: Sequence[str], *, multiple: bool
) -> tuple[np.ndarray, list[str]]:
    """Each (unit, coder)'s category as a position in the returned label names, -1 where the
    coder did not rate the unit. Multi-code categories are the distinct sets of codes."""
    units, coders, n_codes = presence.shape
    if not multiple:
        has = presence.any(axis=2)
        labels = np.where(has, presence.argmax(axis=2), n_codes)
        return np.where(rated_mask, labels, -1), [*code_order, NO_CODE]
    flat = presence.reshape(units * coders, n_codes)
    rated_flat = rated_mask.reshape(-1)
    empty = np.zeros((1, n_codes), dtype=bool)
    patterns, inverse = np.unique(np.vstack([empty, flat[rated_flat]]), axis=0, return_inverse=True)
    # Order sets by their first code, then by size, so the matrix reads like the scheme.
    order = sorted(
        range(len(patterns)),
        key=lambda p: (
            (-1, 0) if not patterns[p].any() else (int(np.argmax(patterns[p])), patterns[p].sum()),
            tuple(np.flatnonzero(patterns[p])),
        ),
    )
    rank = np.empty(len(patterns), dtype=np.int64)
    rank[order] = np.arange(len(patterns))
    names = [
        " + ".join(code_order[c] for c in np.flatnonzero(patterns[p])) or NO_CODE for p in order
    ]
    labels = np.full(units * coders, -1, dtype=np.int64)
    labels[rated_flat] = rank[inverse.ravel()[1:]]
    return labels.reshape(units, coders), names


def _code_agreement(
    presence: np.ndarray,
    rated_mask: np.ndarray,
    pair_kappas: Mapping[tuple[Hashable, Hashable], Estimate],
    code: str,
) -> CodeAgreement:
    binary = np.where(rated_mask, presence.astype(np.int64), -1)
    n = int((rated_mask.sum(axis=1) >= 2).sum())
    prevalence = (
        Estimate(value=float(presence[rated_mask].mean()), n=n)
        if n
        else Estimate.undefined(FEWER_THAN_TWO)
    )
    reason = None
    if n == 0:
        reason = FEWER_THAN_TWO
    elif not presence[rated_mask].any():
        reason = f"{NO_VARIATION}: no coder used {code}"
    if reason is not None:
        return CodeAgreement(
            cohen_kappa=Estimate.undefined(reason, n=n),
            krippendorff_alpha=Estimate.undefined(reason, n=n),
            fleiss_kappa=Estimate.undefined(reason, n=n),
            prevalence=prevalence,
        )
    labels = ["absent", "present"]
    return CodeAgreement(
        cohen_kappa=mean_estimate(
            {" & ".join(map(str, pair)): e for pair, e in pair_kappas.items()}, "coder pair"
        ),
        krippendorff_alpha=alpha_of_codes(binary, np.array([0.0, 1.0]), labels, "nominal"),
        fleiss_kappa=fleiss_kappa_of_codes(binary, 2),
        prevalence=prevalence,
    )
