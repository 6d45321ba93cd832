"""Hot topics are issues a reader would name (路灯不亮, 暖气不热), not filler words (几天, 家里,
门口): phrases ranked against the year before, each with its trend, streets and cases."""

import re
import time
import uuid
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncQuarter
from django.test.utils import CaptureQueriesContext

from demo.cases import demo_cases_add
from demo.network import network_seed
from feedback.models import Submission
from reports import topics
from reports.periods import Period
from reports.topics import hot_topics
from representatives.models import Area
from routing.search import clause_words
from tests.factories import AreaFactory
from tests.reports.helpers import at, made

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2026Q3")

# What user testing found in the briefing's hot topics, and words like them.
FILLER_WORDS = """
几天 两天 三天 好几天 家里 门口 很大 旁边 附近 现在 问题 希望 反映
我们 小区 社区 没有 一直 已经 晚上 老人 孩子 居民 住户 安全 申请
解决 情况 谢谢 尽快 经常 很多 老年人 老年 物业 时间 地方 麻烦 帮忙
楼上 楼下 坏了 不能 一下
"""
FILLERS = frozenset(FILLER_WORDS.split())


def _opinions(area, received: str, text: str, n: int) -> None:
    """``n`` opinions saying ``text`` in ``area``, received at ``received``: one through
    intake, the rest copies of its submission (only the texts, dates and areas are read)."""
    case = made(area, received)
    Submission.objects.filter(case=case).update(text=text, words=clause_words(text))
    first = Submission.objects.get(case=case)
    copies = []
    for _k in range(n - 1):
        copy = Submission.objects.get(pk=first.pk)
        copy.pk = None
        copy.tracking_code = uuid.uuid4().hex[:12]
        copy.idempotency_key = uuid.uuid4()
        copies.append(copy)
    made_ = Submission.objects.bulk_create(copies)
    Submission.objects.filter(pk__in=[s.pk for s in made_]).update(created_at=at(received))


@pytest.fixture
def planted(areas, site):
    """20 opinions about 路灯不亮 in one street in 2026Q3; 暖气不热 more often but as often as
    all year before, in another street; and filler the whole time."""
    _city, district, street, community = areas
    other_street = AreaFactory(
        code="650203005", name="昆仑路街道", level=Area.Level.STREET, parent=district
    )
    other = AreaFactory(
        code="650203005001", name="白杨社区", level=Area.Level.COMMUNITY, parent=other_street
    )
    filler = "我家门口的事情好几天了，家里老人很着急，现在希望尽快解决，谢谢！"
    _opinions(community, "2026-08-03T10:00", "迎宾路的路灯不亮，晚上出门很黑。", 14)
    _opinions(community, "2026-08-20T10:00", "我们楼后的路灯一直不亮，希望尽快修。", 6)
    _opinions(other, "2026-08-05T10:00", "家里暖气不热，室温只有十五度。", 25)
    _opinions(other, "2026-08-06T10:00", filler, 30)
    _opinions(community, "2026-08-07T10:00", filler, 10)
    for received in ("2025-08-10", "2025-11-10", "2026-02-10", "2026-05-10"):
        _opinions(other, f"{received}T10:00", "家里暖气不热，室温只有十五度。", 25)
        _opinions(community, f"{received}T11:00", filler, 10)
    return community, other


def test_a_planted_issue_ranks_first_with_its_streets_trend_and_link(planted, areas):
    community, other = planted
    found = hot_topics(Q3, areas[0])
    first = found[0]
    assert first["word"] == "路灯不亮" and first["count"] == 20
    assert first["previous"] == 0 and first["change"] is None
    assert first["streets"] == [{"name": "银河路街道", "count": 20}]
    assert len(first["examples"]) == 2  # the two cases (the copies are of their submissions)
    url = urlsplit(first["url"])
    query = parse_qs(url.query)
    assert url.path == "/work/" and query["queue"] == ["all"] and query["q"] == ["路灯 不亮"]
    assert query["since"] == ["2026-07-01"] and query["until"] == ["2026-09-30"]
    # More opinions, but no more than all year: below the new issue.
    words = [t["word"] for t in found]
    assert "暖气不热" in words and words.index("暖气不热") > 0
    heating = found[words.index("暖气不热")]
    assert heating["count"] == 25 and heating["previous"] == 25 and heating["change"] == 0.0
    assert heating["streets"] == [{"name": "昆仑路街道", "count": 25}]
    assert not FILLERS & set(words)
    # A street's briefing sees only its own.
    assert [t["word"] for t in hot_topics(Q3, areas[2])] == ["路灯不亮"]


