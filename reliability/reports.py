"""A reliability report: the statistics of ``ReliabilityData`` at utterance and session level,
and its JSON (exactly as documented for ``manage.py reliability``) and flat-table forms.

The arithmetic lives in reliability/stats.py and reliability/agreement.py; this module only
shapes the frames they take, with pandas, and the output.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coding import scores
from reliability import agreement, stats
from reliability.selectors import DimensionInfo, ReliabilityData

CODE, GLOBAL, SUMMARY = "code", "global", "summary"
ALPHA_LEVELS = ("ordinal", "interval")
UNDEFINED_REASONS = {
    CODE: "a count is missing",
    GLOBAL: "a coder did not rate this global",
    SUMMARY: "the score is undefined for a coder (a zero denominator or a missing global)",
}


@dataclass(frozen=True)
class DimensionReport:
    info: DimensionInfo
    result: agreement.Agreement
    off_speaker: int  # codes left out: they sit on another speaker's utterances
    audio_transcripts: int = 0  # transcripts coded from audio, left out at this level

    @property
    def note(self) -> str | None:
        notes = _notes(
            {
                "percent_agreement": self.result.percent_agreement,
                "cohen_kappa": self.result.cohen_kappa,
                "fleiss_kappa": self.result.fleiss_kappa,
                "krippendorff_alpha": self.result.krippendorff_alpha,
            }
        )
        if self.off_speaker:
            notes.append(
                f"{self.off_speaker} code(s) on other speakers' utterances left out "
                f"({self.info.name} codes {self.info.speaker} utterances)"
            )
        if self.audio_transcripts:
            notes.append(
                f"{self.audio_transcripts} transcript(s) coded from audio left out: "
                "utterance-level statistics do not apply to them, since each coder marks "
                "volleys of their own; they count at session level"
            )
        return "; ".join(notes) or None


def form_label(form: str) -> str:
    return stats.ICC_NAMES.get(form, form).split(" ")[0].rstrip(":")


@dataclass(frozen=True)
class SessionMeasure:
    key: str
    kind: str  # code, global or summary
    name: str
    icc: stats.IccResult
    alpha: dict[str, stats.Estimate] | None = None  # globals only: ordinal and interval
    lacking: int = 0  # transcripts left out: a chosen coder did not code them
    undefined: int = 0  # transcripts left out: the value is undefined for a coder

    @property
    def label(self) -> str:
        """One name for the page: a code's name with its abbreviation where they differ
        ("Simple Reflection (SR)", but "Persuade"); a global's or summary's name alone."""
        if self.kind == CODE and self.key.casefold() != self.name.casefold():
            return f"{self.name} ({self.key})"
        return self.name

    @property
    def note(self) -> str | None:
        return self.note_for(self.icc.forms["ICC2"])

    @property
    def row_note(self) -> str | None:
        """The note of the page's row: why each dash in it is a dash (every ICC form, the
        interval, the alphas), what the interval cannot be read as, and what is left out."""
        notes = [self.note]
        forms = self.icc.forms
        for form in stats.ICC_FORMS:
            estimate = forms[form]
            if form != "ICC2" and not estimate.defined and estimate.note != forms["ICC2"].note:
                notes.append(f"{form_label(form)}: {estimate.note}")
        if forms["ICC2"].defined and forms["ICC2"].ci95 is None:
            notes.append("no 95% interval: the mean squares do not define one")
        for level, estimate in (self.alpha or {}).items():
            if not estimate.defined:
                notes.append(f"α {level}: {estimate.note}")
        return "; ".join(dict.fromkeys(n for n in notes if n)) or None

    def note_for(self, estimate: stats.Estimate) -> str | None:
        """Why ``estimate`` is undefined, whether its interval leaves the range the ICC can
        take, and which transcripts it leaves out."""
        notes = [] if estimate.defined else [estimate.note]
        form = next((f for f, e in self.icc.forms.items() if e is estimate), None)
        if form is not None:
            notes.append(stats.icc_value_note(form, estimate.value, self.icc.raters))
            notes.append(stats.icc_interval_note(form, estimate.ci95, self.icc.raters))
        if self.lacking:
            notes.append(f"{self.lacking} transcript(s) lacking one of the coders left out")
        if self.undefined:
            reason = UNDEFINED_REASONS[self.kind]
            notes.append(f"{self.undefined} transcript(s) left out: {reason}")
        if estimate is self.icc.forms["ICC2"]:
            notes.append(self.alpha_basis)
        return "; ".join(note for note in notes if note) or None

    @property
    def alpha_basis(self) -> str | None:
        """Krippendorff's alpha keeps the transcripts the ICC leaves out (a coder missing is a
        gap to alpha); say so where the two rest on different transcripts."""
        if not self.alpha:
            return None
        transcripts = max(e.n for e in self.alpha.values())
        if transcripts == self.icc.targets:
            return None
        return f"Krippendorff's alpha rests on {transcripts} transcript(s) coded by two or more"


@dataclass(frozen=True)
class Report:
    scheme_slug: str
    scheme_name: str
    transcripts: int
    raters: list[str]
    dimensions: list[DimensionReport]
    session: list[SessionMeasure]


def reliability_report(data: ReliabilityData) -> Report:
    return Report(
        scheme_slug=data.scheme.slug,
        scheme_name=data.scheme.name,
        transcripts=len(data.transcript_ids),
        raters=data.raters,
        dimensions=[_dimension_report(data, info) for info in data.dimensions],
        session=session_measures(data),
    )


# ---------------------------------------------------------------- utterance level


def dimension_input(
    data: ReliabilityData, info: DimensionInfo
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(rated, codes, off-speaker count) for ``agreement.utterance_agreement``: the units are
    the utterances of the dimension's speaker in the transcripts coded by two or more raters."""
    utterances = data.utterances[
        (data.utterances["speaker"] == info.speaker)
        & ~data.utterances["transcript"].isin(data.audio_transcripts)
    ]
    coded = coded_matrix(data)
    transcripts = pd.Index(data.transcript_ids)
    rated = pd.DataFrame(
        coded[transcripts.get_indexer(utterances["transcript"])],
        index=pd.Index(utterances["utterance"].to_numpy(), name="unit"),
        columns=data.raters,
    )
    codes = data.codes[data.codes["code"].isin(info.codes) & (data.codes["utterance"] >= 0)]
    on_speaker = codes["utterance"].isin(rated.index).to_numpy()
    codes = codes[on_speaker]
    coding_at = pd.Index(data.codings["coding"]).get_indexer(codes["coding"])
    frame = pd.DataFrame(
        {
            "unit": codes["utterance"].to_numpy(),
            "coder": pd.Categorical.from_codes(
                data.codings["rater"].cat.codes.to_numpy()[coding_at], categories=data.raters
            ),
            "code": codes["code"].to_numpy(),
        }
    )
    return rated, frame, int((~on_speaker).sum())


