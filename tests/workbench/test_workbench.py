"""The committee's workbench: the list, the case page and every action, through the views."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.html import escape

from feedback.models import Channel
from feedback.services.submit import IntakeSource, submission_create
from representatives.models import Role
from routing.models import (
    Case,
    CaseEvent,
    CaseStatus,
    ClassificationDecision,
    ExtensionRequest,
    MeetingDecision,
    ProgressMeeting,
    Route,
    SupervisionMilestone,
    UpwardReport,
)
from routing.services.extension import extension_request_create
from routing.services.workflow import (
    case_accept,
    case_progress,
    case_respond,
    case_review_approve,
)
from tests.factories import AreaFactory, HandlingUnitFactory, make_official
from tests.routing.helpers import PHONE, SUGGESTION, TEXT, estate, open_case, triage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]


# --- helpers ------------------------------------------------------------------------------------


def said(response, text) -> bool:
    """The page shows ``text`` (as rendered in the page's language, HTML-escaped)."""
    with translation.override("zh-hans"):
        return escape(str(translation.gettext(text))) in response.content.decode()


def url(case, action=""):
    return f"/work/cases/{case.pk}/{action + '/' if action else ''}"


@pytest.fixture
def clerk(committee_staff, categories):
    committee_staff.first_name, committee_staff.last_name = "晓燕", "司马"
    committee_staff.save(update_fields=["first_name", "last_name"])
    return committee_staff


@pytest.fixture
def unit(unit_staff):
    return unit_staff.official.unit


@pytest.fixture
def bodies(areas):
    city = areas[0]
    return {
        "office": HandlingUnitFactory(
            name="克拉玛依市人民政府办公室", kind="city_government_office", area=city
        ),
        "higher": HandlingUnitFactory(
            name="新疆维吾尔自治区人大常委会", kind="higher_congress", area=city
        ),
    }


@pytest.fixture
def new_case(site, clerk):
    return open_case(site.area, site=site)


@pytest.fixture
def dispatched(new_case, clerk, unit):
    return triage(new_case, clerk, route=Route.ASSIGN, unit=unit)


@pytest.fixture
def in_progress(dispatched, unit_staff):
    return case_accept(case_id=dispatched.pk, actor=unit_staff)


@pytest.fixture
def responded(in_progress, unit_staff):
    return case_respond(case_id=in_progress.pk, actor=unit_staff, result="路灯已更换，恢复照明。")


@pytest.fixture
def other_street_clerk(areas):
    other = AreaFactory(code="650203005", name="昆仑路街道", level="street", parent=areas[1])
    return make_official(Role.COMMITTEE_STAFF, username="other-street", area=other)


# --- the list ---------------------------------------------------------------------------------


def test_workbench_shows_queues_with_counts_and_the_rows(client, clerk, new_case, dispatched):
    fresh = open_case(new_case.area, site=new_case.site)
    client.force_login(clerk)
    page = client.get("/work/")
    assert page.status_code == 200
    assert page.context["queue"] == "to_classify"
    assert fresh.reference in page.text and dispatched.reference not in page.text
    counts = {t["key"]: t["count"] for t in page.context["tabs"]}
    assert counts["to_classify"] == 1 and counts["awaiting_rating"] == 0
    everything = client.get("/work/?queue=all")
    assert dispatched.reference in everything.text
    assert dispatched.unit.name in everything.text
    assert said(everything, "Sent to the handling unit")


def test_queue_counts_follow_each_change_and_are_kept_per_scope(client, clerk, site, unit, areas):
    def counts(user):
        client.force_login(user)
        return {t["key"]: t["count"] for t in client.get("/work/").context["tabs"]}

    first = open_case(site.area, site=site)
    open_case(site.area, site=site)
    assert counts(clerk)["to_classify"] == 2
    assert counts(clerk)["to_classify"] == 2  # the second read comes from the cache
    triage(first, clerk, route=Route.ASSIGN, unit=unit)
    # A change shows on the next page, not when the cached counts expire.
    after = counts(clerk)
    assert after["to_classify"] == 1 and after["all"] is None
    # Another street's clerk has counts of their own, never the city's cached ones.
    elsewhere = AreaFactory(code="650203005", name="别的街道", level="street", parent=areas[1])
    other_clerk = make_official(Role.COMMITTEE_STAFF, area=elsewhere)
    assert counts(other_clerk)["to_classify"] == 0
    assert counts(clerk)["to_classify"] == 1


def test_workbench_overdue_badge_and_filters(client, clerk, dispatched, site):
    Case.objects.filter(pk=dispatched.pk).update(resolve_by=timezone.now() - timedelta(days=1))
    other = open_case(site.area, site=site, text="垃圾清运不及时，楼下堆了三天。")
    client.force_login(clerk)
    overdue = client.get("/work/?queue=overdue")
    assert dispatched.reference in overdue.text and "tag-overdue" in overdue.text
    assert other.reference not in overdue.text
    by_status = client.get(f"/work/?queue=all&status={CaseStatus.NEW}")
    assert other.reference in by_status.text and dispatched.reference not in by_status.text
    by_route = client.get("/work/?queue=all&route=assign")
    assert dispatched.reference in by_route.text and other.reference not in by_route.text
    by_unit = client.get(f"/work/?queue=all&unit={dispatched.unit_id}")
    assert dispatched.reference in by_unit.text and other.reference not in by_unit.text
    by_area = client.get(f"/work/?queue=all&area={site.area.street_id}")
    assert by_area.context["page"].paginator.count == 2
    today = timezone.localdate().isoformat()
    assert client.get(f"/work/?queue=all&since={today}").context["page"].paginator.count == 2
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert client.get(f"/work/?queue=all&since={tomorrow}").context["page"].paginator.count == 0


def test_workbench_search_finds_a_chinese_word(client, clerk, site):
    lamp = open_case(site.area, site=site)
    rubbish = open_case(site.area, site=site, text="垃圾清运不及时，楼下堆了三天。")
    client.force_login(clerk)
    found = client.get("/work/", {"queue": "all", "q": "路灯"})
    assert lamp.reference in found.text
    assert rubbish.reference not in found.text
    other = client.get("/work/", {"queue": "all", "q": "垃圾清运"})
    assert rubbish.reference in other.text and lamp.reference not in other.text


def test_workbench_search_matches_words_not_the_exact_phrase(client, clerk, site):
    lamp = open_case(site.area, site=site)  # 路灯一直不亮
    client.force_login(clerk)
    assert lamp.reference in client.get("/work/", {"queue": "all", "q": "路灯不亮"}).text
    assert lamp.reference in client.get("/work/", {"queue": "all", "q": "的路灯，"}).text
    assert lamp.reference not in client.get("/work/", {"queue": "all", "q": "路灯坏了"}).text


@pytest.mark.parametrize(
    ("query", "tokens"),
    [
        ("路灯不亮", ["路灯", "不", "亮"]),
        ("  拖欠工资 ", ["拖欠工资"]),
        ("小区的路灯！", ["小区", "路灯"]),
        ("", []),
        ("，。", []),
    ],
)
def test_search_tokens(query, tokens):
    from routing.search import search_tokens

    assert search_tokens(query) == tokens


def test_workbench_query_count_does_not_grow_with_rows(client, clerk, site, unit, queries):
    def seed(n):
        for _ in range(n):
            triage(open_case(site.area, site=site), clerk, route=Route.ASSIGN, unit=unit)
            open_case(site.area, site=site)

    client.force_login(clerk)
    seed(3)
    client.get("/work/?queue=all")  # the area tree is read once per process
    with queries(11):
        assert client.get("/work/?queue=all").status_code == 200
    seed(3)
    with queries(12):  # cases changed: the queue counts are counted again (one query more)
        response = client.get("/work/?queue=all")
    assert len(response.context["page"].object_list) == 12
    with queries(11):  # and then read from the cache
        client.get("/work/?queue=all")


def test_workbench_paginates_by_25(client, clerk, site):
    for _ in range(26):
        open_case(site.area, site=site)
    client.force_login(clerk)
    first = client.get("/work/")
    assert len(first.context["page"].object_list) == 25
    assert len(client.get("/work/?page=2").context["page"].object_list) == 1


def test_bulk_accept_routes_complete_suggestions_and_reports_the_rest(client, clerk, site, unit):
    with_unit = open_case(site.area, site=site)
    Case.objects.filter(pk=with_unit.pk).update(
        suggestion={**SUGGESTION, "unit": unit.name, "unit_id": unit.pk}
    )
    direct = open_case(site.area, site=site)
    Case.objects.filter(pk=direct.pk).update(suggestion={**SUGGESTION, "route": "direct"})
    without_unit = open_case(site.area, site=site)
    client.force_login(clerk)

    response = client.post(
        "/work/bulk-accept/",
        {"queue": "to_classify", "cases": [with_unit.pk, direct.pk, without_unit.pk]},
        follow=True,
    )

    with_unit.refresh_from_db()
    direct.refresh_from_db()
    without_unit.refresh_from_db()
    assert with_unit.status == CaseStatus.DISPATCHED and with_unit.unit == unit
    assert direct.status == CaseStatus.TRIAGED and direct.route == Route.DIRECT
    assert without_unit.status == CaseStatus.NEW
    assert ClassificationDecision.objects.count() == 2
    text = response.content.decode()
    assert without_unit.reference in text
    assert said(response, "the suggestion names no handling unit")


def test_bulk_accept_is_post_only_scoped_and_needs_a_choice(
    client, clerk, other_street_clerk, new_case
):
    client.force_login(clerk)
    assert client.get("/work/bulk-accept/").status_code == 405
    assert client.post("/work/bulk-accept/", {"queue": "to_classify"}).status_code == 302
    client.force_login(other_street_clerk)
    client.post("/work/bulk-accept/", {"queue": "to_classify", "cases": [new_case.pk]})
    new_case.refresh_from_db()
    assert new_case.status == CaseStatus.NEW


# --- the case page ----------------------------------------------------------------------------


def test_case_page_shows_everything_with_contact_masked(client, clerk, dispatched):
    client.force_login(clerk)
    page = client.get(url(dispatched))
    assert page.status_code == 200
    text = page.content.decode()
    assert TEXT in text
    submission = dispatched.submissions.get()
    assert submission.tracking_code in text
    assert PHONE not in text and "王秀兰" not in text
    assert submission.contact_phone_masked in text
    assert "关键词“路灯”：物业与小区" in text  # the suggestion's reasons
    assert "82%" in text
    assert "司马晓燕" in text  # staff see actor names in the timeline, family name first
    assert said(page, "Sent to the handling unit")
    assert 'name="triage-route"' not in text  # no triage on a dispatched case


def test_committee_reveals_contact_on_purpose_and_each_view_is_logged(
    client, clerk, dispatched, other_street_clerk
):
    from feedback.models import ContactAccess

    submission = dispatched.submissions.get()
    reveal = f"/work/cases/{dispatched.pk}/contact/{submission.pk}/"
    client.force_login(clerk)
    assert client.get(reveal).status_code == 405  # a deliberate POST, never a link
    page = client.post(reveal)
    assert page.status_code == 200
    assert PHONE in page.text and "王秀兰" in page.text
    assert page["Cache-Control"] == "no-store"
    assert f"/work/cases/{dispatched.pk}/" in page.text  # back to the case
    assert ContactAccess.objects.filter(submission=submission, user=clerk).count() == 1
    client.post(reveal)
    assert ContactAccess.objects.filter(submission=submission, user=clerk).count() == 2
    # Another street's clerk: the case does not exist for them, and nothing is logged.
    client.force_login(other_street_clerk)
    assert client.post(reveal).status_code == 404
    assert not ContactAccess.objects.filter(user=other_street_clerk).exists()


def test_contact_of_an_anonymous_resident_cannot_be_revealed(client, clerk, site):
    anonymous, _created = submission_create(
        key=uuid.uuid4(),
        source=IntakeSource(channel=Channel.SITE_QR, site=site),
        area_id=site.area_id,
        text=TEXT,
        request_type="help",
    )
    client.force_login(clerk)
    page = client.get(url(Case.objects.get(pk=anonymous.case_id)))
    assert "contact/" not in page.text
    assert (
        client.post(f"/work/cases/{anonymous.case_id}/contact/{anonymous.pk}/").status_code == 404
    )


def test_case_page_query_count_does_not_grow_with_events(
    client, clerk, in_progress, unit_staff, queries
):
    client.force_login(clerk)
    case_progress(case_id=in_progress.pk, actor=unit_staff, note="进展", is_public=False)
    client.get(url(in_progress))  # the area tree is read once per process
    with queries(17):  # + the households on the case
        assert client.get(url(in_progress)).status_code == 200
    for n in range(4):
        case_progress(case_id=in_progress.pk, actor=clerk, note=f"进展{n}", is_public=bool(n % 2))
    with queries(17):
        response = client.get(url(in_progress))
    assert len(response.context["timeline"]) >= 5 + 2


def test_triage_form_is_prefilled_from_the_suggestion(client, clerk, new_case):
    client.force_login(clerk)
    form = client.get(url(new_case)).context["triage_form"]
    assert form.initial["route"] == "assign"
    assert form.initial["category"] == estate().pk
    assert form.initial["expected_status"] == CaseStatus.NEW


def test_a_suggested_transfer_does_not_prefill_a_unit_the_triage_would_ignore(
    client, clerk, new_case, unit
):
    new_case.suggestion = {**SUGGESTION, "route": "transfer", "unit_id": unit.pk}
    new_case.save(update_fields=["suggestion"])
    client.force_login(clerk)
    form = client.get(url(new_case)).context["triage_form"]
    assert form.initial["route"] == "transfer" and form.initial["unit"] is None


def test_triage_dispatches_to_the_unit(client, clerk, new_case, unit):
    client.force_login(clerk)
    response = client.post(
        url(new_case, "triage"),
        {
            "triage-expected_status": "new",
            "triage-route": "assign",
            "triage-category": estate().pk,
            "triage-unit": unit.pk,
            "triage-note": "",
        },
    )
    assert response.status_code == 302 and response.url == url(new_case)
    new_case.refresh_from_db()
    assert new_case.status == CaseStatus.DISPATCHED and new_case.unit == unit
    assert ClassificationDecision.objects.filter(case=new_case, actor=clerk).count() == 1


def test_triage_without_unit_is_refused_next_to_the_field_with_input_kept(client, clerk, new_case):
    client.force_login(clerk)
    response = client.post(
        url(new_case, "triage"),
        {
            "triage-expected_status": "new",
            "triage-route": "assign",
            "triage-category": estate().pk,
            "triage-note": "请街道尽快处理",
        },
    )
    assert response.status_code == 400
    form = response.context["triage_form"]
    assert "unit" in form.errors
    assert said(response, "Choose the unit that will handle it.")
    assert "请街道尽快处理" in response.content.decode()
    new_case.refresh_from_db()
    assert new_case.status == CaseStatus.NEW


def test_two_staff_triaging_at_once_second_is_told_and_one_decision_kept(
    client, clerk, new_case, unit, areas
):
    colleague = make_official(Role.COMMITTEE_STAFF, username="colleague", area=areas[0])
    data = {
        "triage-expected_status": "new",
        "triage-route": "assign",
        "triage-category": estate().pk,
        "triage-unit": unit.pk,
    }
    client.force_login(clerk)
    assert client.post(url(new_case, "triage"), data).status_code == 302
    client.force_login(colleague)
    second = client.post(url(new_case, "triage"), {**data, "triage-route": "transfer"})
    assert second.status_code == 400
    assert said(
        second,
        "This case was changed by someone else a moment ago. Reload the page and try again.",
    )
    assert ClassificationDecision.objects.filter(case=new_case).count() == 1
    new_case.refresh_from_db()
    assert new_case.route == Route.ASSIGN


def test_review_approve_sends_a_transfer_to_the_city_government_office(
    client, clerk, new_case, bodies
):
    under_review = triage(new_case, clerk, route=Route.TRANSFER)
    assert under_review.status == CaseStatus.UNDER_REVIEW
    client.force_login(clerk)
    page = client.get(url(under_review))
    assert "approve-note" in page.content.decode()
    response = client.post(url(under_review, "review/approve"), {"approve-note": "同意转办"})
    assert response.status_code == 302
    under_review.refresh_from_db()
    assert under_review.status == CaseStatus.DISPATCHED
    assert under_review.unit == bodies["office"]


def test_review_send_back_needs_a_reason(client, clerk, new_case):
    under_review = triage(new_case, clerk, route=Route.TRANSFER)
    client.force_login(clerk)
    empty = client.post(url(under_review, "review/send-back"), {"review_back-reason": ""})
    assert empty.status_code == 400
    assert "reason" in empty.context["review_back_form"].errors
    assert said(empty, "Say why it goes back.")
    done = client.post(
        url(under_review, "review/send-back"), {"review_back-reason": "应由街道办理"}
    )
    assert done.status_code == 302
    under_review.refresh_from_db()
    assert under_review.status == CaseStatus.RETURNED


def test_verify_publish_replies_as_the_standing_committee(client, clerk, responded):
    client.force_login(clerk)
    page = client.get(url(responded))
    assert page.context["publish_form"].initial["reply"] == "路灯已更换，恢复照明。"
    response = client.post(url(responded, "verify/publish"), {"publish-reply": "路灯已修好。"})
    assert response.status_code == 302
    responded.refresh_from_db()
    assert responded.status == CaseStatus.REPLIED
    reply = responded.events.get(kind=CaseEvent.Kind.REPLY)
    with translation.override("zh-hans"):
        assert reply.public_actor == translation.gettext("Standing committee")
    assert reply.note == "路灯已修好。"


def test_verify_send_back_returns_it_to_the_unit_and_empty_reason_is_refused(
    client, clerk, responded
):
    client.force_login(clerk)
    empty = client.post(url(responded, "verify/send-back"), {"verify_back-reason": "  "})
    assert empty.status_code == 400
    assert said(empty, "Say what is still missing.")
    ok = client.post(url(responded, "verify/send-back"), {"verify_back-reason": "缺少照片"})
    assert ok.status_code == 302
    responded.refresh_from_db()
    assert responded.status == CaseStatus.IN_PROGRESS


def test_extension_decide_approve_and_refuse_needs_a_note(client, clerk, in_progress, unit_staff):
    request = extension_request_create(
        case_id=in_progress.pk,
        actor=unit_staff,
        unit=in_progress.unit,
        reason="需要采购灯具",
        new_resolve_by=timezone.localdate() + timedelta(days=60),
    )
    client.force_login(clerk)
    action = url(in_progress, f"extensions/{request.pk}/decide")
    refused = client.post(action, {"extension-decision": "refuse", "extension-note": ""})
    assert refused.status_code == 400
    assert said(refused, "Say why the extension is refused.")
    ok = client.post(action, {"extension-decision": "approve"})
    assert ok.status_code == 302
    request.refresh_from_db()
    assert request.state == ExtensionRequest.State.APPROVED
    in_progress.refresh_from_db()
    assert in_progress.resolve_by.date() >= request.new_resolve_by - timedelta(days=1)


def test_supervise_then_plan_milestones_and_follow_up(client, clerk, in_progress):
    client.force_login(clerk)
    response = client.post(
        url(in_progress, "supervise"),
        {"supervise-supervisor": clerk.pk, "supervise-reason": "群众反映强烈"},
    )
    assert response.status_code == 302
    in_progress.refresh_from_db()
    assert in_progress.supervisor == clerk and in_progress.route == Route.ASSIGN
    assert in_progress.supervision == "active"

    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert (
        client.post(
            url(in_progress, "milestones"),
            {"milestone-title": "完成灯具更换", "milestone-due_on": due},
        ).status_code
        == 302
    )
    milestone = SupervisionMilestone.objects.get(case=in_progress)
    assert client.post(url(in_progress, f"milestones/{milestone.pk}/done"), {}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    assert (
        client.post(url(in_progress, "follow-up"), {"follow_up-note": "现场查看已亮灯"}).status_code
        == 302
    )
    assert in_progress.events.filter(kind=CaseEvent.Kind.FOLLOW_UP).count() == 2
    empty = client.post(url(in_progress, "follow-up"), {"follow_up-note": ""})
    assert empty.status_code == 400 and said(empty, "Write what the follow-up found.")


def test_progress_note_public_and_internal(client, clerk, in_progress):
    client.force_login(clerk)
    client.post(
        url(in_progress, "progress"), {"progress-note": "已联系街道", "progress-is_public": "on"}
    )
    client.post(url(in_progress, "progress"), {"progress-note": "内部备注"})
    notes = in_progress.events.filter(kind=CaseEvent.Kind.PROGRESS).order_by("pk")
    assert [(e.note, e.is_public) for e in notes] == [("已联系街道", True), ("内部备注", False)]


def test_merge_by_reference_and_unknown_reference_is_refused(client, clerk, site, new_case):
    duplicate = open_case(site.area, site=site)
    client.force_login(clerk)
    unknown = client.post(url(duplicate, "merge"), {"merge-into": "C-999999"})
    assert unknown.status_code == 400
    assert said(unknown, "No case with this reference in your area.")
    assert 'value="C-999999"' in unknown.content.decode()
    ok = client.post(url(duplicate, "merge"), {"merge-into": new_case.reference})
    assert ok.status_code == 302
    duplicate.refresh_from_db()
    new_case.refresh_from_db()
    assert duplicate.status == CaseStatus.MERGED and duplicate.merged_into == new_case
    assert new_case.submission_count == 2


def test_not_accept_explains_the_channel(client, clerk, new_case):
    client.force_login(clerk)
    response = client.post(
        url(new_case, "not-accept"), {"not_accept-reply": "此事已进入诉讼程序，请向法院咨询。"}
    )
    assert response.status_code == 302
    new_case.refresh_from_db()
    assert new_case.status == CaseStatus.NOT_ACCEPTED


def test_report_upward_then_record_the_reply(client, clerk, new_case, bodies):
    case = triage(new_case, clerk, route=Route.REPORT)
    case = case_review_approve(case_id=case.pk, actor=clerk)
    assert case.status == CaseStatus.DISPATCHED and case.unit == bodies["higher"]
    client.force_login(clerk)
    page = client.get(url(case))
    assert f'action="{url(case, "report-upward")}"' in page.text
    assert page.context["upward_form"].initial["body"] == bodies["higher"].name
    today = timezone.localdate().isoformat()
    response = client.post(
        url(case, "report-upward"),
        {
            "upward-body": bodies["higher"].name,
            "upward-reference_number": "克人常报〔2025〕3号",
            "upward-reported_on": today,
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert UpwardReport.objects.get(case=case).reference_number == "克人常报〔2025〕3号"
    reply = client.post(
        url(case, "upward-reply"),
        {"upward_reply-reply": "已纳入自治区规划。", "upward_reply-replied_on": today},
    )
    assert reply.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RESPONDED
    assert f'action="{url(case, "verify/publish")}"' in client.get(url(case)).text


def test_action_urls_are_post_only(client, clerk, new_case):
    client.force_login(clerk)
    assert client.get(url(new_case, "triage")).status_code == 405
    assert client.get(url(new_case, "merge")).status_code == 405


def test_acting_on_a_case_in_the_wrong_status_is_a_400_not_a_500(client, clerk, dispatched):
    client.force_login(clerk)
    response = client.post(url(dispatched, "review/approve"), {})
    assert response.status_code == 400
    assert response.context["failed_form"].non_field_errors()


# --- permissions --------------------------------------------------------------------------------


def test_other_street_staff_unit_staff_and_anonymous_are_kept_out(
    client, other_street_clerk, unit_staff, new_case
):
    assert client.get(url(new_case)).status_code == 302
    client.force_login(other_street_clerk)
    assert client.get("/work/").status_code == 200
    assert new_case.reference not in client.get("/work/?queue=all").text
    assert client.get(url(new_case)).status_code == 404
    assert client.post(url(new_case, "not-accept"), {"not_accept-reply": "x"}).status_code == 404
    client.force_login(unit_staff)
    assert client.get("/work/").status_code == 404
    assert client.get(url(new_case)).status_code == 404
    new_case.refresh_from_db()
    assert new_case.status == CaseStatus.NEW


# --- meetings -----------------------------------------------------------------------------------


def test_record_a_progress_meeting(client, clerk, in_progress, site):
    Case.objects.filter(pk=in_progress.pk).update(resolve_by=timezone.now() - timedelta(days=2))
    picked = open_case(site.area, site=site)
    client.force_login(clerk)
    page = client.get("/work/meetings/new/", {"refs": picked.reference})
    assert page.status_code == 200
    cases = page.context["form"].cases
    assert {c.pk for c in cases} == {in_progress.pk, picked.pk}

    empty = client.post(
        "/work/meetings/new/",
        {
            "case": [in_progress.pk],
            "held_on": timezone.localdate().isoformat(),
            "title": "第二季度推进会",
            "participants": "街道、住建局",
        },
    )
    assert empty.status_code == 400
    assert said(empty, "Record the decision on at least one case.")
    assert "第二季度推进会" in empty.content.decode()

    response = client.post(
        "/work/meetings/new/",
        {
            "case": [in_progress.pk, picked.pk],
            "held_on": timezone.localdate().isoformat(),
            "title": "第二季度推进会",
            "participants": "街道、住建局",
            f"decision_{in_progress.pk}": "本月底前完成",
        },
    )
    assert response.status_code == 302
    meeting = ProgressMeeting.objects.get()
    assert [d.case_id for d in MeetingDecision.objects.filter(meeting=meeting)] == [in_progress.pk]
    assert in_progress.events.filter(kind=CaseEvent.Kind.MEETING).exists()
    listing = client.get("/work/meetings/")
    assert "第二季度推进会" in listing.content.decode()
    assert "本月底前完成" in client.get(url(in_progress)).content.decode()


def test_adding_cases_keeps_what_was_typed(client, clerk, in_progress, site):
    """ "Add these cases" posts the whole form: the title, participants and decisions typed so
    far stay, the new case joins the list, and an unknown reference is named."""
    Case.objects.filter(pk=in_progress.pk).update(resolve_by=timezone.now() - timedelta(days=2))
    picked = open_case(site.area, site=site)
    client.force_login(clerk)
    typed = {
        "case": [in_progress.pk],
        "held_on": timezone.localdate().isoformat(),
        "title": "第四季度推进会",
        "participants": "街道、住建局、供热公司",
        f"decision_{in_progress.pk}": "月底前完成",
        "add": "1",
    }
    page = client.post("/work/meetings/new/", {**typed, "refs": f"{picked.pk}, C-999999"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "第四季度推进会" in html and "街道、住建局、供热公司" in html and "月底前完成" in html
    assert {c.pk for c in page.context["form"].cases} == {in_progress.pk, picked.pk}
    assert "C-999999" in html  # named as not found
    assert not ProgressMeeting.objects.exists()


def test_meeting_ignores_cases_outside_the_scope(client, other_street_clerk, in_progress):
    client.force_login(other_street_clerk)
    response = client.post(
        "/work/meetings/new/",
        {
            "case": [in_progress.pk],
            "held_on": timezone.localdate().isoformat(),
            "title": "推进会",
            "participants": "某某",
            f"decision_{in_progress.pk}": "越权决定",
        },
    )
    assert response.status_code == 400
    assert not MeetingDecision.objects.exists()


def test_a_long_list_stops_counting_at_the_cap_and_says_so(client, clerk, site, monkeypatch):
    from common.pagination import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 2)
    for _ in range(3):
        open_case(site.area, site=site)
    client.force_login(clerk)
    response = client.get("/work/", {"queue": "all"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.context["page"].paginator.capped
    assert "超过2件" in response.text
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    response = client.get("/work/", {"queue": "all"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert not response.context["page"].paginator.capped and "超过" not in response.text


def test_the_overdue_queue_lists_the_most_overdue_first(client, clerk, site):
    now = timezone.now()
    late = [open_case(site.area, site=site) for _ in range(3)]
    for days, case in zip((2, 9, 5), late, strict=True):
        Case.objects.filter(pk=case.pk).update(resolve_by=now - timedelta(days=days))
    client.force_login(clerk)
    rows = client.get("/work/", {"queue": "overdue"}).context["page"].object_list
    assert [c.pk for c in rows] == [late[1].pk, late[2].pk, late[0].pk]
