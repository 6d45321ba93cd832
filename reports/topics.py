"""Hot topics: the issues a period's opinions raise, as a reader would name them (路灯坏了,
暖气不热, 停车位太少), ranked against the opinions of the year before, with their trend on
the previous period, the streets they come from, examples and a link to their cases.

How (docs/reports.md, "Hot topics"):

1. Each opinion is cut with the classifier's tokenizer (it knows the domain's words) into
   clauses. A *phrase* is a subject — a noun, or a word of the classifier's categories — and,
   at most three words later in the same clause, what is wrong with it: an issue word of
   ``data/topic_issues.txt``, a word starting with 不/没/太/难/乱 (不热), or 不/没/太/很/难/乱
   and a verb or adjective (不亮, 太少). The label joins the two (电梯 经常 停运 → 电梯停运).
   Issue-file lines ending in … are requests, the object after them (加装减速带). A category
   word alone (暖气, 停水) is a candidate too; a longer one also stands for the category words
   inside it (暖气片 → 暖气).
   Stop words (the StopWord table), fillers (``data/topic_fillers.txt``) and place names are
   never a subject nor a topic.
2. Counted per opinion. A phrase and its sub-phrase are one issue (``_merge``): a word alone
   is a topic only when it stands for two phrases none of which is said twice, or names a
   problem itself (停水). Topics said mostly in the same opinions are one (``_distinct``).
3. Score = count × idf × lift: idf = ln((N + n + 1) / (b + c + 1)) penalises what every
   opinion says, and lift, the smoothed share of the period (c of n) over that of the
   background (b of N), clipped to ½…2, favours what is new here. The background is the
   latest ``BACKGROUND`` opinions of all areas in the four quarters before the period.

Six queries: stop words, area names, the period's texts, the previous period's, the
background's and the example cases. An opinion's words were cut when its case was opened
(``Submission.words``); one without them is cut here, each distinct text once per call.
"""

import math
import re
from collections import Counter
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from django.urls import reverse

from feedback.models import Submission
from reports.models import StopWord
from reports.periods import Period
from representatives.models import Area
from routing import classifier
from routing.models import Case
from routing.search import CLAUSE_BREAK, HAN, clause_words

DATA = Path(__file__).resolve().parent / "data"
FILLERS_FILE = DATA / "topic_fillers.txt"
ISSUES_FILE = DATA / "topic_issues.txt"

WORD = re.compile(f"^[{HAN}]{{2,}}$")  # Chinese words of two characters or more
ROAD = re.compile(r"(路|大道|大街|街)$")  # road names say where, not what
EXAMPLES = 3
STREETS = 3
MIN_COUNT = 2  # said once is not a topic
GAP = 3  # at most this many words between a subject and what is wrong with it
BACKGROUND = 4000  # opinions of the year before the period, the latest first
BACKGROUND_QUARTERS = 4
LIFT_CLIP = (0.5, 2.0)
NOUN_TAGS = frozenset({"n", "nz", "vn", "ng", "nl", "an"})
# 不 + 亮, 太 + 少, 难 + 挂: what is wrong, without an entry in topic_issues.txt.
PREFIXES = frozenset({"不", "没", "没有", "太", "很", "难", "乱"})
NEGATIONS = frozenset("不没太难乱")
PROBLEM_TAGS = frozenset({"a", "ad", "an", "v", "vn", "vd", "d", "zg"})
# 幼儿园门口, 公交站附近: a place the opinion is at, not its subject.
LOCATIVES = frozenset(
    {
        "门口",
        "旁边",
        "附近",
        "对面",
        "边上",
        "周边",
        "周围",
        "一带",
        "那一段",
        "路段",
        "前面",
        "后面",
    }
)
OVERLAP = 0.8  # two topics sharing this much of the smaller one's opinions are one issue


