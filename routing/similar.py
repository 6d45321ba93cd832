"""Similar cases (相似意见): how alike two opinions are, and the figures that bound the search,
kept in data (``routing/data/similar_cases.toml``; decision 0023).

The measure is the cosine of TF-IDF vectors over the words each opinion was cut into once,
when its case was opened (``Submission.words``, ``routing.search.clause_words``): nothing is
cut again here. The inverse document frequencies are those of the few hundred cases compared
(one street's recent open cases), so what every opinion of that street says (its community's
name, 您好, 谢谢) weighs little and what only a few say (楼道灯, 井盖) weighs much.

Which cases are compared, and with what, is the intake's to read (``feedback.selectors_similar``):
this module knows nothing of submissions.
"""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from routing.search import CLAUSE_BREAK

DATA_PATH = Path(__file__).resolve().parent / "data" / "similar_cases.toml"


@dataclass(frozen=True)
class SimilarSettings:
    """The figures of ``similar_cases.toml``: the similarity from which a case is listed, how
    many are listed, how many recent open cases of the street and how many days back are
    compared, from how many households on one case supervision is suggested, how many words
    a passage of a long letter holds, and the words that say nothing of the matter
    (greetings, thanks)."""

    threshold: float
    top: int
    candidates: int
    window_days: int
    households_supervise_at: int
    passage_words: int = 30
    ignore: frozenset[str] = frozenset()


def load_similar_settings(path: Path = DATA_PATH) -> SimilarSettings:
    """Parse and check the file; raise ImproperlyConfigured naming what is wrong."""
    try:
        with Path(path).open("rb") as f:
            raw = tomllib.load(f)
        similar, households = raw["similar"], raw["households"]
        found = SimilarSettings(
            threshold=float(similar["threshold"]),
            top=int(similar["top"]),
            candidates=int(similar["candidates"]),
            window_days=int(similar["window_days"]),
            households_supervise_at=int(households["supervise_at"]),
            passage_words=int(similar["passage_words"]),
            ignore=frozenset(str(w) for w in similar.get("ignore", [])),
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as e:
        raise ImproperlyConfigured(f"similar cases {path}: {e!r}") from e
    if not 0 < found.threshold <= 1:
        raise ImproperlyConfigured(f"similar cases {path}: threshold must be in (0, 1]")
    counts = (found.top, found.candidates, found.window_days, found.passage_words)
    if min(*counts, found.households_supervise_at) < 1:
        raise ImproperlyConfigured(f"similar cases {path}: counts and days must be at least 1")
    return found


@cache
def similar_settings() -> SimilarSettings:
    """The shipped figures, read once per process."""
    return load_similar_settings()


def many_households(households: int, settings: SimilarSettings | None = None) -> bool:
    """Whether so many households wrote on one case that triage suggests supervision (the
    rule reason: many households), at ``supervise_at`` and above."""
    return households >= (settings or similar_settings()).households_supervise_at


def word_features(words: str, ignore: frozenset[str] = frozenset()) -> list[str]:
    """What an opinion is compared by: its stored words (``Submission.words``, clauses apart
    by ``|``) of two characters or more, and each pair of neighbouring words within a clause
    (门禁 坏了 → 门禁_坏了; 没 水 → 没_水), which keeps what a single character says in its
    context. Words in ``ignore`` are left out first: greetings and thanks (the data file's
    ``ignore``) and the place names of the street, which every case compared shares."""
    features: list[str] = []
    for clause in f" {words} ".split(f" {CLAUSE_BREAK} "):
        tokens = [t for t in clause.split() if t not in ignore]
        features += [t for t in tokens if len(t) > 1]
        features += [f"{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False)]
    return features


def passages(words: str, size: int) -> list[str]:
    """``words`` in overlapping windows of ``size`` words (half a window apart); a text of at
    most ``size`` words is one passage. A letter that rambles over many matters before it
    comes to its point is compared passage by passage, so its point is not drowned by the
    rest."""
    tokens = words.split()
    if len(tokens) <= size:
        return [words]
    step = max(1, size // 2)
    return [" ".join(tokens[i : i + size]) for i in range(0, len(tokens) - step, step)]


def similarity_scores(
    words: str,
    others: list[str],
    *,
    ignore: frozenset[str] = frozenset(),
    passage_words: int = 30,
) -> list[float]:
    """The similarity (0 to 1) of the opinion ``words`` to each of ``others`` (stored words,
    several opinions of one case joined by a clause break): the highest cosine between the
    TF-IDF vectors of their passages (``passages``), the frequencies counted over all the
    passages compared, ``ignore``'s words left out. Pure computation, no queries."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not others:
        return []
    mine = passages(words, passage_words)
    theirs = [passages(o, passage_words) for o in others]
    vectorizer = TfidfVectorizer(
        analyzer=lambda text: word_features(text, ignore), sublinear_tf=True
    )
    try:
        matrix = vectorizer.fit_transform([*mine, *(p for ps in theirs for p in ps)])
    except ValueError:  # not one word among them all
        return [0.0] * len(others)
    # Rows are L2-normalised: the dot product is the cosine. Each passage of the others
    # against the best of ours, then each other text by its best passage.
    best = (matrix[len(mine) :] @ matrix[: len(mine)].T).max(axis=1).toarray().ravel()
    starts = np.cumsum([0, *(len(ps) for ps in theirs[:-1])])
    return [float(s) for s in np.maximum.reduceat(best, starts)]
