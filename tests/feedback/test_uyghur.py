"""Uyghur for residents (issue 17.2, decision 0025): the public pages right to left in Uyghur,
chosen by the browser or the switch; an opinion written in Uyghur marked for staff, given a
Chinese summary that search and the classifier read; the reply in the resident's language."""

import re
import uuid
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.utils import translation

from feedback.models import Channel, Submission
from feedback.services.submit import IntakeSource, submission_create
from notifications.delivery import notification_deliver
from notifications.messages import render_sms
from notifications.models import Notification
from representatives.models import Role
from routing import classifier
from routing.models import CaseEvent, CaseStatus, Route
from routing.services.workflow import case_accept, case_respond
from tests.factories import AreaFactory, make_official
from tests.feedback.helpers import form_data
from tests.routing.helpers import open_case, triage

pytestmark = pytest.mark.django_db

UG = {"HTTP_ACCEPT_LANGUAGE": "ug-CN,ug;q=0.9"}
# "The north gate's street lamp has been broken for a month; at night the old people cannot
# see the road. Please repair it." As a resident would type it on a phone.
UYGHUR_TEXT = (
    "مەھەللىمىزنىڭ شىمالىي دەرۋازىسىدىكى كوچا چىرىغى بىر ئايدىن بېرى بۇزۇق، "
    "كەچتە ياشانغانلار يولنى كۆرەلمەيدۇ. تېزرەك ئوڭشاپ بېرىشىڭلارنى سورايمىز."
)
SUMMARY = "小区北门路灯坏了一个多月，晚上老人看不见路，希望尽快修好。"
UYGHUR_REPLY = "كوچا چىرىغى بۈگۈن چۈشتىن كېيىن ئوڭشالدى."
CHINESE_REPLY = "路灯已于今天下午修复。"
CATALOGUE = Path(django_settings.BASE_DIR) / "locale" / "ug" / "LC_MESSAGES" / "django.po"


def _html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.text)[0]


def _uyghur(text: str) -> str:
    with translation.override("ug"):
        return translation.gettext(text)


@pytest.fixture
def uyghur_submission(client, site_code, site):
    """An opinion sent from the form read in Uyghur, with a number for text messages."""
    data = form_data(
        site.area,
        text=UYGHUR_TEXT,
        contact_phone="13912345678",
        consent="on",
        contact_preference="sms",
    )
    response = client.post(site_code.get_absolute_url(), data, **UG)
    assert response.status_code == 302
    return Submission.objects.get()


@pytest.fixture
def uyghur_case(uyghur_submission):
    return uyghur_submission.case


# --- the pages in Uyghur ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/stations/", "/track/"])
def test_the_browser_language_chooses_uyghur_right_to_left(client, site, path):
    response = client.get(path, **UG)
    assert response.status_code == 200
    assert 'lang="ug"' in _html_tag(response) and 'dir="rtl"' in _html_tag(response)
    assert _uyghur("Liaison sites") in response.text  # the header, in Uyghur letters
    chinese = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert 'lang="zh-CN"' in _html_tag(chinese) and 'dir="ltr"' in _html_tag(chinese)


def test_the_intake_form_and_receipt_are_in_uyghur(client, site_code, uyghur_submission):
    form = client.get(site_code.get_absolute_url(), **UG)
    assert 'dir="rtl"' in _html_tag(form)
    assert _uyghur("Send my opinion") == "پىكرىمنى يوللاش"
    assert "پىكرىمنى يوللاش" in form.text
    receipt = client.get(
        f"/track/{uyghur_submission.tracking_code}/{uyghur_submission.secret}/receipt/", **UG
    )
    assert receipt.status_code == 200 and 'dir="rtl"' in _html_tag(receipt)
    assert _uyghur("Your tracking code") in receipt.text


def test_the_switch_offers_uyghur_and_remembers_it(client, site):
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert 'value="ug"' in home.text and "ئۇيغۇرچە" in home.text
    response = client.post("/i18n/setlang/", {"language": "ug", "next": "/stations/"})
    assert response.status_code == 302 and response["Location"] == "/stations/"
    page = client.get("/stations/", HTTP_ACCEPT_LANGUAGE="zh-CN")  # the cookie wins
    assert 'lang="ug" dir="rtl"' in _html_tag(page)
    back = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert back.status_code == 302
    assert 'dir="ltr"' in _html_tag(client.get("/"))


