"""The classifier's answer: the learned model's prediction with the rules on top.

The rules (``rules.analyse``) read the text first; the learned model (``learned``), which
reads the rules' findings beside the words, gives the five-way answer, the route and the
category; an overriding rule (a hazard, wage arrears) calls for supervision whatever the
model says; urgency and the candidate units come from the rules. Below ``REVIEW_BELOW`` the
suggestion says "请人工判断" (``needs_review``) instead of passing a guess off as an answer.
"""

from routing.classifier import learned, rules, store
from routing.classifier.suggestion import Suggestion
from routing.models import DeadlineLevel
from routing.routes import ROUTE_CODES_ZH, ROUTES, SUPERVISION

# Below this probability of its answer the model is asked to leave it to staff (set on the
# cross-validated calibration, docs/classifier.md).
REVIEW_BELOW = 0.7
# A text with fewer Chinese characters than this share is not read as Chinese.
CHINESE_SHARE = 0.3
REVIEW_REASON = "把握不大，请人工判断"


def classify(text: str) -> Suggestion:
    """The suggestion for one text (``classify_many`` for many: the model reads them at once)."""
    return classify_many([text])[0]


def classify_many(texts: list[str]) -> list[Suggestion]:
    """One suggestion per text, in order. Never raises on a text: an empty or non-Chinese one
    gets the rules' low-confidence answer, marked for staff to decide."""
    texts = [t or "" for t in texts]
    analyses = [rules.analyse(t) for t in texts]
    readable = [i for i, t in enumerate(texts) if _is_chinese(t)]
    out = [_unreadable(a) for a in analyses]
    if readable:
        current = store.current()
        predictions = learned.combine_many(
            current.model, [texts[i] for i in readable], [analyses[i] for i in readable]
        )
        for i, prediction in zip(readable, predictions, strict=True):
            out[i] = _merge(analyses[i], prediction, current.version)
    return out


def _is_chinese(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    chinese = sum(1 for c in letters if "\u4e00" <= c <= "\u9fff")
    return chinese >= 2 and chinese >= CHINESE_SHARE * len(letters)


def _unreadable(analysis: rules.Analysis) -> Suggestion:
    s = analysis.suggestion
    return Suggestion(
        **{
            **s.__dict__,
            "confidence": min(s.confidence, 0.1),
            "needs_review": True,
            "reasons": ("没有可读的中文内容，请人工判断", *s.reasons),
        }
    )


def _merge(analysis: rules.Analysis, p: learned.Prediction, version: int | None) -> Suggestion:
    by_rules = analysis.suggestion
    supervise = p.code == SUPERVISION.code
    policy = ROUTES[p.route]
    if by_rules.urgent:
        level = DeadlineLevel.URGENT
    elif supervise:
        level = SUPERVISION.level_for(policy.default_level)
    else:
        level = policy.default_level
    taxonomy = rules.engine().rules.taxonomy
    name = f"模型v{version}" if version else "基础模型"
    said = ROUTE_CODES_ZH[p.code]
    if supervise:
        said += f"（仍按{ROUTE_CODES_ZH[p.route]}办理）"
    first = f"{name}建议：{said}，{taxonomy[p.category].name}，把握{p.confidence:.0%}"
    if p.words:
        first += f"；主要依据：{'、'.join(p.words)}"
    reasons = [first]
    if by_rules.code != p.code:
        reasons.append(f"规则建议：{ROUTE_CODES_ZH[by_rules.code]}")
    reasons += list(by_rules.reasons)
    confidence = round(p.confidence, 2)
    needs_review = confidence < REVIEW_BELOW
    if needs_review:
        reasons.insert(0, REVIEW_REASON)
    return Suggestion(
        route=p.route,
        supervise=supervise,
        category=p.category,
        urgent=by_rules.urgent,
        deadline_level=str(level),
        unit_kind=taxonomy[p.category].unit_type,
        confidence=confidence,
        reasons=tuple(dict.fromkeys(reasons)),
        unit_names=analysis.unit_names(p.category),
        needs_review=needs_review,
        model_version=version,
        model_words=p.words,
    )
