"""Similar cases (相似意见): the figures in data, the measure, and the finder over real cases
(``routing.similar``, ``feedback.selectors_similar``; decision 0023)."""

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured

from feedback.models import Channel
from feedback.selectors_similar import case_households, similar_candidates, similar_open_cases
from feedback.services.cases import case_merge_with_submissions
from feedback.services.submit import IntakeSource, submission_create
from routing.models import Case, CaseStatus
from routing.selectors import cases_in_area
from routing.services.workflow import case_not_accept
from routing.similar import (
    DATA_PATH,
    load_similar_settings,
    many_households,
    passages,
    similar_settings,
    similarity_scores,
    word_features,
)
from tests.factories import AreaFactory
from tests.routing.helpers import TEXT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]

SAME = "北门那边的路灯坏了，一直不亮，晚上老人出门很不安全。"
OTHER = "楼上邻居每天晚上十一点以后还在装修，噪音太大，影响休息。"


def opinion(area, *, text=TEXT, phone="", site=None) -> Case:
    """A resident's opinion, with a phone number or without, and its case."""
    submission, _created = submission_create(
        key=uuid.uuid4(),
        source=IntakeSource(channel=Channel.SITE_QR, site=site),
        area_id=area.pk,
        text=text,
        request_type="help",
        contact_name="王秀兰" if phone else "",
        contact_phone=phone,
        contact_preference="phone" if phone else "none",
        consent=bool(phone),
    )
    return Case.objects.get(pk=submission.case_id)


@pytest.fixture
def community(areas, categories):
    return areas[3]


@pytest.fixture
def elsewhere(areas):
    """A community of another street of the same district."""
    street = AreaFactory(code="650203005", name="昆仑路街道", level="street", parent=areas[1])
    return AreaFactory(code="650203005001", name="昆仑路第一社区", level="community", parent=street)


def found(case, **kwargs) -> list[Case]:
    return [s.case for s in similar_open_cases(case, **kwargs)]


# --- the data and the measure ---------------------------------------------------------------


def test_the_shipped_figures_load_and_bad_ones_are_named(tmp_path):
    shipped = similar_settings()
    assert shipped == load_similar_settings(DATA_PATH)
    assert 0 < shipped.threshold < 1 and shipped.top >= 1 and shipped.candidates <= 300
    assert "谢谢" in shipped.ignore
    bad = tmp_path / "similar.toml"
    bad.write_text(
        "[similar]\nthreshold = 2\ntop = 5\ncandidates = 300\nwindow_days = 90\n"
        "passage_words = 30\n"
        "[households]\nsupervise_at = 5\n",
        "utf-8",
    )
    with pytest.raises(ImproperlyConfigured, match="threshold"):
        load_similar_settings(bad)
    bad.write_text("[similar]\nthreshold = 0.3\n[households]\nsupervise_at = 5\n", "utf-8")
    with pytest.raises(ImproperlyConfigured, match="top"):
        load_similar_settings(bad)


def test_features_are_words_and_neighbouring_pairs_within_a_clause():
    assert word_features("路灯 一直 不 亮 | 老人 出门") == [
        "路灯",
        "一直",
        "路灯_一直",
        "一直_不",
        "不_亮",
        "老人",
        "出门",
        "老人_出门",
    ]
    assert word_features("你好 | 路灯 坏了", frozenset({"你好"})) == ["路灯", "坏了", "路灯_坏了"]


def test_a_long_text_is_compared_in_overlapping_passages():
    words = " ".join(f"w{i}" for i in range(10))
    assert passages(words, 10) == [words]
    assert passages(words, 4) == ["w0 w1 w2 w3", "w2 w3 w4 w5", "w4 w5 w6 w7", "w6 w7 w8 w9"]


def test_the_same_words_score_one_and_no_shared_word_scores_zero():
    scores = similarity_scores("路灯 坏了", ["路灯 坏了", "噪音 装修", ""])
    assert scores[0] == pytest.approx(1.0)
    assert scores[1:] == [0.0, 0.0]
    assert similarity_scores("", ["路灯"]) == [0.0]
    assert similarity_scores("路灯", []) == []


# --- the finder -----------------------------------------------------------------------------


def test_a_similar_open_case_of_the_same_street_is_found_with_its_score(community, areas):
    first = opinion(community, text=TEXT, phone="13900000001")
    # Another community of the same street: the street is the place compared.
    neighbour = AreaFactory(
        code="650203004002", name="向阳南社区", level="community", parent=areas[2]
    )
    second = opinion(neighbour, text=SAME, phone="13900000002")
    listed = similar_open_cases(second)
    assert [s.case for s in listed] == [first]
    assert similar_settings().threshold <= listed[0].score <= 1
    assert listed[0].percent == round(listed[0].score * 100)
    assert listed[0].households == 1


def test_another_streets_case_is_never_found(community, elsewhere):
    mine = opinion(community, text=TEXT)
    opinion(elsewhere, text=TEXT)
    assert found(mine) == []
    assert found(mine, scope=None) == []