def coded_matrix(data: ReliabilityData) -> np.ndarray:
    """Transcripts × raters: which rater coded which transcript."""
    coded = np.zeros((len(data.transcript_ids), len(data.raters)), dtype=bool)
    coded[
        pd.Index(data.transcript_ids).get_indexer(data.codings["transcript"]),
        data.codings["rater"].cat.codes.to_numpy(),
    ] = True
    return coded


def _dimension_report(data: ReliabilityData, info: DimensionInfo) -> DimensionReport:
    rated, codes, off_speaker = dimension_input(data, info)
    result = agreement.utterance_agreement(
        rated, codes, info.codes, multiple=info.multiple, exclusive=info.exclusive
    )
    return DimensionReport(
        info=info,
        result=result,
        off_speaker=off_speaker,
        audio_transcripts=len(data.audio_transcripts),
    )


# ---------------------------------------------------------------- session level


def session_measures(data: ReliabilityData) -> list[SessionMeasure]:
    """ICC (and, for globals, ordinal and interval alpha) of every code count, global and
    summary score, over the transcripts coded by two or more raters."""
    measures = []
    complete = coded_matrix(data).all(axis=1)
    lacking = int((~complete).sum())
    for key, kind, name, table, scale in session_tables(data):
        alpha = None
        if scale is not None:
            domain = list(range(scale.min_value, scale.max_value + 1))
            alpha = {
                level: stats.krippendorff_alpha(table, level=level, value_domain=domain)
                for level in ALPHA_LEVELS
            }
        undefined = int((complete & table.isna().any(axis=1).to_numpy()).sum())
        measures.append(
            SessionMeasure(
                key=key,
                kind=kind,
                name=name,
                icc=stats.icc(table),
                alpha=alpha,
                lacking=lacking,
                undefined=undefined,
            )
        )
    return measures


