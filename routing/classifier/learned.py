"""The classifier's learned model (decision 0013): logistic regressions (scikit-learn) over
a text's characters (1–3-grams), its words (jieba tokens and word pairs, as the rules cut
them) and the rules that fired, predicting the five-way answer (route or supervise), the
route a supervised case follows, and the category.

Pure: no database. ``train`` fits a model on labelled examples and measures it by
cross-validation; ``Model.predict`` answers for many texts at once; ``dumps``/``loads`` turn
a model into bytes for the database (``ClassifierModel.blob``) and back.
"""

import io
import pickle
import re
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import sklearn
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from routing.classifier.corpus import CODES, Example
from routing.classifier.rules import Analysis, analyse, normalise
from routing.models import Route
from routing.routes import SUPERVISION

SUPERVISION_CODE = SUPERVISION.code

FORMAT = 1  # bump when the pickled layout changes: older blobs are then ignored
LIBRARY = f"scikit-learn {sklearn.__version__}"
MAX_CHAR_FEATURES = 40_000
MAX_WORD_FEATURES = 20_000
SIGNAL_WEIGHT = 1.0  # a rule that fired counts as much as a word of full weight
C = 16.0  # inverse regularisation, chosen by cross-validation on the tuning corpora
# The five-way probabilities are divided by a temperature fitted on the cross-validated
# predictions (``train``), so that "70 % sure" means about that; a model fitted without them
# (the baseline) uses the one measured on the shipped corpora.
DEFAULT_TEMPERATURE = 1.0
TEMPERATURES = np.round(np.arange(0.5, 6.01, 0.25), 2)
# Words in more than this share of texts (现在, 一下, 希望…) are not shown as reasons.
SHOWN_MAX_SHARE = 0.08
SHOWN_WORDS = 5
_WORDISH = re.compile(r"\w")


def _tokens(item):
    """The words and word pairs of an item (the analyzer of the word vectorizer)."""
    words = [t for t in item if _WORDISH.search(t)]
    return words + [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]


def _signals(item):
    # "read": present in every text, so that the vocabulary is never empty when no rule fired.
    return ["read", *item]


@dataclass
class Prediction:
    code: str  # one of CODES
    route: str  # the route it would follow (for a supervised case: the base route)
    category: str
    confidence: float  # the probability of ``code``
    words: tuple[str, ...]  # the words that weighed most for ``code``


@dataclass
class Model:
    """Three vectorizers and three classifiers; ``report`` holds the cross-validated figures."""

    chars: TfidfVectorizer
    words: TfidfVectorizer
    signals: TfidfVectorizer
    code: LogisticRegression
    route: LogisticRegression
    category: LogisticRegression
    report: dict = field(default_factory=dict)
    temperature: float = DEFAULT_TEMPERATURE
    format: int = FORMAT

    def matrix(self, texts, analyses):
        return _stack(self, texts, analyses)

    def predict(self, texts: list[str], analyses: list[Analysis]) -> list[Prediction]:
        """One prediction per text, given the rules' analysis of each."""
        if not texts:
            return []
        x = self.matrix(texts, analyses)
        p_code = _softmax(self.code.decision_function(x) / self.temperature)
        p_route = self.route.predict_proba(x)
        p_category = self.category.predict_proba(x)
        names = self._feature_names()
        out = []
        for i in range(len(texts)):
            k = int(np.argmax(p_code[i]))
            code = str(self.code.classes_[k])
            route = code if code in Route.values else str(self.route.classes_[p_route[i].argmax()])
            out.append(
                Prediction(
                    code=code,
                    route=route,
                    category=str(self.category.classes_[p_category[i].argmax()]),
                    confidence=float(p_code[i][k]),
                    words=_strongest(x[i], self.code, k, names, self._shown()),
                )
            )
        return out

    def _shown(self):
        """Which feature columns may be shown as reasons: words and word pairs that are not
        in most texts."""
        if not hasattr(self, "_shown_columns"):
            offset = len(self.chars.vocabulary_)
            rare = self.words.idf_ >= np.log(1 + 1 / SHOWN_MAX_SHARE) + 1
            self._shown_columns = set((np.flatnonzero(rare) + offset).tolist())
        return self._shown_columns

    def _feature_names(self):
        if not hasattr(self, "_names"):
            self._names = np.concatenate(
                [
                    self.chars.get_feature_names_out(),
                    self.words.get_feature_names_out(),
                    self.signals.get_feature_names_out(),
                ]
            )
        return self._names


