"""The classifier's rules: a suggested category, route, urgency and deadline level for a
resident's text, with the reasons shown to staff (DESIGN section 5).

The text is segmented with jieba and matched against keyword rules kept in
``routing/data/classifier_rules.toml``, a file non-programmers edit (docs/classifier.md).
Every rule word joins a private tokenizer's dictionary, so it comes out as one token, and
keywords match whole tokens; inside the rules' dictionary words nothing else matches, so 动车
does not fire inside 电动车 nor 气味 inside 燃气味. Staff confirm or change every suggestion;
their decisions are kept in ``ClassificationDecision`` and are the labelled data for
improving these rules (decision 0006).

``classify`` reads no database rows (categories, default routes and typical units come from
the taxonomy CSV the seed loads), so it can run on a thousand texts without a query.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from representatives.reference import area_rows
from routing.classifier.suggestion import Suggestion
from routing.models import DeadlineLevel, Route
from routing.reference import city_unit_names, taxonomy_rows
from routing.routes import ROUTE_CODES_ZH, ROUTES, SUPERVISION

RULES_PATH = Path(__file__).resolve().parent.parent / "data" / "classifier_rules.toml"
GAP = "…"
# A keyword written "re:…" is a regular expression over the normalised text, for what a word
# list cannot say (二十几户, 打了三回 …).
PATTERN = "re:"
CLAUSE_ENDS = "，。！？；：,.!?;:\n"
# Longest run of jieba tokens one keyword may span (keywords are dictionary words, so most
# span one token; a few phrases span two or three).
MAX_TOKENS_PER_KEYWORD = 6
TIERS = ("strong", "normal", "weak")
# jieba frequency for rule words: high enough that 一段路灯 is cut 一段/路灯, not 一段路/灯.
WORD_FREQ = 20000
ROUTE_NAMES_ZH = ROUTE_CODES_ZH


# --- rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaxonomyEntry:
    slug: str
    name: str
    default_route: str
    unit_type: str
    typical_units: tuple[str, ...]  # full unit names, e.g. 克拉玛依市住房和城乡建设局


@dataclass
class KeywordRule:
    """A matter, supervise or urgent rule: fires when one of its keywords matches."""

    name: str
    keywords: tuple[str, ...]
    reason: str
    route: str = ""
    category: str = ""
    urgent: bool = False
    negatable: bool = False
    confidence: float = 0.0
    unless: tuple[str, ...] = ()
    unless_rules: tuple[str, ...] = ()
    # A supervise rule judged before everything else (hazards, wage arrears): it calls for
    # supervision even on a matter in litigation or beyond the city, and no model overrules it.
    overrides: bool = False
    # A matter rule whose route supervision must not replace (litigation, beyond the city):
    # only an overriding supervise rule still calls for supervision on top of it.
    keeps_route: bool = False


@dataclass
class UnitRule:
    category: str
    units: tuple[str, ...]
    keywords: tuple[str, ...]


@dataclass
class Rules:
    """The parsed, validated rules file plus the taxonomy and route defaults it refers to."""

    weights: dict[str, int]
    fallback_category: str
    gap_chars: int
    negations: frozenset[str]
    negation_window: int
    dictionary: tuple[str, ...]
    categories: dict[str, dict[str, tuple[str, ...]]]  # slug -> tier -> keywords
    matter_rules: list[KeywordRule]
    supervise_rules: list[KeywordRule]
    urgent_rules: list[KeywordRule]
    unit_rules: list[UnitRule]
    taxonomy: dict[str, TaxonomyEntry]
    all_keywords: frozenset[str] = field(default_factory=frozenset)


def normalise(text: str) -> str:
    """Full-width letters and digits to ASCII, lower case: Ｇ３０１４ matches g3014."""
    return unicodedata.normalize("NFKC", text).lower()


def _taxonomy() -> dict[str, TaxonomyEntry]:
    entries = {}
    for row in taxonomy_rows():
        # The names the reference loader gives them (routing.services.reference).
        units = tuple(city_unit_names(row["typical_units_zh"]))
        entries[row["slug"]] = TaxonomyEntry(
            slug=row["slug"],
            name=row["name_zh"],
            default_route=row["default_route"],
            unit_type=row["unit_type"],
            typical_units=units,
        )
    return entries


def _words(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise ImproperlyConfigured(f"classifier rules: {where} must be a list of words")
    words = []
    for w in value:
        if w.startswith(PATTERN):
            try:
                re.compile(w[len(PATTERN) :])
            except re.error as e:
                raise ImproperlyConfigured(f"classifier rules: {where}: {w!r}: {e}") from None
            words.append(w)
        else:
            # Normalise around the gap mark: NFKC would turn "…" into "...".
            words.append(GAP.join(normalise(p) for p in w.strip().split(GAP)))
    return tuple(words)


def _keyword_rule(raw: dict, where: str, *, route_required: bool) -> KeywordRule:
    try:
        rule = KeywordRule(
            name=raw["name"],
            keywords=_words(raw["keywords"], f"{where}.keywords"),
            reason=raw["reason"],
            route=raw.get("route", ""),
            category=raw.get("category", ""),
            urgent=bool(raw.get("urgent", False)),
            negatable=bool(raw.get("negatable", False)),
            confidence=float(raw.get("confidence", 0.0)),
            unless=_words(raw.get("unless", []), f"{where}.unless"),
            unless_rules=tuple(raw.get("unless_rules", [])),
            overrides=bool(raw.get("overrides", False)),
            keeps_route=bool(raw.get("keeps_route", False)),
        )
    except KeyError as e:
        raise ImproperlyConfigured(f"classifier rules: {where} has no {e.args[0]}") from e
    if route_required and rule.route not in Route.values:
        raise ImproperlyConfigured(f"classifier rules: {where} has an unknown route {rule.route!r}")
    if not rule.keywords:
        raise ImproperlyConfigured(f"classifier rules: {where} has no keywords")
    return rule


def load_rules(path: Path = RULES_PATH) -> Rules:
    """Parse and check the rules file; raise ImproperlyConfigured naming what is wrong."""
    try:
        with Path(path).open("rb") as f:
            raw = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ImproperlyConfigured(f"classifier rules {path}: {e}") from e
    taxonomy = _taxonomy()
    settings = raw.get("settings", {})
    weights = settings.get("weights", {})
    if set(weights) != set(TIERS):
        raise ImproperlyConfigured(f"classifier rules: settings.weights needs {', '.join(TIERS)}")
    categories = {}
    for slug, tiers in raw.get("categories", {}).items():
        if slug not in taxonomy:
            raise ImproperlyConfigured(f"classifier rules: unknown category {slug!r}")
        categories[slug] = {
            tier: _words(tiers.get(tier, []), f"categories.{slug}.{tier}") for tier in TIERS
        }
    matter = [
        _keyword_rule(r, f"matter_rules[{i}]", route_required=True)
        for i, r in enumerate(raw.get("matter_rules", []))
    ]
    supervise = [
        _keyword_rule(r, f"supervise_rules[{i}]", route_required=False)
        for i, r in enumerate(raw.get("supervise_rules", []))
    ]
    urgent = [
        _keyword_rule(r, f"urgent_rules[{i}]", route_required=False)
        for i, r in enumerate(raw.get("urgent_rules", []))
    ]
    for rule in urgent:
        rule.urgent = True
    names = {r.name for r in matter + supervise + urgent}
    for rule in matter:
        if rule.category not in taxonomy:
            raise ImproperlyConfigured(
                f"classifier rules: matter rule {rule.name!r} has unknown category "
                f"{rule.category!r}"
            )
        if unknown := set(rule.unless_rules) - names:
            raise ImproperlyConfigured(
                f"classifier rules: matter rule {rule.name!r} names unknown rules {unknown}"
            )
    reachable = {slug for slug, tiers in categories.items() if any(tiers.values())}
    reachable |= {r.category for r in matter}
    if missing := set(taxonomy) - reachable:
        raise ImproperlyConfigured(
            f"classifier rules: no keywords lead to {', '.join(sorted(missing))}"
        )
    fallback = settings.get("fallback_category", "")
    if fallback not in taxonomy:
        raise ImproperlyConfigured(f"classifier rules: unknown fallback_category {fallback!r}")
    unit_rules = []
    for i, r in enumerate(raw.get("unit_rules", [])):
        if r.get("category") not in taxonomy:
            raise ImproperlyConfigured(f"classifier rules: unit_rules[{i}] has unknown category")
        unit_rules.append(
            UnitRule(
                category=r["category"],
                units=tuple(r.get("units", [])),
                keywords=_words(r.get("keywords", []), f"unit_rules[{i}].keywords"),
            )
        )
    dictionary = _words(raw.get("dictionary", {}).get("words", []), "dictionary.words")
    dictionary += tuple(normalise(row["name"]) for row in area_rows() if row["name"])
    rules = Rules(
        weights={tier: int(weights[tier]) for tier in TIERS},
        fallback_category=fallback,
        gap_chars=int(settings.get("gap_chars", 8)),
        negations=frozenset(_words(settings.get("negations", []), "settings.negations")),
        negation_window=int(settings.get("negation_window", 2)),
        dictionary=dictionary,
        categories=categories,
        matter_rules=matter,
        supervise_rules=supervise,
        urgent_rules=urgent,
        unit_rules=unit_rules,
        taxonomy=taxonomy,
    )
    keywords = {w for tiers in categories.values() for ws in tiers.values() for w in ws}
    for rule in matter + supervise + urgent:
        keywords.update(rule.keywords)
        keywords.update(rule.unless)
    for unit_rule in unit_rules:
        keywords.update(unit_rule.keywords)
    rules.all_keywords = frozenset(keywords)
    return rules


# --- matching ----------------------------------------------------------------------------


class Engine:
    """The rules plus a jieba tokenizer that knows every rule word; built once per process."""

    def __init__(self, rules: Rules):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.rules = rules
        # A private tokenizer, so that the rule words do not leak into jieba's global one;
        # the workbench's search reuses it (it cuts 路灯不亮 as 路灯/不/亮).
        self.tokenizer = jieba.Tokenizer()
        self.tokenizer.initialize()
        plain, gapped, patterns = set(), set(), set()
        for word in rules.all_keywords:
            if word.startswith(PATTERN):
                patterns.add(word)
            else:
                (gapped if GAP in word else plain).add(word)
        # Every rule word becomes one jieba token, so 楼道灯 is not cut as 楼道/灯 by chance.
        pieces = plain | {p for w in gapped for p in w.split(GAP)}
        for word in {*pieces, *rules.dictionary}:
            if len(word) > 1:
                self.tokenizer.add_word(
                    word, freq=max(WORD_FREQ, self.tokenizer.suggest_freq(word))
                )
        self.plain = frozenset(plain)
        # Tokens whose insides are not searched: dictionary words and category keywords, so
        # the longer category word wins (养老金 is social security, not 养老 elderly care).
        # Inside a rule phrase they are searched: 暖气停了 still says 暖气.
        self.whole = frozenset(rules.dictionary) | frozenset(
            w for tiers in rules.categories.values() for ws in tiers.values() for w in ws
        )
        self.max_len = max((len(w) for w in plain), default=1)
        # The gap in 欠…工资 spans a few characters but never a sentence end or comma.
        gap = f"[^{re.escape(CLAUSE_ENDS)}]{{0,{rules.gap_chars}}}?"
        self.gapped = {
            word: re.compile(gap.join(re.escape(p) for p in word.split(GAP))) for word in gapped
        }
        self.gapped |= {word: re.compile(word[len(PATTERN) :]) for word in patterns}

    def match(self, text: str) -> Matches:
        # No HMM: jieba would glue unknown characters into new words (灯不亮, 证办) and hide
        # keyword boundaries.
        tokens = [t for t in self.tokenizer.cut(text, HMM=False) if t]
        starts, pos = [], 0
        for token in tokens:
            starts.append(pos)
            pos += len(token)
        found: dict[str, list[int]] = {}
        for i in range(len(tokens)):
            joined = ""
            for j in range(i, min(i + MAX_TOKENS_PER_KEYWORD, len(tokens))):
                joined += tokens[j]
                if len(joined) > self.max_len:
                    break
                if joined in self.plain:
                    found.setdefault(joined, []).append(i)
        # A keyword of two or more characters also counts inside a longer token (列车 in
        # 城际列车, 暖气 in 暖气停了), except inside a dictionary word, kept whole on purpose
        # (动车 in 电动车, 气味 in 燃气味), or inside a category keyword (see ``whole``).
        for i, token in enumerate(tokens):
            if len(token) < 3 or token in self.whole:
                continue
            for size in range(2, len(token)):
                for k in range(len(token) - size + 1):
                    if token[k : k + size] in self.plain:
                        found.setdefault(token[k : k + size], []).append(i)
        surface: dict[str, str] = {}
        for word, pattern in self.gapped.items():
            for m in pattern.finditer(text):
                found.setdefault(word, []).append(bisect.bisect_right(starts, m.start()) - 1)
                surface.setdefault(word, m.group())
        return Matches(tokens, found, surface, self.rules.negations, self.rules.negation_window)


@dataclass
class Matches:
    tokens: list[str]
    found: dict[str, list[int]]  # keyword -> indexes of the tokens where it starts
    surface: dict[str, str]  # gapped keyword (欠…工资) -> the text it matched (欠了三个月工资)
    negations: frozenset[str]
    window: int

    def words(self, keywords, *, negatable: bool = False) -> list[str]:
        """The keywords that occur (outside a negation, when ``negatable``), in rule order."""
        hits = []
        for word in keywords:
            at = self.found.get(word)
            if not at:
                continue
            if negatable and all(self._negated(i) for i in at):
                continue
            hits.append(word)
        return hits

    def shown(self, words) -> str:
        """The matched text for a reason: 欠…工资 shows as 欠了三个月工资; a word inside another
        shown one is left out (电梯困人 covers 困人)."""
        texts = list(dict.fromkeys(self.surface.get(w, w) for w in words))
        return "、".join(t for t in texts if not any(t != o and t in o for o in texts))

    def _negated(self, index: int) -> bool:
        before = self.tokens[max(0, index - self.window) : index]
        return any(t in self.negations for t in before)


_engine_lock = threading.Lock()
_engine: Engine | None = None


def engine() -> Engine:
    """The process's engine, built on first use (jieba's dictionary takes about a second)."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = Engine(load_rules())
    return _engine