def session_tables(data: ReliabilityData) -> Iterator[tuple[str, str, str, pd.DataFrame, Any]]:
    """(key, kind, name, transcripts × raters table, global scale or None) per measure; a
    cell is NaN where the rater did not code the transcript or the score is undefined."""
    codings = pd.Index(data.codings["coding"])
    transcript_at = pd.Index(data.transcript_ids).get_indexer(data.codings["transcript"])
    rater_at = data.codings["rater"].cat.codes.to_numpy()
    code_list = [code.abbreviation for code in data.layout.codes]
    scale_list = [scale.slug for scale in data.layout.globals]

    coding_at = codings.get_indexer(data.codes["coding"])
    code_at = data.codes["code"].cat.codes.to_numpy()
    known = code_at >= 0
    coding_at, code_at = coding_at[known], code_at[known]
    counts = np.bincount(
        coding_at * len(code_list) + code_at, minlength=len(codings) * len(code_list)
    ).reshape(len(codings), len(code_list))
    values = np.full((len(codings), len(scale_list)), np.nan)
    scale_at = pd.Index(scale_list).get_indexer(data.ratings["scale"])
    known = scale_at >= 0
    values[codings.get_indexer(data.ratings["coding"])[known], scale_at[known]] = data.ratings[
        "value"
    ].to_numpy()[known]
    summaries = _summary_scores(data, counts, values, code_list, scale_list)

    def table(per_coding: np.ndarray) -> pd.DataFrame:
        wide = np.full((len(data.transcript_ids), len(data.raters)), np.nan)
        wide[transcript_at, rater_at] = per_coding
        return pd.DataFrame(wide, index=data.transcript_ids, columns=data.raters)

    used: set[str] = set()
    for k, code in enumerate(data.layout.codes):
        key = _unique_key(code.abbreviation, CODE, used)
        yield key, CODE, code.name, table(counts[:, k]), None
    for g, scale in enumerate(data.layout.globals):
        key = _unique_key(scale.slug, GLOBAL, used)
        yield key, GLOBAL, scale.name, table(values[:, g]), scale
    for s, definition in enumerate(data.layout.summaries):
        key = _unique_key(definition.slug, SUMMARY, used)
        yield key, SUMMARY, definition.name, table(summaries[:, s]), None


def _unique_key(key: str, kind: str, used: set[str]) -> str:
    """Codes, globals and summaries share one namespace in the output; a custom scheme that
    reuses a name gets the later one prefixed by its kind."""
    if key in used:
        key = f"{kind}:{key}"
    used.add(key)
    return key


def _summary_scores(
    data: ReliabilityData,
    counts: np.ndarray,
    values: np.ndarray,
    code_list: list[str],
    scale_list: list[str],
) -> np.ndarray:
    """Each coding's summary scores (codings × summaries, NaN where undefined), from
    coding/scores.py: the one place they are computed."""
    definitions = [d.as_mapping() for d in data.layout.summaries]
    result = np.full((len(counts), len(definitions)), np.nan)
    for row, (coding_counts, coding_values) in enumerate(zip(counts, values, strict=True)):
        scored = scores.summary_scores(
            definitions,
            dict(zip(code_list, coding_counts.tolist(), strict=True)),
            {
                slug: None if np.isnan(value) else value
                for slug, value in zip(scale_list, coding_values.tolist(), strict=True)
            },
        )
        result[row] = [np.nan if v is None else v for v in scored.values()]
    return result


# ---------------------------------------------------------------- output


def _notes(estimates: dict[str, stats.Estimate]) -> list[str]:
    """The reasons of the undefined statistics (one reason shared by all is said once), then
    what the defined ones rest on where that is not every unit (Fleiss' kappa, say, counts
    only the units every coder rated)."""
    undefined = {name: e.note for name, e in estimates.items() if not e.defined and e.note}
    if len(set(undefined.values())) == 1:
        notes = [next(iter(undefined.values()))]
    else:
        notes = [f"{name}: {note}" for name, note in undefined.items()]
    qualified: dict[str, list[str]] = {}
    for name, estimate in estimates.items():
        if estimate.defined and estimate.note:
            qualified.setdefault(estimate.note, []).append(name)
    notes += [f"{', '.join(names)}: {note}" for note, names in qualified.items()]
    return notes


def code_note(result: agreement.CodeAgreement) -> str | None:
    notes = _notes(
        {
            "cohen_kappa": result.cohen_kappa,
            "krippendorff_alpha": result.krippendorff_alpha,
            "fleiss_kappa": result.fleiss_kappa,
            "prevalence": result.prevalence,
        }
    )
    return "; ".join(notes) or None


