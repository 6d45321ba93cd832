"""Searching cases by their words (docs/workbench.md, "Search").

A case's words are cut once, when it is opened, and stored in ``Case.search_words``: the
classifier's tokenizer (it knows the domain's words, no HMM) in search mode, which adds the
dictionary words inside longer ones (拖欠工资 → 拖欠, 工资, 拖欠工资), and every Chinese
character on its own; lower-cased, each once, between spaces. A search is cut the same way in
precise mode and finds the cases holding every one of its words. On PostgreSQL the words are
a ``tsvector`` of the ``simple`` configuration (no stemming, no stop words: the words are
already cut) under a GIN index, so a search reads the index rather than every case's text;
elsewhere (SQLite) each word is a ``LIKE`` on the spaced words. Both match whole words, so the
two databases find the same cases.

An opinion's words in order, for hot topics, are ``clause_words`` (``Submission.words``).
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorExact
from django.db import connections, router
from django.db.models import Q

_WORDISH = re.compile(r"\w")
HAN = "\u4e00-\u9fff"  # the CJK unified ideographs: what counts as a Chinese character
_HAN_CHAR = re.compile(f"[{HAN}]")
_HAN_WORD = re.compile(f"[{HAN}]+")
# Single characters that say nothing on their own in a search.
_STOP_CHARS = frozenset("的了在是和与及或也都就吗呢啊吧把被给对从向")
MAX_SEARCH_WORDS = 8

# The GIN index of routing.models.Case is built on this very expression.
SEARCH_VECTOR = SearchVector("search_words", config="simple")


def _kept(tokens) -> list[str]:
    words = (t.strip().lower() for t in tokens)
    return list(
        dict.fromkeys(w for w in words if w and _WORDISH.search(w) and w not in _STOP_CHARS)
    )


def search_tokens(text: str) -> list[str]:
    """The words of a search, each of which a case's words must hold (at most eight).

    Cut with the classifier's tokenizer, which runs without jieba's HMM: plain jieba cuts
    路灯不亮 as 路/灯不亮, and 灯不亮 is not a word of 路灯一直不亮. Single-character
    function words (的, 了 …) and punctuation are dropped.
    """
    from routing import classifier

    text = (text or "").strip()
    if not text:
        return []
    return _kept(classifier.engine().tokenizer.cut(text, HMM=False))[:MAX_SEARCH_WORDS]


def search_words(text: str) -> str:
    """What ``Case.search_words`` stores for ``text``: its words in search mode and each of
    its Chinese characters, spaced. The characters let a one-character word of a search (不,
    亮 of 路灯不亮) match wherever the text's own cut glued it to another (不亮)."""
    from routing import classifier

    tokens = classifier.engine().tokenizer.cut_for_search(text or "", HMM=False)
    words = _kept([*tokens, *_HAN_CHAR.findall(text or "")])
    return f" {' '.join(words)} " if words else ""


CLAUSE_BREAK = "|"


def clause_words(text: str) -> str:
    """What ``Submission.words`` stores: the text's Chinese words in order, precise mode, with
    ``|`` where anything else (punctuation, digits, Latin) breaks a clause; spaced. Hot topics
    (reports.topics) read phrases from it without cutting the text again."""
    from routing import classifier

    out: list[str] = []
    for token in classifier.engine().tokenizer.cut(text or "", HMM=False):
        if _HAN_WORD.fullmatch(token):
            out.append(token)
        elif out and out[-1] != CLAUSE_BREAK:
            out.append(CLAUSE_BREAK)
    return " ".join(out)


def search_q(text: str) -> Q:
    """Cases whose words hold every word of the search ``text``; all cases for an empty one."""
    from routing.models import Case

    tokens = search_tokens(text)
    if not tokens:
        return Q()
    q = Q()
    for token in tokens:
        q &= Q(search_words__contains=f" {token} ")
    if connections[router.db_for_read(Case)].vendor != "postgresql":
        return q
    # The same words through the GIN index (plainto_tsquery: "&" between them, nothing in them
    # read as an operator). The LIKEs above stay beside it: they select the same rows, and
    # they tell the planner the match is rare, so that it reads the index rather than walk
    # the cases newest first computing to_tsvector on each (4 s at a million cases when the
    # matches are a season's, 80 ms from the index; docs/benchmarks.md).
    query = SearchQuery(" ".join(tokens), config="simple", search_type="plain")
    return Q(SearchVectorExact(SEARCH_VECTOR, query)) & q