def test_unrelated_text_is_not_found(community):
    opinion(community, text=OTHER)
    assert found(opinion(community, text=TEXT)) == []


def test_closed_merged_and_refused_cases_are_not_found(community, committee_staff):
    merged_into = opinion(community, text=TEXT)
    merged = opinion(community, text=TEXT)
    case_merge_with_submissions(case_id=merged.pk, into=merged_into, actor=committee_staff)
    refused = opinion(community, text=TEXT)
    case_not_accept(
        case_id=refused.pk,
        actor=committee_staff,
        reply="已进入诉讼程序。",
        public_actor="人大常委会",
    )
    closed = opinion(community, text=TEXT)
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED)
    new = opinion(community, text=SAME)
    assert found(new) == [merged_into]


def test_the_case_itself_is_not_found_and_the_most_alike_comes_first(community):
    close = opinion(community, text=TEXT)
    far = opinion(community, text="北门路灯不亮好几天了。")
    new = opinion(community, text=TEXT)
    listed = similar_open_cases(new)
    assert [s.case for s in listed][:2] == [close, far] or [s.case for s in listed] == [close]
    assert new not in [s.case for s in listed]
    assert listed[0].score == pytest.approx(1.0)


def test_the_threshold_and_top_come_from_the_data(community):
    others = [opinion(community, text=TEXT) for _ in range(3)]
    new = opinion(community, text=SAME)
    shipped = similar_settings()
    score = similar_open_cases(new)[0].score
    assert score >= shipped.threshold
    # Just above the pair's score, nothing is listed; at it, all three.
    assert found(new, settings=replace(shipped, threshold=min(1.0, score + 0.01))) == []
    assert set(found(new, settings=replace(shipped, threshold=score))) == set(others)
    assert len(found(new, settings=replace(shipped, top=2))) == 2


def test_candidates_are_bounded_newest_first_and_by_the_window(community):
    old = opinion(community, text=TEXT)
    Case.objects.filter(pk=old.pk).update(
        created_at=old.created_at - timedelta(days=similar_settings().window_days + 1)
    )
    recent = [opinion(community, text=TEXT) for _ in range(3)]
    new = opinion(community, text=TEXT)
    bounded = replace(similar_settings(), candidates=2)
    assert similar_candidates(new, settings=bounded) == [recent[2], recent[1]]
    assert old not in similar_candidates(new)


def test_a_case_above_a_street_is_compared_within_its_own_area(areas, categories):
    district = areas[1]
    first = opinion(district, text=TEXT)
    opinion(areas[3], text=TEXT)  # a community's case: another place
    assert found(opinion(district, text=SAME)) == [first]


def test_the_scope_limits_what_is_found(community, areas):
    neighbour = AreaFactory(
        code="650203004002", name="向阳南社区", level="community", parent=areas[2]
    )
    there = opinion(neighbour, text=TEXT)
    here = opinion(community, text=TEXT)
    new = opinion(community, text=SAME)
    assert set(found(new, scope=cases_in_area(areas[2]))) == {there, here}
    assert found(new, scope=cases_in_area(community)) == [here]


def test_long_rambling_texts(community):
    """A resident who writes at length about many things: the matter they share with an open
    case is found; a long letter about other matters is not listed for a short one."""
    long_same = (
        "我是向阳北社区的老住户了，在这里住了二十多年，平时也没什么事情麻烦政府。"
        "今年小区的变化很大，门口新开了一家超市，买菜方便了不少，物业也换了一家新的公司，"
        "刚来的时候挺热情的，后来就慢慢不怎么管事了。我家老伴腿脚不好，每天晚上要下楼走一走，"
    ) * 3 + "可是小区北门的路灯一直不亮，晚上老人出门很不安全，已经好几天了，希望尽快修好。"
    long_other = (
        "给领导添麻烦了，我们家孩子今年上初三，学习压力很大，每天晚上要写作业到十一点多，"
        "我和孩子他爸都是双职工，白天上班，晚上回来还要做饭、收拾屋子，一家人都很辛苦。"
    ) * 3 + "楼上邻居每天晚上装修，噪音太大，吵得孩子没法写作业，跟邻居说了也没用。"
    short = opinion(community, text=TEXT)
    other = opinion(community, text=long_other)
    assert found(opinion(community, text=long_same)) == [short]
    new = opinion(community, text=SAME)
    assert other not in found(new)


# --- households -----------------------------------------------------------------------------


def test_households_are_distinct_numbers_and_each_opinion_without_one(community, committee_staff):
    case = opinion(community, phone="13900000001")
    for phone in ("13900000001", "13900000002", "", ""):
        joining = opinion(community, phone=phone)
        case_merge_with_submissions(case_id=joining.pk, into=case, actor=committee_staff)
    # 13900000001 twice is one household; two opinions without a number are two.
    assert case_households([case.pk]) == {case.pk: 4}
    assert case_households([]) == {}


def test_many_households_at_the_threshold_from_the_data():
    at = similar_settings().households_supervise_at
    assert not many_households(at - 1)
    assert many_households(at)
    assert many_households(at + 1)