def _pair_note(pair: agreement.PairAgreement) -> str | None:
    notes = _notes({"cohen_kappa": pair.cohen_kappa, "percent_agreement": pair.percent_agreement})
    return "; ".join(notes) or None


def report_json(report: Report) -> dict[str, Any]:
    """The documented JSON shape of ``manage.py reliability``; never a NaN. Null statistics
    come with a ``note``; globals also carry ordinal and interval Krippendorff's alpha."""
    return {
        "scheme": report.scheme_slug,
        "transcripts": report.transcripts,
        "coders": list(report.raters),
        "utterance_level": {d.info.slug: _dimension_json(d) for d in report.dimensions},
        "session_level": {m.key: _measure_json(m) for m in report.session},
    }


def _dimension_json(dimension: DimensionReport) -> dict[str, Any]:
    result = dimension.result
    return {
        "units": result.units,
        "coders": len(result.coders),
        "percent_agreement": result.percent_agreement.value,
        "cohen_kappa": result.cohen_kappa.value,
        "fleiss_kappa": result.fleiss_kappa.value,
        "krippendorff_alpha": result.krippendorff_alpha.value,
        "pairs": [
            {
                "coders": [str(c) for c in pair.coders],
                "units": pair.units,
                "cohen_kappa": pair.cohen_kappa.value,
                "percent_agreement": pair.percent_agreement.value,
                "note": _pair_note(pair),
            }
            for pair in result.pairs
        ],
        "per_code": {
            code: {
                "cohen_kappa": per_code.cohen_kappa.value,
                "krippendorff_alpha": per_code.krippendorff_alpha.value,
                "prevalence": per_code.prevalence.value,
                "note": code_note(per_code),
            }
            for code, per_code in result.per_code.items()
        },
        "note": dimension.note,
    }


def _measure_json(measure: SessionMeasure) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "transcripts": measure.icc.targets,
        "icc": measure.icc.values,
        "ci95": {
            form: list(interval) if interval is not None else None
            for form, interval in measure.icc.intervals.items()
        },
        "band": measure.icc.band,
        "note": measure.note,
    }
    if measure.alpha is not None:
        entry["krippendorff_alpha"] = {level: e.value for level, e in measure.alpha.items()}
    return entry


TABLE_COLUMNS = [
    "level",
    "name",
    "statistic",
    "value",
    "se",
    "ci_low",
    "ci_high",
    "units",
    "transcripts",
    "band",
    "note",
]


def report_rows(report: Report) -> Iterator[dict[str, Any]]:
    """One row per statistic (columns ``TABLE_COLUMNS``): level is utterance, pair, code or
    session; units for utterance-level rows, transcripts for session-level ones."""
    for dimension in report.dimensions:
        result = dimension.result
        slug = dimension.info.slug
        for statistic in ("percent_agreement", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha"):
            yield _row("utterance", slug, statistic, getattr(result, statistic))
        for pair in result.pairs:
            name = f"{slug}: {' & '.join(map(str, pair.coders))}"
            yield _row("pair", name, "cohen_kappa", pair.cohen_kappa)
            yield _row("pair", name, "percent_agreement", pair.percent_agreement)
        for code, per_code in result.per_code.items():
            name = f"{slug}: {code}"
            for statistic in ("cohen_kappa", "krippendorff_alpha", "fleiss_kappa", "prevalence"):
                yield _row("code", name, statistic, getattr(per_code, statistic))
    for measure in report.session:
        for form in stats.ICC_FORMS:
            estimate = measure.icc.forms[form]
            row = _row("session", measure.key, form, estimate, session=True)
            row["band"] = stats.cicchetti_band(estimate.value) if form == "ICC2" else None
            row["note"] = measure.note_for(estimate)
            yield row
        for level, estimate in (measure.alpha or {}).items():
            yield _row(
                "session", measure.key, f"krippendorff_alpha_{level}", estimate, session=True
            )


def _row(
    level: str, name: str, statistic: str, estimate: stats.Estimate, session: bool = False
) -> dict[str, Any]:
    low, high = estimate.ci95 if estimate.ci95 is not None else (None, None)
    return {
        "level": level,
        "name": name,
        "statistic": statistic,
        "value": estimate.value,
        "se": estimate.se,
        "ci_low": low,
        "ci_high": high,
        "units": None if session else estimate.n,
        "transcripts": estimate.n if session else None,
        "band": None,
        "note": estimate.note,
    }
