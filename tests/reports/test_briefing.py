"""The quarterly briefing: compiled from the cases (figures recomputed independently here),
edited, issued as frozen versions, printed, read and instructed on by leaders."""

import io
import json
import re
import subprocess
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from feedback.models import Rating, Submission
from notifications.models import Notification
from reports.models import Briefing, Instruction, StopWord
from reports.periods import Period
from reports.services.briefing import briefing_compile, briefing_issue
from reports.tasks import compile_quarterly_briefing_task
from representatives.models import Role
from routing.models import Case, CaseEvent
from routing.search import clause_words
from tests.factories import make_official
from tests.reports.helpers import at, made

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2026Q3")
NOW = at("2026-11-28T12:00")


def recomputed(area) -> dict:
    """The headline figures from the rows themselves, in Python, without reports.metrics."""
    start, end = Q3.bounds()
    inside = [c for c in Case.objects.all() if c.area.path.startswith(area.path)]
    opened = [c for c in inside if start <= c.created_at < end and c.status != "merged"]
    closed = [c for c in inside if c.status == "closed" and start <= c.closed_at < end]

    def last_reply(case):
        times = [e.created_at for e in case.events.all() if e.kind == "reply"]
        return max(times) if times else None

    closed = [c for c in closed if c.resolve_by]  # on-time closure counts cases with a deadline
    on_time = [c for c in closed if last_reply(c) and last_reply(c) <= c.resolve_by]
    ratings = [r for r in Rating.objects.all() if start <= r.created_at < end and r.case in inside]
    good = [r for r in ratings if r.value in ("satisfied", "basically")]
    accepted = [c for c in opened if c.status != "not_accepted"]
    return {
        "opinions": sum(
            1
            for s in Submission.objects.select_related("area")
            if start <= s.created_at < end and s.area.path.startswith(area.path)
        ),
        "opened": len(opened),
        "response_rate": round(100 * sum(c.status != "new" for c in opened) / len(opened), 1),
        "resolution_rate": round(
            100 * sum(c.status in ("replied", "closed") for c in accepted) / len(accepted), 1
        ),
        "on_time_rate": round(100 * len(on_time) / len(closed), 1),
        "satisfaction_rate": round(100 * len(good) / len(ratings), 1),
        "supervised": sum(c.supervision != "" for c in opened),
    }


def test_headline_figures_match_an_independent_recount(quarter, areas):
    briefing = briefing_compile(period=Q3, area=areas[0], at=NOW)
    f = briefing.figures
    expected = recomputed(areas[0])
    assert f["volume"]["total"] == expected["opinions"]
    for key in (
        "opened",
        "response_rate",
        "resolution_rate",
        "on_time_rate",
        "satisfaction_rate",
        "supervised",
    ):
        assert f["handling"][key] == expected[key], key
    # Supervision counts apart: the supervised hand-off stays a hand-off by route, and the
    # appendix marks it.
    by_route = {r["key"]: r["count"] for r in f["volume"]["by_route"]}
    assert by_route["assign"] == 4 and "supervise" not in by_route
    supervised = [r["ref"] for r in f["appendix"]["rows"] if r["supervised"]]
    assert supervised == [quarter["H"].reference]
    assert briefing.title == "克拉玛依市民情民意专报（2026年第3季度）"
    assert briefing.overview_text.startswith("2026年第3季度，共收到群众意见8条")


def test_issuing_freezes_a_version_and_reissuing_makes_the_next(quarter, areas, committee_staff):
    briefing = briefing_compile(period=Q3, area=areas[0], at=NOW)
    first = briefing_issue(briefing_id=briefing.pk, actor=committee_staff)
    assert first.number == 1 and first.figures["handling"]["opened"] == 7
    # The data changes (D is answered and closed), the draft is compiled again and edited.
    Case.objects.filter(pk=quarter["D"].pk).update(
        status="closed", closed_at=at("2026-09-20T10:00")
    )
    Briefing.objects.filter(pk=briefing.pk).update(overview_text="改写后的概述。")
    briefing_compile(period=Q3, area=areas[0], at=NOW)
    briefing.refresh_from_db()
    assert briefing.overview_text == "改写后的概述。"  # a recompile keeps what staff wrote
    assert briefing.figures["handling"]["closed"] == 6
    # Re-issuing is a correction of the current version: it says why.
    second = briefing_issue(
        briefing_id=briefing.pk, actor=committee_staff, reason="D已办结，数字更新。"
    )
    first.refresh_from_db()
    assert second.number == 2 and second.figures["handling"]["closed"] == 6
    assert (first.superseded_by, first.superseded_reason) == (second, "D已办结，数字更新。")
    assert first.figures["handling"]["closed"] == 5  # version 1 is as it was issued
    assert (
        first.overview_text.startswith("2026年第3季度") and second.overview_text == "改写后的概述。"
    )