@lru_cache(maxsize=4)
def _lines(path: Path) -> frozenset[str]:
    return frozenset(
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


def fillers() -> frozenset[str]:
    """The curated filler words and phrases (data/topic_fillers.txt)."""
    return _lines(FILLERS_FILE)


def issue_words() -> frozenset[str]:
    return _lines(ISSUES_FILE)


_tags: dict[int, dict[str, str]] = {}


def _word_tags(tokenizer) -> dict[str, str]:
    """jieba's part-of-speech table (word → tag) for the tokenizer's dictionary, read once per
    tokenizer (about a quarter of a second); looked up, not run: posseg's cut is slow."""
    key = id(tokenizer)
    if key not in _tags:
        from jieba.posseg import POSTokenizer

        _tags.clear()
        _tags[key] = POSTokenizer(tokenizer).word_tag_tab
    return _tags[key]


def _domain_words(engine) -> frozenset[str]:
    """The classifier's category words (strong and normal tiers): what opinions are about."""
    return frozenset(
        word
        for tiers in engine.rules.categories.values()
        for tier in ("strong", "normal")
        for word in tiers.get(tier, ())
        if WORD.match(word)
    )


class Extractor:
    """The topics of one text: ``labels(text)`` → {label}; ``query[label]`` is its search and
    ``inside[label]`` the shorter labels it contains (its sub-phrases)."""

    def __init__(self, tokenizer, tags, domain, issues, stop):
        self.tokenizer, self.tags, self.domain = tokenizer, tags, domain
        # Lines ending in … are what people ask for, the object after it (加装…减速带).
        self.requests = frozenset(w[:-1] for w in issues if w.endswith("…"))
        self.issues = frozenset(w for w in issues if not w.endswith("…"))
        self.stop = stop
        self.issue_len = max((len(w) for w in issues), default=1)
        self.query: dict[str, str] = {}
        self.inside: dict[str, frozenset[str]] = {}
        self._memo: dict[str, frozenset[str]] = {}
        self._inner: dict[str, frozenset[str]] = {}

    def labels(self, text: str, words: str = "") -> tuple[str, ...]:
        """The text's topics, each once, in the order the text raises them; from its stored
        ``words`` (``Submission.words``) when it has them, else the text is cut here."""
        found = self._memo.get(text)
        if found is None:
            found = self._memo[text] = tuple(self._labels(words or clause_words(text)))
        return found

    def _labels(self, words: str) -> dict[str, None]:
        found: dict[str, None] = {}
        clause: list[str] = []
        for token in words.split():
            if token != CLAUSE_BREAK:
                clause.append(token)
            elif clause:
                self._clause(clause, found)
                clause = []
        if clause:
            self._clause(clause, found)
        return found

    def _clause(self, tokens: list[str], found: dict[str, None]) -> None:
        subject, at, i = None, -1, 0
        while i < len(tokens):
            token = tokens[i]
            if token in self.requests:  # 加装 + 减速带, 恢复 + 供暖
                for j in range(i + 1, min(i + 1 + GAP, len(tokens))):
                    if self._subject(tokens[j]):
                        self._phrase(found, token, tokens[j], token + tokens[j], tokens[j])
                        subject, i = None, j
                        break
                i += 1
                continue
            problem = self._problem(tokens, i) if subject and i - at <= GAP else None
            if problem:
                surface, size = problem
                self._phrase(found, subject, surface, subject + surface, subject)
                subject, i = None, i + size
                continue
            located = i + 1 < len(tokens) and tokens[i + 1] in LOCATIVES
            if self._subject(token) and not located:
                subject, at = token, i
                for word in self._inside(token) | ({token} if token in self.domain else set()):
                    found[word] = None
                    self.query.setdefault(word, word)
                    self.inside.setdefault(word, self._inside(word))
            i += 1

    def _phrase(self, found, first: str, second: str, label: str, subject: str) -> None:
        if label in self.stop:
            return
        found[label] = None
        if label not in self.query:
            self.query[label] = f"{first} {second}"
            self.inside[label] = self._inside(subject) | {subject}

    def is_phrase(self, label: str) -> bool:
        """Two words (路灯 不亮), not one (暖气)."""
        return " " in self.query.get(label, "")

    def _subject(self, token: str) -> bool:
        if not WORD.match(token) or token in self.stop or ROAD.search(token):
            return False
        if token in self.domain:
            return True
        return token not in self.issues and self.tags.get(token) in NOUN_TAGS

    def _inside(self, word: str) -> frozenset[str]:
        """The category words inside a longer word (暖气 in 暖气片), not stopped."""
        inner = self._inner.get(word)
        if inner is None:
            inner = self._inner[word] = frozenset(
                word[k : k + size]
                for size in range(2, len(word))
                for k in range(len(word) - size + 1)
                if word[k : k + size] in self.domain and word[k : k + size] not in self.stop
            )
        return inner

    def _problem(self, tokens: list[str], i: int) -> tuple[str, int] | None:
        """What is wrong, starting at token ``i``: (its text, its number of tokens)."""
        joined = ""
        best = None
        for j in range(i, min(i + 3, len(tokens))):
            joined += tokens[j]
            if len(joined) > self.issue_len:
                break
            if joined in self.issues:
                best = (joined, j - i + 1)
        token = tokens[i]
        if (
            best is None
            and 2 <= len(token) <= 3
            and token[0] in NEGATIONS
            and token not in self.stop
            and self.tags.get(token) not in NOUN_TAGS
        ):
            best = (token, 1)  # 不热, 没水了: one word
        if best is None and token in PREFIXES and i + 1 < len(tokens):
            after = tokens[i + 1]
            if after not in self.stop and (
                after in self.issues or after in self.domain or self.tags.get(after) in PROBLEM_TAGS
            ):
                best = (tokens[i] + after, 2)
        if best and i + best[1] < len(tokens) and tokens[i + best[1]] == "了":
            best = (best[0] + "了", best[1] + 1)  # 坏了, 堵了: as people say it
        return best


def _place_words(tokenizer) -> frozenset[str]:
    """Pieces of area names (迎宾, 五五, 乌尔禾…): where opinions come from is reported by
    street already, so place names are not topics."""
    names = Area.objects.values_list("name", flat=True)
    return frozenset(
        token
        for name in names
        for token in tokenizer.cut_for_search(name, HMM=False)
        if WORD.match(token)
    )


def extractor() -> Extractor:
    """A fresh extractor with the committee's stop words, the fillers and the place names (two
    queries)."""
    engine = classifier.engine()
    tokenizer = engine.tokenizer
    stop = (
        frozenset(StopWord.objects.values_list("word", flat=True))
        | fillers()
        | _place_words(tokenizer)
    )
    return Extractor(tokenizer, _word_tags(tokenizer), _domain_words(engine), issue_words(), stop)


def _texts(period: Period, area):
    start, end = period.bounds()
    return Submission.objects.filter(
        created_at__gte=start, created_at__lt=end, area__path__startswith=area.path
    )


def _background(period: Period) -> list[tuple[str, str]]:
    """The latest ``BACKGROUND`` opinions of all areas in the four quarters before."""
    first = period
    for _n in range(BACKGROUND_QUARTERS):
        first = first.previous()
    start, _end = first.bounds()
    end, _ = period.bounds()
    return list(
        Submission.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by("-created_at")
        .values_list("text", "words")[:BACKGROUND]
    )


def _merge(counts: Counter[str], ex: "Extractor") -> set[str]:
    """The candidates once a phrase and its sub-phrase count as one issue. A word alone (暖气)
    is a topic only when its opinions share no phrase of ``MIN_COUNT`` opinions and it stands
    for two phrases or more (暖气不热, 暖气片漏水…), or when it names a problem itself (停水).
    Otherwise its phrases are the topics (电梯停运, not 电梯)."""
    children: dict[str, list[str]] = {}
    for label in counts:
        for sub in ex.inside.get(label, ()):
            if sub in counts:
                children.setdefault(sub, []).append(label)
    kept: set[str] = set()
    for label, count in counts.items():
        if count < MIN_COUNT:
            continue
        if ex.is_phrase(label) or label in ex.issues:
            kept.add(label)
            continue
        longer = children.get(label, ())
        if len(longer) >= 2 and all(counts[c] < MIN_COUNT for c in longer):
            kept.add(label)
    return kept


def _distinct(ranked: list[str], opinions: dict[str, list[int]], limit: int) -> list[str]:
    """The first ``limit`` of ``ranked``, leaving out a topic whose opinions are mostly those of
    one above it (电梯停运 and 物业没钱修 said in the same opinions are one issue)."""
    top: list[tuple[str, set[int]]] = []
    for label in ranked:
        mine = set(opinions[label])
        if not any(
            len(mine & theirs) >= OVERLAP * min(len(mine), len(theirs)) for _l, theirs in top
        ):
            top.append((label, mine))
            if len(top) == limit:
                break
    return [label for label, _set in top]


def score(count: int, total: int, background: int, background_total: int) -> float:
    """count × idf × lift (see the module's docstring)."""
    idf = math.log((background_total + total + 1) / (background + count + 1))
    lift = ((count + 1) / (total + 1)) / ((background + 1) / (background_total + 1))
    return count * idf * min(max(lift, LIFT_CLIP[0]), LIFT_CLIP[1])


def _url(query: str, period: Period, area) -> str:
    """The workbench's search for the topic's cases: its words, the area and the period."""
    return (
        reverse("workbench:workbench")
        + "?"
        + urlencode(
            {
                "queue": "all",
                "q": query,
                "area": area.pk,
                "since": period.start.isoformat(),
                "until": (period.end - timedelta(days=1)).isoformat(),
            }
        )
    )


def hot_topics(period: Period, area, *, limit: int = 10) -> list[dict]:
    """``[{"word", "count", "previous", "change", "streets": [{"name", "count"}], "url",
    "examples": [{"ref", "summary", "street"}]}]``, the highest score first."""
    ex = extractor()
    counts: Counter[str] = Counter()
    streets: dict[str, Counter[str]] = {}
    cases_of: dict[str, list[int]] = {}
    opinions: dict[str, list[int]] = {}
    places: Counter[str] = Counter()  # where in its opinions a topic comes, summed
    total = 0
    rows = _texts(period, area).values_list("text", "words", "case_id", "area__street__name")
    for text, words, case_id, street in rows.iterator(chunk_size=2000):
        total += 1
        for place, label in enumerate(ex.labels(text, words)):
            counts[label] += 1
            places[label] += place
            opinions.setdefault(label, []).append(total)
            if street:
                streets.setdefault(label, Counter())[street] += 1
            found = cases_of.setdefault(label, [])
            if case_id and len(found) < EXAMPLES and case_id not in found:
                found.append(case_id)
    candidates = _merge(counts, ex)
    if not candidates:
        return []
    background_texts = _background(period)
    background: Counter[str] = Counter()
    for text, words in background_texts:
        background.update(candidates.intersection(ex.labels(text, words)))
    ranked = sorted(
        candidates,
        key=lambda c: (
            -score(counts[c], total, background[c], len(background_texts)),
            not ex.is_phrase(c),  # a phrase before a word of the same opinions
            places[c] / counts[c],  # then what the opinions say first
            c,
        ),
    )
    top = _distinct(ranked, opinions, limit)
    wanted = set(top)
    before: Counter[str] = Counter()
    for text, words in (
        _texts(period.previous(), area).values_list("text", "words").iterator(chunk_size=2000)
    ):
        before.update(wanted.intersection(ex.labels(text, words)))
    case_ids = {pk for label in top for pk in cases_of.get(label, [])}
    cases = Case.objects.select_related("area__street").in_bulk(case_ids)
    result = []
    for label in top:
        examples = [
            {
                "ref": cases[pk].reference,
                "summary": cases[pk].summary,
                "street": cases[pk].area.street.name if cases[pk].area.street else "",
            }
            for pk in cases_of.get(label, [])
            if pk in cases
        ]
        previous = before[label]
        result.append(
            {
                "word": label,
                "count": counts[label],
                "previous": previous,
                "change": round(100 * (counts[label] - previous) / previous, 1)
                if previous
                else None,
                "streets": [
                    {"name": name, "count": n}
                    for name, n in sorted(
                        streets.get(label, Counter()).items(), key=lambda kv: (-kv[1], kv[0])
                    )[:STREETS]
                ],
                "url": _url(ex.query[label], period, area),
                "examples": examples,
            }
        )
    return result
