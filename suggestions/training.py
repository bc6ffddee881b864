"""Training and evaluating the suggester: scikit-learn on plain data, no Django.

Each unit is one utterance with the text of the turn before it. Features are word and
character n-grams of the utterance and word n-grams of the turn before (tf-idf, one
``FeatureUnion``). Each dimension gets a linear model over the utterances of its speaker:
multinomial logistic regression where an utterance takes one code of the dimension ("no code"
being one more class), one-vs-rest logistic regression where it may take several.

The evaluation is grouped by transcript (``GroupKFold``): no session is in both the fold a
model is fitted on and the fold it is scored on. The tf-idf vocabulary is learnt once from
all the text (no codes enter it); the classifiers, which learn from codes, are fitted per
fold. Agreement is computed by reliability/agreement.py and reliability/stats.py, the
statistics of the reliability page, with the codes of record as one coder and the model as
the other.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from joblib import parallel_backend
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from reliability.agreement import utterance_agreement
from reliability.stats import NO_CODE

# Bump when the features or models change: a stored model says which training made it.
VERSION = "1"
FOLDS = 5
# From this many units on, three folds (each still holds out whole sessions) and the binary
# models fitted by stochastic gradient descent keep training within a minute on two cores.
LARGE = 20000
# Regularisation of the linear models: tf-idf n-grams are many and sparse.
C = 4.0
# The codes of a multi-code dimension are fitted in this many threads at once.
FIT_THREADS = max(1, min(4, os.cpu_count() or 1))
# Where a multi-code dimension's model counts a code as present when scored.
PRESENT = 0.5

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class DimensionSpec:
    slug: str
    speaker: str  # practitioner, client or any
    multiple: bool
    codes: list[str]  # abbreviations in the scheme's order


@dataclass
class Corpus:
    """Utterances in transcript order: ``roles``, ``texts``, ``previous`` (the text of the
    turn before, "" for the first) and ``groups`` (transcript ids) run in parallel;
    ``labels`` maps a dimension slug to the set of its codes on each utterance."""

    roles: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    previous: list[str] = field(default_factory=list)
    groups: list[int] = field(default_factory=list)
    labels: dict[str, list[frozenset[str]]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.texts)

    def add_transcript(
        self, transcript_id: int, utterances: Sequence[tuple[str, str, dict[str, frozenset[str]]]]
    ) -> None:
        """``utterances``: (speaker role, text, {dimension slug: codes}) in order."""
        before = ""
        for role, text, codes in utterances:
            self.roles.append(role)
            self.texts.append(text)
            self.previous.append(before)
            self.groups.append(transcript_id)
            for slug, values in self.labels.items():
                values.append(codes.get(slug, frozenset()))
            before = text


def _current(rows: np.ndarray) -> np.ndarray:
    return rows[:, 0]


def _previous(rows: np.ndarray) -> np.ndarray:
    return rows[:, 1]


def _ngrams(pick: Callable[[np.ndarray], np.ndarray], **options: Any) -> Pipeline:
    return Pipeline([("pick", FunctionTransformer(pick)), ("tfidf", TfidfVectorizer(**options))])


def feature_union(units: int) -> FeatureUnion:
    """Word and character n-grams of the utterance, word n-grams of the turn before."""
    common: dict[str, Any] = {
        "sublinear_tf": True,
        "min_df": 2 if units >= 1000 else 1,
        "dtype": np.float32,
    }
    return FeatureUnion(
        [
            ("words", _ngrams(_current, ngram_range=(1, 2), max_features=60000, **common)),
            (
                "chars",
                _ngrams(
                    _current, analyzer="char_wb", ngram_range=(2, 4), max_features=60000, **common
                ),
            ),
            ("before", _ngrams(_previous, ngram_range=(1, 2), max_features=20000, **common)),
        ]
    )


def _rows(texts: Sequence[str], previous: Sequence[str]) -> np.ndarray:
    rows = np.empty((len(texts), 2), dtype=object)
    rows[:, 0] = texts
    rows[:, 1] = previous
    return rows


def _speaks(spec: DimensionSpec, roles: Sequence[str]) -> np.ndarray:
    roles = np.asarray(roles, dtype=object)
    if spec.speaker == "any":
        return np.ones(len(roles), dtype=bool)
    return roles == spec.speaker


# ---------------------------------------------------------------- one dimension's model


def _fit(spec: DimensionSpec, features: Any, labels: Sequence[frozenset[str]]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)  # one-vs-rest: a code never used here
        if spec.multiple:
            target = _indicator(spec, labels)
            # One model per code, fitted side by side in threads: both solvers leave Python
            # for their inner loops, so the codes share the cores without copying the matrix.
            with parallel_backend("threading", n_jobs=FIT_THREADS):
                return OneVsRestClassifier(_binary_model(len(labels)), n_jobs=FIT_THREADS).fit(
                    features, target
                )
        target = np.asarray([_single(values) for values in labels], dtype=object)
        if len(set(target)) < 2:
            return DummyClassifier(strategy="prior").fit(features, target)
        # Multinomial (saga's default with three classes or more), one pass per epoch.
        model = LogisticRegression(solver="saga", C=C, max_iter=50, tol=1e-3)
        return model.fit(features, target)


def _binary_model(units: int) -> Any:
    """Logistic regression for one code: solved exactly (liblinear's dual solver, the fastest
    on sparse n-grams) up to ``LARGE`` units, by stochastic gradient descent on the same
    log-loss beyond, where the exact solver's time grows past what training may take."""
    if units < LARGE:
        return LogisticRegression(solver="liblinear", dual=True, C=C, tol=1e-3)
    return SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=10, tol=1e-3, random_state=0)