def test_staff_compile_edit_and_issue_through_the_pages(client, committee_staff, quarter, areas):
    client.force_login(committee_staff)
    response = client.post("/reports/briefings/compile/", {"period": "2026Q3", "area": areas[0].pk})
    briefing = Briefing.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/reports/briefings/{briefing.pk}/"
    )
    draft = client.get(f"/reports/briefings/{briefing.pk}/")
    assert draft.status_code == 200 and "一、总体情况" in draft.text and "草稿" in draft.text
    # A blank title is refused next to the field, and the rest of what was typed stays.
    bad = client.post(
        f"/reports/briefings/{briefing.pk}/",
        {"title": "", "overview_text": "本季度概述", "hot_text": "", "proposals_text": ""},
    )
    assert bad.status_code == 400 and "这个字段是必填项" in bad.text and "本季度概述" in bad.text
    ok = client.post(
        f"/reports/briefings/{briefing.pk}/",
        {
            "title": "三季度专报",
            "overview_text": "本季度概述",
            "hot_text": "供热",
            "proposals_text": "",
        },
    )
    assert ok.status_code == 302
    # Issuing is the form's second button: what is typed goes with it, once confirmed.
    issued = client.post(
        f"/reports/briefings/{briefing.pk}/issue/",
        {"title": "三季度专报", "overview_text": "本季度概述", "confirm": "on"},
        follow=True,
    )
    assert (
        issued.status_code == 200 and "第1版已印发" in issued.text and "本季度概述" in issued.text
    )


def test_the_pdf_is_a4_chinese_with_page_numbers(client, committee_staff, quarter, areas, tmp_path):
    briefing = briefing_compile(period=Q3, area=areas[0], at=NOW)
    version = briefing_issue(briefing_id=briefing.pk, actor=committee_staff)
    client.force_login(committee_staff)
    response = client.get(f"/reports/briefings/{briefing.pk}/v1.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "b.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert version.title in text.replace("\n", "")
    assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", text)
    assert "一、总体情况" in text and "附件" in text
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "Noto-Sans-CJK-SC" in fonts
    # The Excel workbook of the same version.
    book = load_workbook(
        io.BytesIO(client.get(f"/reports/briefings/{briefing.pk}/v1.xlsx").content)
    )
    assert {"总体情况", "热点话题", "附件：案件清单", "承办单位"} <= set(book.sheetnames)


def test_the_command_prints_a_summary_and_writes_the_files(quarter, areas, tmp_path):
    out = io.StringIO()
    call_command(
        "compile_briefing",
        "--quarter",
        "2026Q3",
        "--pdf",
        tmp_path / "b.pdf",
        "--xlsx",
        tmp_path / "b.xlsx",
        stdout=out,
    )
    summary = json.loads(out.getvalue())
    assert summary["period"] == "2026Q3" and summary["id"] == Briefing.objects.get().pk
    assert summary["opinions"] == 8 and summary["cases_opened"] == 7
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
    assert load_workbook(tmp_path / "b.xlsx").sheetnames[0] == "总体情况"
    with pytest.raises(CommandError):
        call_command("compile_briefing", "--quarter", "2026Q9")


def test_beat_compiles_the_quarter_that_ended(quarter, areas):
    briefing_id = compile_quarterly_briefing_task.delay().get()
    briefing = Briefing.objects.get(pk=briefing_id)
    # The quarter before today's, whatever day the test runs.
    assert briefing.period == Period.last_complete_quarter(timezone.localdate()).key
    assert briefing.area == areas[0]
    assert compile_quarterly_briefing_task.delay().get() == briefing_id  # a rerun: the same draft


def test_hot_topics_skip_stop_words_and_place_names(areas, site):
    texts = ["小区暖气不热，希望尽快解决", "暖气片漏水，向阳北小区", "暖气费太贵", "路灯坏了"]
    for day, text in enumerate(texts, start=1):
        case = made(areas[3], f"2026-08-{day:02d}T10:00")
        Submission.objects.filter(case=case).update(text=text, words=clause_words(text))
    made_before = made(areas[3], "2026-05-05T10:00")
    Submission.objects.filter(case=made_before).update(text="暖气不热", words="")  # cut here
    from reports.topics import hot_topics

    topics = {t["word"]: t for t in hot_topics(Q3, areas[0])}
    assert topics["暖气"]["count"] == 3 and topics["暖气"]["previous"] == 1
    assert topics["暖气"]["change"] == 200.0 and len(topics["暖气"]["examples"]) == 3
    assert "希望" not in topics and "小区" not in topics  # stop words
    assert "向阳" not in topics and "向阳北" not in topics  # a place name
    StopWord.objects.create(word="暖气")  # the committee edits the list
    assert "暖气" not in {t["word"] for t in hot_topics(Q3, areas[0])}


def test_numbers_in_summaries_are_masked(quarter, areas):
    Case.objects.filter(pk=quarter["A"].pk).update(
        summary="请回电13912345678，身份证650203199001011234"
    )
    rows = briefing_compile(period=Q3, area=areas[0], at=NOW).figures["appendix"]["rows"]
    [row] = [r for r in rows if r["ref"] == quarter["A"].reference]
    assert "13912345678" not in row["summary"] and "139****5678" in row["summary"]
    assert "650203199001011234" not in row["summary"]


def _compile_queries(area) -> int:
    with CaptureQueriesContext(connection) as captured:
        briefing_compile(period=Q3, area=area, at=NOW)
    return len(captured.captured_queries)


def test_compiling_costs_the_same_queries_for_few_or_many_cases(quarter, areas):
    _compile_queries(areas[0])  # the first compile creates the draft
    few = _compile_queries(areas[0])
    for day in range(1, 21):
        made(areas[3], f"2026-08-{day:02d}T10:00", status="closed", closed_at="2026-09-01T10:00")
    assert _compile_queries(areas[0]) == few


# --- who may do what -------------------------------------------------------------------------


@pytest.fixture
def issued(quarter, areas, committee_staff):
    briefing = briefing_compile(period=Q3, area=areas[0], at=NOW)
    return briefing_issue(briefing_id=briefing.pk, actor=committee_staff)


def test_leaders_read_issued_versions_but_not_drafts(client, leader, issued):
    pk = issued.briefing_id
    client.force_login(leader)
    assert client.get("/reports/briefings/").status_code == 200
    page = client.get(f"/reports/briefings/{pk}/v1/")
    assert page.status_code == 200 and "作出批示" in page.text
    assert client.get(f"/reports/briefings/{pk}/v1.pdf").status_code == 200
    assert client.get(f"/reports/briefings/{pk}/").status_code == 404
    assert client.get(f"/reports/briefings/{pk}/draft.pdf").status_code == 404
    assert client.post(f"/reports/briefings/{pk}/issue/").status_code == 404
    assert client.post("/reports/briefings/compile/", {"period": "2026Q3"}).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/reports/briefings/",
        "/reports/briefings/{pk}/v1/",
        "/reports/briefings/{pk}/v1.pdf",
        "/reports/briefings/{pk}/v1.xlsx",
    ],
)
def test_units_and_representatives_cannot_read_briefings(client, unit_staff, issued, areas, url):
    rep = make_official(Role.REPRESENTATIVE, username="rep-b", area=areas[3])
    for user in (unit_staff, rep):
        client.force_login(user)
        assert client.get(url.format(pk=issued.briefing_id)).status_code == 404