def test_the_poster_is_in_uyghur(client, site, site_code):
    response = client.get(f"{site_code.get_absolute_url()}poster/", **UG)
    assert response.status_code == 200
    assert 'dir="rtl"' in _html_tag(response)
    assert _uyghur("Scan to write your opinion") in response.text


def test_fuzzy_and_missing_entries_fall_back_to_chinese_not_english():
    catalogue = polib.pofile(str(CATALOGUE))
    fuzzy = [e for e in catalogue if "fuzzy" in e.flags and not e.msgid_plural]
    empty = [e for e in catalogue if not e.translated() and not e.msgid_plural]
    assert fuzzy and empty
    for entry in [*fuzzy, *empty[:50]]:
        if entry.msgctxt:
            continue
        with translation.override("zh-hans"):
            chinese = translation.gettext(entry.msgid)
        if chinese == entry.msgid:
            continue  # not translated into Chinese either (a code, a separator)
        assert _uyghur(entry.msgid) == chinese, entry.msgid
    # And a translated entry is used.
    assert _uyghur("Follow my opinion") == "پىكرىمنى ئىز قوغلاش"


def test_the_catalogue_says_how_it_is_reviewed_and_keeps_its_placeholders():
    catalogue = polib.pofile(str(CATALOGUE))
    assert "fuzzy" in catalogue.header and "compilemessages -l ug" in catalogue.header
    for entry in catalogue:
        targets = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for target in (t for t in targets if t):
            assert (
                sorted(re.findall(r"%\(\w+\)s", target))
                == sorted(set(re.findall(r"%\(\w+\)s", entry.msgid + (entry.msgid_plural or ""))))
                or entry.msgid_plural
            ), entry.msgid


# --- marked, summarised, searched -------------------------------------------------------------


