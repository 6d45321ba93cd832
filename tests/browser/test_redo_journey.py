"""The loop as people live it, on phones in Chinese (issue 14, points 1, 5 and 7).

A resident who is not satisfied with a reply says why on /track/ and sees their own words in
the timeline; the committee clerk, signed in, lands on the workbench, reads the reason in the
inbox, finds the case by the resident's phone number and by the tracking code typed without
dashes, and sees the reason on top of the case page; the representative lands on their desk
with the opinion that came in through their site's code and a link to their own poster.
"""

import uuid

import pytest
from playwright.sync_api import expect

from feedback.models import Channel, Submission
from feedback.services.submit import IntakeSource, submission_create
from routing.models import Case, Route
from routing.services.workflow import case_accept, case_respond, case_verify_publish
from tests.browser.helpers import check_layout, shoot, sign_in, watch, write_report, zh
from tests.routing.helpers import triage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fixed_suggestion"),
]

TEXT = "小区3号楼门前的路灯坏了半个月，晚上出门一片漆黑，老人孩子都不敢下楼，请尽快修好。"
MOBILE = "13677778888"
REASON = "只修了一盏，另外两盏还是不亮，晚上照样黑，请再派人来看看线路。"


def test_a_dissatisfied_resident_is_heard_and_the_case_is_found(
    live_server,
    settings,
    phone,
    artifacts_dir,
    site,
    site_code,
    committee_staff,
    unit_staff,
    representative_user,
    rep_code,
):
    settings.PUBLIC_BASE_URL = live_server.url
    report, problems = {}, []
    submission, _ = submission_create(
        key=uuid.uuid4(),
        source=IntakeSource(channel=Channel.SITE_QR, site=site, qr_code=site_code),
        area_id=site.area_id,
        text=TEXT,
        request_type="help",
        contact_name="周桂兰",
        contact_phone=MOBILE,
        contact_preference="sms",
        consent=True,
    )
    case = triage(
        Case.objects.get(pk=Submission.objects.get(pk=submission.pk).case_id),
        committee_staff,
        route=Route.ASSIGN,
        unit=unit_staff.official.unit,
    )
    case_accept(case_id=case.pk, actor=unit_staff)
    case_respond(case_id=case.pk, actor=unit_staff, result="已更换一盏路灯。")
    case_verify_publish(
        case_id=case.pk, actor=committee_staff, reply="路灯已修复。", public_actor="银河路街道"
    )

    # 1. The resident, on /track/: not satisfied, and why; their words stay in their timeline.
    resident = phone.new_page()
    watch(resident, problems)
    resident.goto(f"{live_server.url}/track/")
    resident.locator("input[name=code]").fill(submission.tracking_code.replace("-", " ").lower())
    resident.locator("input[name=secret]").fill(submission.secret.lower())
    resident.get_by_role("main").get_by_role("button").first.click()
    resident.wait_for_url(f"{live_server.url}/track/{submission.tracking_code}/**")
    resident.locator("input[name=value][value=dissatisfied]").check()
    resident.locator("textarea[name=comment]").fill(REASON)
    resident.locator("form#rate button[type=submit]").click()
    resident.wait_for_url(f"{live_server.url}/track/{submission.tracking_code}/**")
    expect(resident.get_by_role("main")).to_contain_text(REASON)
    expect(resident.get_by_role("main")).to_contain_text("您写下的理由")
    check_layout(resident, "redo-01-track", report)
    shoot(resident, artifacts_dir, "redo-01-track.png")

    # 2. The clerk signs in and lands on the workbench; the inbox quotes the reason.
    phone.clear_cookies()  # the same phone, handed to the clerk
    clerk = phone.new_page()
    sign_in(clerk, live_server, committee_staff.username)
    assert clerk.url == f"{live_server.url}/work/"
    clerk.goto(f"{live_server.url}/inbox/")
    notice = clerk.locator(".inbox-list li", has_text=case.reference).first
    expect(notice).to_contain_text(REASON)
    shoot(clerk, artifacts_dir, "redo-02-inbox.png")

    # 3. Found by the number the resident gives on the phone, and by the code without dashes.
    for query in ("136 7777 8888", submission.tracking_code.replace("-", "")):
        clerk.goto(f"{live_server.url}/work/")
        clerk.locator("input[name=q]").fill(query)
        clerk.get_by_role("button", name=zh("Find"), exact=True).click()
        expect(clerk.locator(".work-list li")).to_have_count(1)
        expect(clerk.locator(".work-list li").first).to_contain_text(case.reference)
    shoot(clerk, artifacts_dir, "redo-03-search.png")
    clerk.locator(".work-list li a.work-ref").first.click()
    banner = clerk.locator(".redo-reason")
    expect(banner).to_contain_text(REASON)
    check_layout(clerk, "redo-04-case", report)
    shoot(clerk, artifacts_dir, "redo-04-case.png")

    # 4. The representative lands on their desk: the site's opinion and their own poster.
    phone.clear_cookies()
    rep = clerk
    sign_in(rep, live_server, representative_user.username)
    assert rep.url == f"{live_server.url}/rep/"
    expect(rep.get_by_role("main")).to_contain_text(submission.tracking_code)
    poster = rep.get_by_role("link", name=zh("Printable poster"), exact=True)
    expect(poster).to_have_attribute("href", f"/q/{rep_code.token}/poster/")
    check_layout(rep, "redo-05-rep-desk", report)
    shoot(rep, artifacts_dir, "redo-05-rep-desk.png")

    write_report(artifacts_dir, "redo-journey-report.json", report)
    assert not problems, problems
