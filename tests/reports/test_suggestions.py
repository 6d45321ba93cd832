"""Suggestions and motions: drafted from recurring issues with their cases linked, the reply
deadlines (3 months, 6 approved), outcome codes, re-handling, the ten co-signers rule."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from reports.models import Motion, Suggestion
from reports.periods import Period
from reports.services import suggestions as s
from routing.models import Case, Category
from tests.factories import AreaFactory, HandlingUnitFactory, RepresentativeFactory
from tests.reports.helpers import made

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2026Q3")


@pytest.fixture
def parking(areas, categories):
    """Three parking cases in 银河路街道 in Q3, one elsewhere, one in Q4."""
    category = Category.objects.get(slug="estate-property")
    other_street = AreaFactory(code="650203005", name="昆仑路街道", level="street", parent=areas[1])
    inside = [
        made(areas[3], f"2026-08-0{d}T10:00", category=category, status="triaged")
        for d in (1, 2, 3)
    ]
    made(other_street, "2026-08-04T10:00", category=category)
    made(areas[3], "2026-10-04T10:00", category=category)
    return category, inside, other_street


def test_a_recurring_issue_becomes_a_suggestion_linked_to_its_cases(
    parking, areas, committee_staff
):
    category, inside, _other = parking
    suggestion = s.suggestion_from_cluster(
        street=areas[2], category=category, period=Q3, actor=committee_staff
    )
    assert suggestion.state == "draft" and suggestion.street == areas[2]
    assert set(suggestion.cases.values_list("pk", flat=True)) == {c.pk for c in inside}
    assert category.name in suggestion.title and "银河路街道" in suggestion.title
    # The chain both ways: from the case to the suggestion.
    assert list(Case.objects.get(pk=inside[0].pk).suggestions.all()) == [suggestion]


def test_an_empty_cluster_is_refused(areas, categories, committee_staff):
    with pytest.raises(ValidationError):
        s.suggestion_from_cluster(
            street=areas[2], category=Category.objects.first(), period=Q3, actor=committee_staff
        )


def test_reply_deadlines_outcomes_and_rehandling(parking, areas, committee_staff):
    category, _inside, _other = parking
    suggestion = s.suggestion_from_cluster(
        street=areas[2], category=category, period=Q3, actor=committee_staff
    )
    rep, unit = RepresentativeFactory(), HandlingUnitFactory()
    with pytest.raises(ValidationError):
        s.suggestion_submit(
            suggestion_id=suggestion.pk, actor=committee_staff, representatives=[], unit=unit
        )
    suggestion = s.suggestion_submit(
        suggestion_id=suggestion.pk,
        actor=committee_staff,
        representatives=[rep],
        unit=unit,
        on=date(2026, 11, 30),
    )
    assert suggestion.reply_due == date(2027, 2, 28)  # three months, end of a short month
    suggestion = s.suggestion_extend(
        suggestion_id=suggestion.pk, actor=committee_staff, on=date(2027, 1, 5)
    )
    assert suggestion.reply_due == date(2027, 5, 30) and suggestion.extended  # six months
    with pytest.raises(ValidationError):  # only once
        s.suggestion_extend(suggestion_id=suggestion.pk, actor=committee_staff, on=date(2027, 1, 6))
    with pytest.raises(ValidationError):
        s.suggestion_reply(
            suggestion_id=suggestion.pk, actor=committee_staff, reply="已安排", outcome="E"
        )
    suggestion = s.suggestion_reply(
        suggestion_id=suggestion.pk,
        actor=committee_staff,
        reply="已纳入明年改造计划。",
        outcome="C",
        on=date(2027, 3, 1),
    )
    assert (suggestion.state, suggestion.get_outcome_display()) == ("replied", "C：已列入计划")
    suggestion = s.suggestion_rate(
        suggestion_id=suggestion.pk,
        actor=committee_staff,
        satisfaction="dissatisfied",
        on=date(2027, 3, 10),
    )
    assert (suggestion.state, suggestion.rehandled, suggestion.reply_due) == (
        "rehandling",
        1,
        date(2027, 6, 10),
    )
    suggestion = s.suggestion_reply(
        suggestion_id=suggestion.pk,
        actor=committee_staff,
        reply="改造已开工。",
        outcome="B",
        on=date(2027, 5, 1),
    )
    suggestion = s.suggestion_rate(
        suggestion_id=suggestion.pk, actor=committee_staff, satisfaction="satisfied"
    )
    assert suggestion.state == "closed"


def test_an_extension_after_three_months_is_refused(parking, areas, committee_staff):
    category, _inside, _other = parking
    suggestion = s.suggestion_from_cluster(
        street=areas[2], category=category, period=Q3, actor=committee_staff
    )
    s.suggestion_submit(
        suggestion_id=suggestion.pk,
        actor=committee_staff,
        representatives=[RepresentativeFactory()],
        unit=HandlingUnitFactory(),
        on=date(2026, 8, 1),
    )
    with pytest.raises(ValidationError):
        s.suggestion_extend(
            suggestion_id=suggestion.pk, actor=committee_staff, on=date(2026, 11, 2)
        )


def _two_street_suggestions(parking, areas, actor):
    category, _inside, other = parking
    first = s.suggestion_from_cluster(street=areas[2], category=category, period=Q3, actor=actor)
    second = s.suggestion_from_cluster(street=other, category=category, period=Q3, actor=actor)
    return first, second


def test_a_motion_needs_ten_co_signers_and_goes_through_review(parking, areas, committee_staff):
    first, second = _two_street_suggestions(parking, areas, committee_staff)
    with pytest.raises(ValidationError):  # one street is not a regional common issue
        s.motion_draft(
            suggestions=[first], subject="x", grounds="y", proposal="z", actor=committee_staff
        )
    motion = s.motion_draft(
        suggestions=[first, second],
        subject="关于统筹解决老旧小区停车难问题的议案",
        grounds="两个街道反映集中。",
        proposal="统筹规划建设停车设施。",
        actor=committee_staff,
    )
    reps = RepresentativeFactory.create_batch(10)
    with pytest.raises(ValidationError) as refused:
        s.motion_submit(motion_id=motion.pk, actor=committee_staff, co_signers=reps[:9] + [reps[0]])
    assert "至少需要10名代表联名，目前只有9名" in str(refused.value)
    assert Motion.objects.get(pk=motion.pk).state == "draft"
    s.motion_submit(motion_id=motion.pk, actor=committee_staff, co_signers=reps)
    with pytest.raises(ValidationError):
        s.motion_review(
            motion_id=motion.pk, actor=committee_staff, accept=True, note="同意", research_by=""
        )
    s.motion_review(
        motion_id=motion.pk,
        actor=committee_staff,
        accept=True,
        note="同意立案",
        research_by="城建环资委",
    )
    motion = s.motion_decide(motion_id=motion.pk, actor=committee_staff, outcome="经大会审议通过")
    assert motion.state == "decided" and motion.co_signers.count() == 10
    # The chain both ways: motion → suggestions → cases, and case → suggestion → motion.
    case_ids = set(Case.objects.filter(suggestions__motions=motion).values_list("pk", flat=True))
    assert case_ids == set(first.cases.values_list("pk", flat=True)) | set(
        second.cases.values_list("pk", flat=True)
    )
    some_case = first.cases.first()
    assert list(Motion.objects.filter(suggestions__cases=some_case)) == [motion]


def test_year_counts_inter_session_against_session(parking, areas, committee_staff):
    rep, unit = RepresentativeFactory(), HandlingUnitFactory()
    for kind in ("inter_session", "session", "session"):
        suggestion = Suggestion.objects.create(
            title=kind, text="…", kind=kind, created_by=committee_staff
        )
        s.suggestion_submit(
            suggestion_id=suggestion.pk,
            actor=committee_staff,
            representatives=[rep],
            unit=unit,
            on=date(2026, 5, 1),
        )
    assert s.suggestion_year_counts(2026) == {
        "inter_session": 1,
        "session": 2,
        "total": 3,
        "inter_session_share": 33.3,
    }
    assert s.suggestion_year_counts(2025)["inter_session_share"] is None


# --- pages -------------------------------------------------------------------------------------


def test_one_click_from_the_briefing_draft_and_the_chain_on_both_pages(
    client, committee_staff, parking, areas
):
    from reports.services.briefing import briefing_compile

    category, inside, _other = parking
    briefing = briefing_compile(period=Q3, area=areas[0])
    client.force_login(committee_staff)
    draft = client.get(f"/reports/briefings/{briefing.pk}/")
    assert "生成代表建议" in draft.text
    response = client.post(
        "/reports/suggestions/from-cluster/",
        {"street": areas[2].pk, "category": category.pk, "period": "2026Q3"},
    )
    suggestion = Suggestion.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/reports/suggestions/{suggestion.pk}/"
    )
    page = client.get(response["Location"])
    assert page.status_code == 200 and inside[0].reference in page.text
    # And from a case to the suggestion it fed.
    case_page = client.get(f"/work/cases/{inside[0].pk}/")
    assert "转化的代表建议和议案" in case_page.text and suggestion.title in case_page.text
    listing = client.get("/reports/suggestions/")
    assert suggestion.title in listing.text and "闭会期间" in listing.text


def test_suggestion_pages_are_for_staff_and_leaders_only(
    client, committee_staff, leader, unit_staff, parking, areas
):
    category, _inside, _other = parking
    suggestion = s.suggestion_from_cluster(
        street=areas[2], category=category, period=Q3, actor=committee_staff
    )
    client.force_login(leader)
    assert client.get(f"/reports/suggestions/{suggestion.pk}/").status_code == 200
    # A leader reads but does not make suggestions.
    assert (
        client.post(
            "/reports/suggestions/from-cluster/",
            {"street": areas[2].pk, "category": category.pk, "period": "2026Q3"},
        ).status_code
        == 404
    )
    client.force_login(unit_staff)
    assert client.get("/reports/suggestions/").status_code == 404
    assert client.get(f"/reports/suggestions/{suggestion.pk}/").status_code == 404


def test_bad_cluster_input_is_a_404_or_a_message(client, committee_staff, parking, areas):
    category, _inside, _other = parking
    client.force_login(committee_staff)
    url = "/reports/suggestions/from-cluster/"
    assert (
        client.post(url, {"street": "x", "category": category.pk, "period": "2026Q3"}).status_code
        == 404
    )
    assert (
        client.post(
            url, {"street": areas[2].pk, "category": category.pk, "period": "2026Q9"}
        ).status_code
        == 404
    )
    empty = client.post(
        url, {"street": areas[2].pk, "category": category.pk, "period": "2025Q1"}, follow=True
    )
    assert "本期该街道没有此类办件" in empty.text and Suggestion.objects.count() == 0


def test_staff_carry_a_suggestion_through_its_pages(client, committee_staff, parking, areas):
    category, _inside, _other = parking
    suggestion = s.suggestion_from_cluster(
        street=areas[2], category=category, period=Q3, actor=committee_staff
    )
    rep, unit = RepresentativeFactory(name="李代表"), HandlingUnitFactory(name="克拉玛依区住建局")
    client.force_login(committee_staff)
    base = f"/reports/suggestions/{suggestion.pk}/"
    page = client.get(base)
    assert "撰写建议" in page.text and "交承办单位办理" in page.text
    # Bad input: no representative; the choice of unit is kept.
    bad = client.post(base + "submit/", {"submit-unit": unit.pk})
    assert bad.status_code == 400 and "这个字段是必填项" in bad.text
    assert f'<option value="{unit.pk}" selected>' in bad.text
    ok = client.post(base + "submit/", {"submit-representatives": [rep.pk], "submit-unit": unit.pk})
    assert ok.status_code == 302
    assert client.post(base + "extend/").status_code == 302
    assert Suggestion.objects.get().extended
    bad_reply = client.post(base + "reply/", {"reply-reply": "已列入计划", "reply-outcome": "Z"})
    assert bad_reply.status_code == 400 and "已列入计划" in bad_reply.text
    client.post(base + "reply/", {"reply-reply": "已列入计划", "reply-outcome": "C"})
    client.post(base + "rate/", {"rate-satisfaction": "basically"})
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.outcome, suggestion.satisfaction) == (
        "closed",
        "C",
        "basically",
    )
    assert client.post(base + "nonsense/").status_code == 404


def test_staff_draft_and_submit_a_motion_through_its_pages(
    client, committee_staff, leader, parking, areas
):
    first, second = _two_street_suggestions(parking, areas, committee_staff)
    client.force_login(committee_staff)
    form = {
        "motion-suggestions": [first.pk, second.pk],
        "motion-subject": "关于统筹解决老旧小区停车难问题的议案",
        "motion-grounds": "两个街道反映集中。",
        "motion-proposal": "统筹规划建设停车设施。",
    }
    one_street = client.post("/reports/motions/new/", {**form, "motion-suggestions": [first.pk]})
    assert one_street.status_code == 400 and "至少两个街道" in one_street.text
    assert "两个街道反映集中。" in one_street.text  # what was typed stays
    created = client.post("/reports/motions/new/", form)
    motion = Motion.objects.get()
    assert created["Location"] == f"/reports/motions/{motion.pk}/"
    reps = RepresentativeFactory.create_batch(10)
    nine = client.post(
        f"/reports/motions/{motion.pk}/cosign/", {"cosign-co_signers": [r.pk for r in reps[:9]]}
    )
    assert nine.status_code == 400 and "议案至少需要10名代表联名，目前只有9名" in nine.text
    client.post(
        f"/reports/motions/{motion.pk}/cosign/", {"cosign-co_signers": [r.pk for r in reps]}
    )
    client.post(
        f"/reports/motions/{motion.pk}/review/",
        {"review-accept": "1", "review-note": "同意立案", "review-research_by": "城建环资委"},
    )
    client.post(f"/reports/motions/{motion.pk}/decide/", {"decide-outcome": "经大会审议通过"})
    motion.refresh_from_db()
    assert (motion.state, motion.research_by, motion.outcome) == (
        "decided",
        "城建环资委",
        "经大会审议通过",
    )
    # Leaders read the motion, but do not act on it.
    client.force_login(leader)
    assert client.get(f"/reports/motions/{motion.pk}/").status_code == 200
    assert (
        client.post(f"/reports/motions/{motion.pk}/decide/", {"decide-outcome": "x"}).status_code
        == 404
    )
    assert client.get("/reports/motions/new/").status_code == 404


def test_a_suggestion_or_motion_without_a_street_is_for_city_level_readers_only(
    client, areas, committee_staff
):
    """Scoped like cases (issue 15.5): a row tied to no street belongs to no street committee."""
    from reports.selectors import motions_visible, suggestions_visible
    from representatives.models import Role
    from tests.factories import make_official

    loose = Suggestion.objects.create(
        title="全市性的建议", text="不属于某个街道。", created_by=committee_staff
    )
    motion = Motion.objects.create(
        subject="全市性议案", grounds="案据", proposal="方案", created_by=committee_staff
    )
    city, street = areas[0], areas[2]
    assert loose in suggestions_visible(city) and motion in motions_visible(city)
    assert loose not in suggestions_visible(street) and motion not in motions_visible(street)
    street_clerk = make_official(Role.COMMITTEE_STAFF, username="street-only", area=street)
    client.force_login(street_clerk)
    assert client.get(f"/reports/suggestions/{loose.pk}/").status_code == 404
    assert client.get(f"/reports/motions/{motion.pk}/").status_code == 404
    client.force_login(committee_staff)  # city level
    assert client.get(f"/reports/suggestions/{loose.pk}/").status_code == 200