def test_an_opinion_from_the_uyghur_page_is_marked_for_staff(client, committee_staff, uyghur_case):
    assert uyghur_case.submissions.get().language == "ug"
    client.force_login(committee_staff)
    page = client.get(f"/work/cases/{uyghur_case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert page.status_code == 200
    assert '<span class="tag tag-language">维吾尔语</span>' in page.text
    assert 'lang="ug" dir="auto"' in page.text  # the resident's words, right to left
    listing = client.get("/work/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert '<span class="tag tag-language">维吾尔语</span>' in listing.text


def test_a_chinese_opinion_has_no_badge_and_no_summary_form(
    client, committee_staff, site, categories
):
    case = open_case(site.area, site=site)
    client.force_login(committee_staff)
    page = client.get(f"/work/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "tag-language" not in page.text and "summary-chinese_summary" not in page.text
    refused = client.post(
        f"/work/cases/{case.pk}/submissions/{case.submissions.get().pk}/summary/",
        {"summary-chinese_summary": SUMMARY},
    )
    assert refused.status_code == 400
    assert "这条意见已是中文，无需摘要。" in refused.text


def test_the_chinese_summary_is_searched_and_read_by_the_classifier(
    client, committee_staff, uyghur_case
):
    submission = uyghur_case.submissions.get()
    client.force_login(committee_staff)
    assert uyghur_case.pk not in _found(client, "路灯")
    before = uyghur_case.suggestion
    response = client.post(
        f"/work/cases/{uyghur_case.pk}/submissions/{submission.pk}/summary/",
        {"summary-chinese_summary": SUMMARY},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    uyghur_case.refresh_from_db()
    assert submission.chinese_summary == SUMMARY
    assert submission.text == UYGHUR_TEXT  # the resident's own words stay as written
    assert "路灯" in submission.words.split()  # hot topics read the summary's words
    assert uyghur_case.pk in _found(client, "路灯")
    assert uyghur_case.pk in _found(client, "北门 老人")
    assert uyghur_case.search_text == SUMMARY.lower()  # what a triage decision records
    # The suggestion is the classifier's for the summary, as if the resident wrote it.
    expected = classifier.classify(SUMMARY)
    assert uyghur_case.suggestion["category"] == expected.category
    assert uyghur_case.suggestion["reasons"] == list(expected.reasons)
    assert uyghur_case.suggestion != before
    page = client.get(f"/work/cases/{uyghur_case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert SUMMARY in page.text and "修改中文摘要" in page.text


def test_a_routed_case_keeps_its_route_when_the_summary_changes(
    client, committee_staff, uyghur_case, categories
):
    routed = triage(uyghur_case, committee_staff, route=Route.DIRECT)
    suggestion = routed.suggestion
    client.force_login(committee_staff)
    submission = routed.submissions.get()
    url = f"/work/cases/{routed.pk}/submissions/{submission.pk}/summary/"
    assert client.post(url, {"summary-chinese_summary": SUMMARY}).status_code == 302
    assert client.post(url, {"summary-chinese_summary": "北门路灯不亮。"}).status_code == 302
    routed.refresh_from_db()
    assert routed.status == CaseStatus.TRIAGED and routed.suggestion == suggestion
    submission.refresh_from_db()
    assert submission.chinese_summary == "北门路灯不亮。"
    assert routed.search_text == "北门路灯不亮。"  # the earlier summary is replaced


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "请用中文写摘要。"),
        ("   ", "请用中文写摘要。"),
        ("street lamp broken", "摘要须用中文书写：搜索和分流都读取它。"),
        ("چىراغ بۇزۇق", "摘要须用中文书写：搜索和分流都读取它。"),
        ("路灯" * 501, "1000"),
    ],
    ids=["empty", "spaces", "latin", "uyghur", "too long"],
)
def test_a_bad_summary_is_refused_next_to_the_field_as_typed(
    client, committee_staff, uyghur_case, typed, message
):
    submission = uyghur_case.submissions.get()
    client.force_login(committee_staff)
    response = client.post(
        f"/work/cases/{uyghur_case.pk}/submissions/{submission.pk}/summary/",
        {"summary-chinese_summary": typed},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    assert response.status_code == 400
    assert message in response.text
    if typed.strip():
        assert typed.strip()[:20] in response.text  # kept as typed
    submission.refresh_from_db()
    assert submission.chinese_summary == "" and submission.words == ""


def test_the_summary_form_is_for_the_case_scope_only(
    client, committee_staff, uyghur_case, areas, site, unit_staff
):
    submission = uyghur_case.submissions.get()
    other_case = open_case(site.area, site=site)
    client.force_login(committee_staff)
    # A submission of another case, through this case's URL: not found.
    wrong = client.post(
        f"/work/cases/{other_case.pk}/submissions/{submission.pk}/summary/",
        {"summary-chinese_summary": SUMMARY},
    )
    assert wrong.status_code == 404
    other_street = AreaFactory(code="650203099", name="昆仑路街道", level="street", parent=areas[1])
    outsider = make_official(Role.COMMITTEE_STAFF, username="outsider", area=other_street)
    for user in (outsider, unit_staff):
        client.force_login(user)
        response = client.post(
            f"/work/cases/{uyghur_case.pk}/submissions/{submission.pk}/summary/",
            {"summary-chinese_summary": SUMMARY},
        )
        assert response.status_code == 404
    assert (
        client.get(f"/work/cases/{uyghur_case.pk}/submissions/{submission.pk}/summary/").status_code
        == 405
    )
    submission.refresh_from_db()
    assert submission.chinese_summary == ""


# --- the reply in the resident's language -----------------------------------------------------


@pytest.fixture
def responded(uyghur_case, committee_staff, unit_staff, categories):
    case = triage(uyghur_case, committee_staff, route=Route.ASSIGN, unit=unit_staff.official.unit)
    case_accept(case_id=case.pk, actor=unit_staff)
    return case_respond(case_id=case.pk, actor=unit_staff, result="路灯已更换。")


def test_the_reply_in_uyghur_is_shown_to_the_resident_reading_uyghur(
    client, committee_staff, responded, uyghur_submission, settings
):
    client.force_login(committee_staff)
    page = client.get(f"/work/cases/{responded.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "publish-reply_translated" in page.text and "答复的维吾尔语译文" in page.text
    response = client.post(
        f"/work/cases/{responded.pk}/verify/publish/",
        {"publish-reply": CHINESE_REPLY, "publish-reply_translated": UYGHUR_REPLY},
    )
    assert response.status_code == 302
    reply = responded.events.get(kind=CaseEvent.Kind.REPLY)
    assert (reply.note, reply.note_translated, reply.note_language) == (
        CHINESE_REPLY,
        UYGHUR_REPLY,
        "ug",
    )
    client.logout()
    track = f"/track/{uyghur_submission.tracking_code}/{uyghur_submission.secret}/"
    in_uyghur = client.get(track, **UG).text
    assert UYGHUR_REPLY in in_uyghur and CHINESE_REPLY in in_uyghur
    assert in_uyghur.index(UYGHUR_REPLY) < in_uyghur.index(_uyghur("The reply in Chinese"))
    in_chinese = client.get(track, HTTP_ACCEPT_LANGUAGE="zh-CN").text
    assert CHINESE_REPLY in in_chinese and UYGHUR_REPLY not in in_chinese


def test_a_reply_without_translation_shows_the_chinese_in_uyghur_pages(
    client, committee_staff, responded, uyghur_submission
):
    client.force_login(committee_staff)
    client.post(f"/work/cases/{responded.pk}/verify/publish/", {"publish-reply": CHINESE_REPLY})
    reply = responded.events.get(kind=CaseEvent.Kind.REPLY)
    assert reply.note_translated == "" and reply.note_language == ""
    client.logout()
    track = client.get(
        f"/track/{uyghur_submission.tracking_code}/{uyghur_submission.secret}/", **UG
    ).text
    assert f'<blockquote lang="zh-CN" dir="auto">{CHINESE_REPLY}</blockquote>' in track


def test_an_empty_reply_is_refused_with_the_translation_kept(client, committee_staff, responded):
    client.force_login(committee_staff)
    response = client.post(
        f"/work/cases/{responded.pk}/verify/publish/",
        {"publish-reply": " ", "publish-reply_translated": UYGHUR_REPLY},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )
    assert response.status_code == 400
    assert UYGHUR_REPLY in response.text
    responded.refresh_from_db()
    assert responded.status == CaseStatus.RESPONDED


def test_a_chinese_case_is_not_offered_a_translation(
    client, committee_staff, site, unit_staff, categories
):
    case = triage(
        open_case(site.area, site=site),
        committee_staff,
        route=Route.ASSIGN,
        unit=unit_staff.official.unit,
    )
    case_accept(case_id=case.pk, actor=unit_staff)
    case_respond(case_id=case.pk, actor=unit_staff, result="路灯已更换。")
    client.force_login(committee_staff)
    page = client.get(f"/work/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "publish-reply_translated" not in page.text
    client.post(
        f"/work/cases/{case.pk}/verify/publish/",
        {"publish-reply": CHINESE_REPLY, "publish-reply_translated": "ignored"},
    )
    assert case.events.get(kind=CaseEvent.Kind.REPLY).note_translated == ""


def test_the_representative_replies_in_uyghur_too(
    client, representative, representative_user, site, committee_staff, categories
):
    submission, _created = submission_create(
        key=uuid.uuid4(),
        source=IntakeSource(channel=Channel.REPRESENTATIVE_QR, representative=representative),
        area_id=site.area_id,
        text=UYGHUR_TEXT,
        request_type="enquiry",
        language="ug",
    )
    case = triage(submission.case, committee_staff, route=Route.DIRECT)
    client.force_login(representative_user)
    page = client.get(f"/rep/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "reply-reply_translated" in page.text and "tag-language" in page.text
    response = client.post(
        f"/rep/cases/{case.pk}/reply/",
        {"reply-reply": CHINESE_REPLY, "reply-reply_translated": UYGHUR_REPLY},
    )
    assert response.status_code == 302
    reply = case.events.get(kind=CaseEvent.Kind.REPLY)
    assert (reply.note_translated, reply.note_language) == (UYGHUR_REPLY, "ug")
    track = client.get(f"/track/{submission.tracking_code}/{submission.secret}/", **UG)
    assert UYGHUR_REPLY in track.text


class RecordingSMSBackend:
    """An SMS backend that keeps what it would send (rendered in the activated language)."""

    sent: list[str] = []

    def send(self, notification) -> None:
        RecordingSMSBackend.sent.append(render_sms(notification))


def test_text_messages_to_a_uyghur_resident_are_in_uyghur(
    client, committee_staff, responded, uyghur_submission, settings
):
    settings.SMS_BACKEND = "tests.feedback.test_uyghur.RecordingSMSBackend"
    RecordingSMSBackend.sent = []
    client.force_login(committee_staff)
    client.post(f"/work/cases/{responded.pk}/verify/publish/", {"publish-reply": CHINESE_REPLY})
    texts = Notification.objects.filter(submission=uyghur_submission).order_by("pk")
    assert [n.template for n in texts] == ["submission_received", "case_replied"]
    assert {n.language for n in texts} == {"ug"}
    for notification in texts:
        notification_deliver(notification.pk)
    received, replied = RecordingSMSBackend.sent
    assert received.startswith("پىكرىڭىز تاپشۇرۇۋېلىندى.")
    assert uyghur_submission.tracking_code in received and uyghur_submission.secret in received
    assert replied.startswith(f"{uyghur_submission.tracking_code} نومۇرلۇق")


def _found(client, q) -> set[int]:
    response = client.get("/work/", {"q": q}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 200
    return {case.pk for case in response.context["page"].object_list}