def test_street_staff_do_not_see_the_city_briefing(client, issued, areas):
    street = make_official(Role.COMMITTEE_STAFF, username="street-b", area=areas[2])
    client.force_login(street)
    assert client.get(f"/reports/briefings/{issued.briefing_id}/v1/").status_code == 404
    assert "民情民意专报" not in client.get("/reports/briefings/").text.split("<h2>")[-1]


def test_a_leader_instructs_on_a_case_and_asks_for_supervision(
    client, leader, committee_staff, issued, quarter
):
    client.force_login(leader)
    url = f"/reports/briefings/{issued.briefing_id}/v1/instruct/"
    overdue = issued.figures["proposals"]["supervision"][0]["ref"]
    assert overdue == quarter["C"].reference
    empty = client.post(url, {"about": f"case:{overdue}", "text": "  ", "supervise": "on"})
    assert empty.status_code == 400 and "这个字段是必填项" in empty.text
    response = client.post(
        url, {"about": f"case:{overdue}", "text": "请督促尽快办结。", "supervise": "on"}
    )
    assert response.status_code == 302
    instruction = Instruction.objects.get()
    assert instruction.case_id == quarter["C"].pk and instruction.supervise
    case = Case.objects.get(pk=quarter["C"].pk)
    # The case a unit holds lands in the 待督办 queue on its own route; the committee staff of
    # its area are told.
    assert (case.supervision, case.supervision_reason) == ("requested", "instruction")
    assert case.route == quarter["C"].route and case.unit_id == quarter["C"].unit_id
    assert CaseEvent.objects.filter(
        case=case, kind="supervision", is_public=False, note="领导批示：请督促尽快办结。"
    ).exists()
    assert Notification.objects.filter(
        case=case, user=committee_staff, template="case_supervision_requested"
    ).exists()
    # Supervision of a closed case is refused next to the field.
    closed = client.post(url, {"about": "briefing", "text": "整体很好。", "supervise": "on"})
    assert closed.status_code == 400 and "只有尚未办结的件才能列入督办" in closed.text


def test_staff_record_the_follow_up_and_the_next_briefing_reports_it(
    client, leader, committee_staff, issued, areas
):
    client.force_login(leader)
    client.post(
        f"/reports/briefings/{issued.briefing_id}/v1/instruct/",
        {"about": "briefing", "text": "加强供热问题督办。"},
    )
    instruction = Instruction.objects.get()
    # Only staff record follow-up; a leader cannot.
    assert (
        client.post(
            f"/reports/instructions/{instruction.pk}/follow-up/", {"follow_up": "x"}
        ).status_code
        == 404
    )
    client.force_login(committee_staff)
    response = client.post(
        f"/reports/instructions/{instruction.pk}/follow-up/", {"follow_up": "已召开推进会。"}
    )
    assert response.status_code == 302
    next_quarter = briefing_compile(
        period=Period.parse("2026Q4"), area=areas[0], at=NOW + timedelta(days=40)
    )
    [reported] = next_quarter.figures["instructions"]
    assert reported["text"] == "加强供热问题督办。" and reported["follow_up"] == "已召开推进会。"