def reload_rules() -> None:
    """Forget the rules and tokenizer; the next call reads the rules file again."""
    global _engine
    with _engine_lock:
        _engine = None


# --- classification ----------------------------------------------------------------------


def _category_scores(rules: Rules, matches: Matches) -> dict[str, tuple[int, list[str]]]:
    scores = {}
    for slug, tiers in rules.categories.items():
        total, hits = 0, []
        for tier in TIERS:
            words = matches.words(tiers[tier])
            total += rules.weights[tier] * len(words)
            hits += words
        if total:
            scores[slug] = (total, hits)
    return scores


def _score_confidence(top: int, second: int) -> float:
    """Higher when the winning category scores well and clearly beats the runner-up."""
    margin = (top - second) / top
    strength = min(1.0, top / 6)
    return min(0.95, 0.35 + 0.6 * margin * strength)


@dataclass(frozen=True)
class Analysis:
    """What the rules make of a text: their own suggestion, and what a learned model reads
    beside the words (the tokens, and which rules fired)."""

    suggestion: Suggestion
    tokens: tuple[str, ...]
    # The rules that fired, as features: ``matter:litigation``, ``supervise:gas-hazard``.
    signals: tuple[str, ...]
    # An overriding supervise rule fired (a hazard, wage arrears): supervision is called for
    # whatever a model says.
    overridden: bool
    matches: Matches

    def unit_names(self, category: str) -> tuple[str, ...]:
        """Candidate departments for ``category`` (the rules' unit keywords, then its typical
        units)."""
        rules = engine().rules
        return _unit_names(rules, self.matches, rules.taxonomy[category])