def _single(values: frozenset[str]) -> str:
    # A single-code dimension holds at most one code; "no code" is a class of its own.
    return next(iter(values)) if values else NO_CODE


def _indicator(spec: DimensionSpec, labels: Sequence[frozenset[str]]) -> np.ndarray:
    position = {code: i for i, code in enumerate(spec.codes)}
    target = np.zeros((len(labels), len(spec.codes)), dtype=np.int8)
    for row, values in enumerate(labels):
        for code in values:
            if code in position:
                target[row, position[code]] = 1
    return target


def _code_probabilities(spec: DimensionSpec, model: Any, features: Any) -> np.ndarray:
    """Units × the dimension's codes: each code's probability (0 for a code never seen)."""
    n = features.shape[0]
    if spec.multiple:
        return np.asarray(model.predict_proba(features), dtype=float).reshape(n, len(spec.codes))
    probabilities = model.predict_proba(features)
    result = np.zeros((n, len(spec.codes)))
    position = {code: i for i, code in enumerate(spec.codes)}
    for column, label in enumerate(model.classes_):
        if label in position:
            result[:, position[label]] = probabilities[:, column]
    return result


def _decide(spec: DimensionSpec, model: Any, features: Any) -> list[frozenset[str]]:
    """The codes the model would set: the likeliest class of a single-code dimension (maybe
    "no code"), every code at or above ``PRESENT`` of a multi-code one."""
    if spec.multiple:
        present = _code_probabilities(spec, model, features) >= PRESENT
        return [frozenset(np.asarray(spec.codes)[row].tolist()) for row in present]
    return [
        frozenset() if label == NO_CODE else frozenset([label]) for label in model.predict(features)
    ]


# ---------------------------------------------------------------- the trained model


