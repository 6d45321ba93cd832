"""Hot topics: the words most opinions of a period share (jieba, with the classifier's domain
dictionary and the committee's stop words), their trend on the period before, and examples.

Counted per opinion (a word said three times in one opinion counts once). Five queries: stop
words, area names, the period's texts, the previous period's, and the example cases."""

import re
from collections import Counter

from feedback.models import Submission
from reports.models import StopWord
from reports.periods import Period
from representatives.models import Area
from routing import classifier
from routing.models import Case

WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")  # Chinese words of two characters or more
EXAMPLES = 3


def _words(text: str, tokenizer, stop: frozenset[str]) -> set[str]:
    """The distinct words of one opinion. Search mode also yields the words inside a domain
    phrase (暖气费 gives 暖气 too), so one matter is counted however it is phrased."""
    return {
        token
        for token in tokenizer.cut_for_search(text, HMM=False)
        if WORD.match(token) and token not in stop
    }


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


def _texts(period: Period, area):
    start, end = period.bounds()
    return Submission.objects.filter(
        created_at__gte=start, created_at__lt=end, area__path__startswith=area.path
    ).values_list("text", "case_id")


def hot_topics(period: Period, area, *, limit: int = 10) -> list[dict]:
    """``[{"word", "count", "previous", "change", "examples": [{"ref", "summary", "street"}]}]``,
    the most shared words first."""
    tokenizer = classifier.engine().tokenizer
    stop = frozenset(StopWord.objects.values_list("word", flat=True)) | _place_words(tokenizer)
    counts: Counter[str] = Counter()
    cases_of: dict[str, list[int]] = {}
    for text, case_id in _texts(period, area).iterator(chunk_size=2000):
        for word in _words(text, tokenizer, stop):
            counts[word] += 1
            found = cases_of.setdefault(word, [])
            if case_id and len(found) < EXAMPLES and case_id not in found:
                found.append(case_id)
    top = [word for word, _count in counts.most_common(limit)]
    if not top:
        return []
    wanted = set(top)
    before: Counter[str] = Counter()
    for text, _case in _texts(period.previous(), area).iterator(chunk_size=2000):
        before.update(_words(text, tokenizer, stop) & wanted)
    case_ids = {pk for word in top for pk in cases_of.get(word, [])}
    cases = Case.objects.select_related("area__street").in_bulk(case_ids)
    result = []
    for word in top:
        examples = [
            {
                "ref": cases[pk].reference,
                "summary": cases[pk].summary,
                "street": cases[pk].area.street.name if cases[pk].area.street else "",
            }
            for pk in cases_of.get(word, [])
            if pk in cases
        ]
        previous = before[word]
        result.append(
            {
                "word": word,
                "count": counts[word],
                "previous": previous,
                "change": round(100 * (counts[word] - previous) / previous, 1)
                if previous
                else None,
                "examples": examples,
            }
        )
    return result