def classify(text: str) -> Suggestion:
    """The rules' suggestion for ``text`` (``analyse(text).suggestion``)."""
    return analyse(text).suggestion


def analyse(text: str) -> Analysis:
    """Suggest route, supervision, category, urgency, deadline level and unit kind for
    ``text`` by the rules, with what they saw.

    Pure: reads the rules (once per process) and no database rows. Order (the labelling rules
    of docs/classifier-labelling.md): an overriding supervise rule (a hazard, wage arrears)
    calls for supervision whatever else the text says; matter rules (litigation, beyond the
    city, enquiry) decide the category and route when they match; otherwise the best-scoring
    category and its default route; the other supervise rules (many households, repeated
    complaints) then call for supervision, except on a route a matter rule keeps; hazard and
    utility-cut rules make it urgent.
    """
    eng = engine()
    rules = eng.rules
    matches = eng.match(normalise(text or ""))
    reasons: list[str] = []
    scores = _category_scores(rules, matches)
    ranked = sorted(scores.items(), key=lambda kv: -kv[1][0])  # stable: taxonomy order on ties

    supervise_hits = [
        (rule, words)
        for rule in rules.supervise_rules
        if (words := matches.words(rule.keywords, negatable=rule.negatable))
    ]
    urgent_hits = [
        (rule, words)
        for rule in rules.urgent_rules
        if (words := matches.words(rule.keywords, negatable=rule.negatable))
    ]
    fired = {rule.name for rule, _words in supervise_hits + urgent_hits}

    route = category = ""
    confidence = 0.0
    matter_rule = None
    for rule in rules.matter_rules:
        words = matches.words(rule.keywords)
        if not words or matches.words(rule.unless) or fired & set(rule.unless_rules):
            continue
        matter_rule = rule
        route, category, confidence = rule.route, rule.category, rule.confidence
        reasons.append(
            f"分类：{rules.taxonomy[category].name}；"
            + rule.reason.format(words=matches.shown(words))
        )
        break
    if not route:
        if ranked:
            category, (top, hits) = ranked[0]
            second = ranked[1][1][0] if len(ranked) > 1 else 0
            confidence = _score_confidence(top, second)
            reasons.append(f"分类：{rules.taxonomy[category].name}（{matches.shown(hits[:4])}）")
        else:
            category, confidence = rules.fallback_category, 0.1
            reasons.append(f"分类：{rules.taxonomy[category].name}（没有命中关键词，请人工判断）")
        route = rules.taxonomy[category].default_route
        reasons.append(f"按分类默认路径：{ROUTE_NAMES_ZH[route]}")

    overriding = [(r, w) for r, w in supervise_hits if r.overrides]
    counted = overriding if matter_rule and matter_rule.keeps_route else supervise_hits
    supervise = bool(counted)
    if supervise:
        reasons.append(f"加督办（仍按{ROUTE_NAMES_ZH[route]}办理，承办单位不变）")
        confidence = max(confidence, 0.85 if overriding else 0.6)
        reasons += [rule.reason.format(words=matches.shown(words)) for rule, words in counted]
    urgent_reasons = [
        rule.reason.format(words=matches.shown(words))
        for rule, words in supervise_hits + urgent_hits
        if rule.urgent
    ]
    urgent = bool(urgent_reasons)
    reasons += [r for r in dict.fromkeys(urgent_reasons) if r not in reasons]

    if urgent:
        level = DeadlineLevel.URGENT
    elif supervise:
        level = SUPERVISION.level_for(ROUTES[route].default_level)
    else:
        level = ROUTES[route].default_level
    entry = rules.taxonomy[category]
    suggestion = Suggestion(
        route=str(route),
        supervise=supervise,
        category=category,
        urgent=urgent,
        deadline_level=str(level),
        unit_kind=entry.unit_type,
        confidence=round(confidence, 2),
        reasons=tuple(reasons),
        unit_names=_unit_names(rules, matches, entry),
    )
    signals = [f"matter:{matter_rule.name}"] if matter_rule else []
    signals += [f"supervise:{r.name}" for r, _w in supervise_hits]
    signals += [f"urgent:{r.name}" for r, _w in urgent_hits]
    # Not the rules' own answer nor their best category: the rules were tuned on the texts a
    # model learns from, so there they look better than on new mail, and a model leaning on
    # them would copy their mistakes (measured: decision 0013).
    return Analysis(
        suggestion=suggestion,
        tokens=tuple(matches.tokens),
        signals=tuple(signals),
        overridden=bool(overriding),
        matches=matches,
    )


def _unit_names(rules: Rules, matches: Matches, entry: TaxonomyEntry) -> tuple[str, ...]:
    names: list[str] = []
    for rule in rules.unit_rules:
        if rule.category == entry.slug and matches.words(rule.keywords):
            names += rule.units
    names += entry.typical_units
    return tuple(dict.fromkeys(names))