def _inputs(texts, analyses):
    chars = [normalise(t or "") for t in texts]
    words = [a.tokens for a in analyses]
    signals = [a.signals for a in analyses]
    return chars, words, signals


def _stack(model, texts, analyses):
    chars, words, signals = _inputs(texts, analyses)
    return sparse.hstack(
        [
            model.chars.transform(chars),
            model.words.transform(words),
            SIGNAL_WEIGHT * model.signals.transform(signals),
        ],
        format="csr",
    )


def _softmax(scores):
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def _temperature(scores, labels, classes) -> float:
    """The temperature that gives the out-of-fold scores the lowest log-loss."""
    index = np.array([list(classes).index(label) for label in labels])
    best, best_loss = DEFAULT_TEMPERATURE, np.inf
    for t in TEMPERATURES:
        p = _softmax(scores / t)[np.arange(len(index)), index]
        loss = -np.mean(np.log(np.maximum(p, 1e-12)))
        if loss < best_loss:
            best, best_loss = float(t), loss
    return best


def _strongest(row, classifier, k, names, allowed) -> tuple[str, ...]:
    """The words (not characters, not rule names, not words most texts have) that pushed
    most towards class ``k``: value times weight, largest first."""
    coef = classifier.coef_[k] if classifier.coef_.shape[0] > 1 else classifier.coef_[0]
    contributions = row.multiply(coef).tocoo()
    ranked = sorted(zip(contributions.col, contributions.data, strict=True), key=lambda c: -c[1])
    picked = []
    for col, value in ranked:
        if value <= 0:
            break
        parts = str(names[col]).split("_")
        # Single characters (的, 了 …) say nothing, alone or in a pair.
        if col not in allowed or min(len(part) for part in parts) < 2:
            continue
        name = "".join(parts)
        # One of 资格 and 资格认证 is enough.
        if not any(name in other or other in name for other in picked):
            picked.append(name)
        if len(picked) == SHOWN_WORDS:
            break
    return tuple(picked)


def _vectorizers():
    return (
        TfidfVectorizer(
            analyzer="char",
            ngram_range=(1, 3),
            min_df=2,
            sublinear_tf=True,
            max_features=MAX_CHAR_FEATURES,
            dtype=np.float32,
        ),
        TfidfVectorizer(
            analyzer=_tokens,
            min_df=2,
            sublinear_tf=True,
            max_features=MAX_WORD_FEATURES,
            dtype=np.float32,
        ),
        TfidfVectorizer(analyzer=_signals, use_idf=False, norm=None, dtype=np.float32),
    )


def _classifier():
    # Balanced classes: 督办 and 报办 are rarer than 转办 but must not be missed.
    return LogisticRegression(C=C, class_weight="balanced", max_iter=500, tol=1e-3)


def _vectorized(texts, analyses):
    """A model with its vectorizers fitted on ``texts`` (no classifier yet), and the matrix."""
    chars, words, signals = _vectorizers()
    c, w, s = _inputs(texts, analyses)
    chars.fit(c)
    words.fit(w)
    signals.fit(s)
    model = Model(
        chars=chars,
        words=words,
        signals=signals,
        code=_classifier(),
        route=_classifier(),
        category=_classifier(),
    )
    return model, model.matrix(texts, analyses)


def _fit(texts, analyses, examples):
    model, x = _vectorized(texts, analyses)
    weights = np.array([e.weight for e in examples], dtype=np.float64)
    model.code.fit(x, [e.code for e in examples], sample_weight=weights)
    model.route.fit(x, [e.route for e in examples], sample_weight=weights)
    model.category.fit(x, [e.category for e in examples], sample_weight=weights)
    return _compact(model)


def _compact(model: Model) -> Model:
    """Weights in single precision: half the memory, the same answers."""
    for classifier in (model.code, model.route, model.category):
        classifier.coef_ = classifier.coef_.astype(np.float32)
        classifier.intercept_ = classifier.intercept_.astype(np.float32)
    return model


def fit(examples: list[Example]) -> Model:
    """A model of ``examples``, without measuring it (the baseline)."""
    texts = [e.text for e in examples]
    model = _fit(texts, [analyse(t) for t in texts], examples)
    model.report = {"examples": len(examples), "library": LIBRARY}
    return model