def test_the_stop_lists_are_data():
    fillers = topics.fillers()
    assert {"几天", "家里", "门口", "很大", "旁边"} <= fillers
    assert not any(line.startswith("#") for line in fillers)
    issues = topics.issue_words()
    assert {"漏水", "坏了", "加装…"} <= issues


@pytest.fixture
def demo(db):
    network_seed(with_accounts=False)
    demo_cases_add(900, seed=14, patterns=150, now=at("2026-11-28T12:00"))


def _busiest_quarter() -> Period:
    row = (
        Submission.objects.annotate(q=TruncQuarter("created_at"))
        .values("q")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return Period.quarter(row["q"].year, (row["q"].month - 1) // 3 + 1)


def test_the_demo_quarter_has_issues_not_fillers(demo):
    city = Area.objects.get(level=Area.Level.CITY)
    period = _busiest_quarter()
    started = time.monotonic()
    with CaptureQueriesContext(connection) as captured:
        found = hot_topics(period, city)
    elapsed = time.monotonic() - started
    assert len(captured.captured_queries) == 6  # stops, areas, texts, background, before, cases
    assert elapsed < 10  # about a second for 3,000 opinions; generous for slow machines
    assert len(found) == 10
    ex = topics.extractor()
    issues = topics.issue_words()
    for topic in found:
        word = topic["word"]
        assert word not in FILLERS and not any(word == f for f in FILLERS)
        # A phrase of two words, or one word that names a problem itself (停水).
        assert len(topic["url"]) and (
            " " in parse_qs(urlsplit(topic["url"]).query)["q"][0] or word in issues
        ), word
        assert len(word) >= 4 or word in issues, word
        assert topic["streets"] and all(s["count"] > 0 for s in topic["streets"])
        assert sum(s["count"] for s in topic["streets"]) <= topic["count"]
    # The counts and streets are a recount of the quarter's texts.
    start, end = period.bounds()
    rows = Submission.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
        "text", "area__street__name"
    )
    recount, streets = Counter(), {}
    for text, street in rows:
        for label in ex.labels(text):
            recount[label] += 1
            streets.setdefault(label, Counter())[street] += 1
    for topic in found:
        word = topic["word"]
        assert topic["count"] == recount[word], word
        top = sorted(streets[word].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        assert [(s["name"], s["count"]) for s in topic["streets"]] == top
        # Every opinion counted says both words of the phrase (the workbench search finds it).
        first, _space, second = parse_qs(urlsplit(topic["url"]).query)["q"][0].partition(" ")
        said = sum(1 for text, _s in rows if first in text and second in text)
        assert said >= topic["count"]
    # The previous quarter's counts too.
    before = Counter()
    start, end = period.previous().bounds()
    for text in Submission.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
        "text", flat=True
    ):
        before.update(ex.labels(text))
    assert [t["previous"] for t in found] == [before[t["word"]] for t in found]


def test_an_opinion_keeps_its_words_in_order_when_its_case_is_opened(areas):
    case = made(areas[3], "2026-08-03T10:00")
    submission = Submission.objects.get(case=case)
    assert submission.words == clause_words(submission.text)
    assert submission.words.split()[0] != "|" and "|" in submission.words.split()  # clauses


def test_hot_topics_read_the_stored_words_and_cut_only_opinions_without_them(areas):
    for day in range(1, 5):
        _opinions(areas[3], f"2026-08-{day:02d}T10:00", "电梯经常停运，老人上下楼很难", 1)
    stored = [t["word"] for t in hot_topics(Q3, areas[0])]
    Submission.objects.update(words="")
    assert [t["word"] for t in hot_topics(Q3, areas[0])] == stored
    Submission.objects.update(words="路灯 不亮")  # what is stored is what is read
    assert "路灯不亮" in {t["word"] for t in hot_topics(Q3, areas[0])}


def test_the_stored_words_of_a_rambling_opinion_are_chinese_words_between_clause_breaks():
    text = "领导您好！！我家3号楼的暖气一直不热😢\n物业说找供热公司,12345也打了……WiFi也断了"
    clauses = [c.split() for c in clause_words(text).split(" | ")]
    # Punctuation, digits, an emoji, a line break and Latin each end a clause, once.
    assert clauses[2] == ["号", "楼", "的", "暖气", "一直", "不热"]
    assert clauses[3] == ["物业", "说", "找", "供热公司"]
    assert len(clauses) == 6 and all(
        re.fullmatch(r"[\u4e00-\u9fff]+", w) for c in clauses for w in c
    )
