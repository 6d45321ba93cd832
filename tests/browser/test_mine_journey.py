"""我的意见 on a phone (issue 17.4): a resident who lost the tracking code finds their opinions
by the number they gave, with the code texted to it, and opens one of them."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from demo.network import network_seed
from feedback.forms import MineCodeForm, MineForm
from feedback.services.submit import IntakeSource, submission_create
from notifications.messages import render_sms
from notifications.models import Notification
from representatives.models import LiaisonSite
from tests.browser.helpers import check_layout, check_tap_targets, shoot, watch, zh

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13912345678"


def test_a_resident_finds_their_opinions_by_the_number_they_gave(
    live_server, settings, phone, artifacts_dir
):
    settings.PUBLIC_BASE_URL = live_server.url
    network_seed(with_accounts=False, password="x")
    site = LiaisonSite.objects.get(area__name="向阳北社区")
    submission, _created = submission_create(
        key=uuid.uuid4(),
        source=IntakeSource(channel="site_qr", site=site),
        area_id=site.area_id,
        text="小区北门的路灯坏了一个多月，晚上老人出门很不安全，希望尽快修好。",
        request_type="help",
        contact_phone=PHONE,
        contact_preference="none",
        consent=True,
    )
    report, problems = {}, []
    page = phone.new_page()
    watch(page, problems)
    page.goto(f"{live_server.url}/track/")
    page.get_by_role("link", name=re.compile("用手机号码查找")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("My opinions"))
    check_layout(page, "mine", report)
    page.get_by_label(zh(MineForm.base_fields["phone"].label), exact=True).fill("139 1234 5678")
    page.get_by_role("button", name=zh("Text me a code"), exact=True).click()
    page.wait_for_url("**/mine/code/")
    sms = Notification.objects.get(template="lookup_code")
    text = render_sms(sms)
    code = re.search(r"\d{6}", text).group()
    code_field = page.get_by_label(zh(MineCodeForm.base_fields["code"].label), exact=True)
    expect(code_field).to_have_attribute("autocomplete", "one-time-code")
    code_field.fill(code)
    check_tap_targets(page, ["button[type=submit]"])
    page.get_by_role("button", name=zh("Show my opinions"), exact=True).click()
    page.wait_for_url("**/mine/list/")
    expect(page.locator(".case-list")).to_contain_text(submission.tracking_code)
    check_layout(page, "mine-list", report)
    shoot(page, artifacts_dir, "mine-01-list-phone.png")
    page.get_by_role("link", name=submission.tracking_code).click()
    page.wait_for_url(f"**/track/{submission.tracking_code}/{submission.secret}/")
    assert not problems, problems