def train(examples: list[Example], *, folds: int = 5, seed: int = 2026) -> Model:
    """Fit a model on ``examples`` and measure it: ``model.report`` holds the cross-validated
    five-way and category accuracy, precision and recall per answer, the confusion table, the
    temperature and the training time. The rules' overrides are applied when measuring, as
    ``classify`` applies them.

    The vectorizers are fitted once on all the texts (their vocabulary, not the labels, is
    shared with the folds): at 10,000 decisions this halves the time, and the classifiers,
    which learn from the labels, never see a fold's own answers.
    """
    if len({e.code for e in examples}) < 2:
        raise ValueError("needs examples of at least two answers")
    started = time.monotonic()
    texts = [e.text for e in examples]
    analyses = [analyse(t) for t in texts]
    model, x = _vectorized(texts, analyses)
    codes = np.array([e.code for e in examples])
    categories = np.array([e.category for e in examples])
    weights = np.array([e.weight for e in examples], dtype=np.float64)
    overridden = np.array([a.overridden for a in analyses])
    k = max(2, min(folds, min(Counter(codes).values())))
    predicted_code = np.empty(len(examples), dtype=object)
    predicted_category = np.empty(len(examples), dtype=object)
    scores = np.zeros((len(examples), len(CODES)))
    for train_idx, test_idx in StratifiedKFold(k, shuffle=True, random_state=seed).split(x, codes):
        code, category = _classifier(), _classifier()
        code.fit(x[train_idx], codes[train_idx], sample_weight=weights[train_idx])
        category.fit(x[train_idx], categories[train_idx], sample_weight=weights[train_idx])
        raw = code.decision_function(x[test_idx])
        for column, label in enumerate(code.classes_):
            scores[test_idx, CODES.index(label)] = raw[:, column]
        predicted_code[test_idx] = code.classes_[raw.argmax(axis=1)]
        predicted_category[test_idx] = category.predict(x[test_idx])
    predicted_code[overridden] = SUPERVISION_CODE
    model.code.fit(x, codes, sample_weight=weights)
    model.route.fit(x, [e.route for e in examples], sample_weight=weights)
    model.category.fit(x, categories, sample_weight=weights)
    _compact(model)
    present = [CODES.index(c) for c in model.code.classes_]
    model.temperature = _temperature(scores[:, present], codes, model.code.classes_)
    model.report = evaluation(
        list(codes), list(predicted_code), list(categories), list(predicted_category)
    ) | {
        "folds": k,
        "temperature": model.temperature,
        "examples": len(examples),
        "seconds": round(time.monotonic() - started, 1),
        "library": LIBRARY,
    }
    return model


def combine_many(model: Model, texts: list[str], analyses: list[Analysis]) -> list[Prediction]:
    """The model's predictions with the rules' overrides on top: a hazard or wage arrears
    calls for supervision whatever the model says."""
    predictions = model.predict(texts, analyses)
    for prediction, analysis in zip(predictions, analyses, strict=True):
        if analysis.overridden and prediction.code != SUPERVISION_CODE:
            prediction.code = SUPERVISION_CODE
            prediction.confidence = max(prediction.confidence, 0.9)
    return predictions


def evaluation(expected, predicted, expected_category, predicted_category) -> dict:
    """Accuracy, per-answer precision and recall, and the confusion table (rows: expected)."""
    n = len(expected)
    confusion = {e: dict.fromkeys(CODES, 0) for e in CODES}
    for e, p in zip(expected, predicted, strict=True):
        confusion[e][p] += 1
    per_route = {}
    for code in CODES:
        tp = confusion[code][code]
        said = sum(confusion[e][code] for e in CODES)
        true = sum(confusion[code].values())
        per_route[code] = {
            "precision": round(tp / said, 3) if said else None,
            "recall": round(tp / true, 3) if true else None,
            "support": true,
        }
    return {
        "route_accuracy": round(
            sum(e == p for e, p in zip(expected, predicted, strict=True)) / n, 3
        )
        if n
        else None,
        "category_accuracy": round(
            sum(e == p for e, p in zip(expected_category, predicted_category, strict=True)) / n, 3
        )
        if n
        else None,
        "per_route": per_route,
        "confusion": confusion,
    }


def dumps(model: Model) -> bytes:
    buffer = io.BytesIO()
    pickle.dump(model, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    return zlib.compress(buffer.getvalue(), 6)


def loads(blob: bytes) -> Model | None:
    """The model of a stored blob; None when it was written by another layout or library
    version (it is retrained rather than trusted). Blobs come only from ``train`` via the
    training service: the table is written by this code alone."""
    model = pickle.loads(zlib.decompress(bytes(blob)))  # noqa: S301 (our own table)
    if getattr(model, "format", None) != FORMAT:
        return None
    if model.report.get("library") != LIBRARY:
        return None
    return model