@dataclass
class SuggesterModel:
    """What is stored: the fitted features and one model per dimension."""

    version: str
    features: FeatureUnion
    dimensions: list[DimensionSpec]
    models: dict[str, Any]

    def probabilities(
        self, roles: Sequence[str], texts: Sequence[str], previous: Sequence[str]
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """{dimension slug: (indices of the units of its speaker, units × codes)}."""
        if not texts:
            return {}
        matrix = self.features.transform(_rows(texts, previous))
        result = {}
        for spec in self.dimensions:
            index = np.flatnonzero(_speaks(spec, roles))
            if not len(index):
                result[spec.slug] = (index, np.zeros((0, len(spec.codes))))
                continue
            result[spec.slug] = (
                index,
                _code_probabilities(spec, self.models[spec.slug], matrix[index]),
            )
        return result

    def dumps(self) -> bytes:
        import joblib

        buffer = io.BytesIO()
        joblib.dump(self, buffer, compress=3)
        return buffer.getvalue()


def loads(data: bytes) -> SuggesterModel:
    """Read back a model that ``SuggesterModel.dumps`` wrote. Only ever given bytes from the
    suggester table, which nothing but our own training writes: never an upload."""
    import joblib

    model = joblib.load(io.BytesIO(bytes(data)))
    if not isinstance(model, SuggesterModel):
        raise TypeError("the stored suggester is not a suggester model")
    return model


# ---------------------------------------------------------------- training and evaluation


def _evaluate(
    spec: DimensionSpec,
    features: Any,
    labels: list[frozenset[str]],
    groups: np.ndarray,
    folds: int,
) -> dict[str, Any]:
    predicted: list[frozenset[str]] = [frozenset()] * len(labels)
    for train, test in GroupKFold(n_splits=folds).split(features, groups=groups):
        model = _fit(spec, features[train], [labels[i] for i in train])
        for i, codes in zip(test, _decide(spec, model, features[test]), strict=True):
            predicted[i] = codes
    return dimension_metrics(spec, labels, predicted)


def dimension_metrics(
    spec: DimensionSpec, human: Sequence[frozenset[str]], model: Sequence[frozenset[str]]
) -> dict[str, Any]:
    """Agreement of the model with the codes of record, as the reliability page computes
    agreement between two coders, with precision, recall and support of each code."""
    units = pd.Index(range(len(human)), name="unit")
    rated = pd.DataFrame(True, index=units, columns=["record", "model"])
    rows = [
        (unit, coder, code)
        for coder, coded in (("record", human), ("model", model))
        for unit, codes in enumerate(coded)
        for code in codes
        if code in spec.codes
    ]
    codes = pd.DataFrame(rows, columns=["unit", "coder", "code"])
    result = utterance_agreement(rated, codes, spec.codes, multiple=spec.multiple)
    truth = _indicator(spec, human)
    guess = _indicator(spec, model)
    precision, recall, _, support = precision_recall_fscore_support(
        truth, guess, average=None, labels=list(range(len(spec.codes))), zero_division=0
    )
    return {
        "units": len(human),
        "kappa": result.cohen_kappa.value,
        "alpha": result.krippendorff_alpha.value,
        "percent_agreement": result.percent_agreement.value,
        "per_code": {
            code: {
                "kappa": result.per_code[code].cohen_kappa.value,
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "support": int(support[i]),
            }
            for i, code in enumerate(spec.codes)
        },
    }


def train(
    corpus: Corpus,
    dimensions: Sequence[DimensionSpec],
    progress: Progress | None = None,
    folds: int = FOLDS,
) -> tuple[SuggesterModel, dict[str, Any]]:
    """Fit the model on the whole corpus and evaluate it grouped by transcript.

    Returns the model and {dimension slug: metrics} (``dimension_metrics``)."""
    report = progress or (lambda percent, message: None)
    groups = np.asarray(corpus.groups)
    report(5, "Reading the text")
    # Only the utterances some dimension codes become rows (the turn before each is part of
    # its row), so a scheme that codes one speaker reads half the text.
    coded = np.zeros(len(corpus), dtype=bool)
    for spec in dimensions:
        coded |= _speaks(spec, corpus.roles)
    rows = np.flatnonzero(coded)
    folds = max(2, min(folds if len(rows) < LARGE else 3, len(set(groups[rows]))))
    union = feature_union(len(rows))
    matrix = union.fit_transform(
        _rows([corpus.texts[i] for i in rows], [corpus.previous[i] for i in rows])
    ).tocsr()
    for _, step in union.transformer_list:
        step.named_steps["tfidf"].stop_words_ = None  # only a record of what was cut: large
    roles = [corpus.roles[i] for i in rows]
    metrics: dict[str, Any] = {}
    models: dict[str, Any] = {}
    share = 90 / max(1, len(dimensions))
    for number, spec in enumerate(dimensions):
        start = 10 + number * share
        index = np.flatnonzero(_speaks(spec, roles))
        labels = [corpus.labels[spec.slug][rows[i]] for i in index]
        features = matrix if len(index) == len(rows) else matrix[index]
        report(int(start), f"Evaluating {spec.slug} on held-out sessions")
        metrics[spec.slug] = _evaluate(spec, features, labels, groups[rows[index]], folds)
        report(int(start + share * 0.8), f"Fitting {spec.slug}")
        models[spec.slug] = _fit(spec, features, labels)
    report(100, "Done")
    return SuggesterModel(VERSION, union, list(dimensions), models), metrics
