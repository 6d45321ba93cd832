"""适老化 on a phone (issue 17.5): an older resident switches to large, high-contrast text
(remembered, and working without script), the pages hold at 200 % zoom on a 390 px phone,
and the intake form keeps what was typed when the page is closed or the network drops, then
sends it once with the same one-time key. Screenshots go to test-artifacts/browser/."""

import pytest
from playwright.sync_api import expect

from demo.network import network_seed
from feedback.forms import IntakeForm
from feedback.models import RequestType, Submission
from representatives.models import LiaisonSite
from representatives.services.qr import qr_code_create
from tests.browser.helpers import (
    LAYOUT_JS,
    MIN_TAP,
    check_layout,
    check_tap_targets,
    shoot,
    watch,
    write_report,
    zh,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "我家住在向阳北小区5号楼，楼道的灯坏了好久了，我腿脚不好，晚上下楼买菜摸黑走，"
    "上个月还差点摔了一跤。物业说没有钱换，社区说找物业，请代表帮忙问问到底谁来管。"
)
ZOOMED = 195  # CSS px a 390 px phone lays out at 200 % zoom


@pytest.fixture
def intake_url(live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    network_seed(with_accounts=False, password="x")
    site = LiaisonSite.objects.get(area__name="向阳北社区")
    return live_server.url + qr_code_create(site=site).get_absolute_url()


def _root_px(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_large_text_is_one_tap_away_remembered_and_needs_no_script(
    browser, phone, live_server, intake_url, artifacts_dir
):
    report, problems = {}, []
    page = phone.new_page()
    watch(page, problems)
    page.goto(intake_url)
    standard = _root_px(page)
    page.get_by_role("button", name=zh("Large text"), exact=True).click()
    page.wait_for_url(intake_url)  # back on the same page
    expect(page.locator("html")).to_have_class("large-text")
    assert _root_px(page) >= 24 and _root_px(page) > standard * 1.3
    check_layout(page, "intake-large", report)
    check_tap_targets(page, ["button[type=submit]", "select", ".display-switch button"])
    shoot(page, artifacts_dir, "elderly-01-intake-large-phone.png")
    # Remembered on the next page, and switched back the same way.
    page.goto(f"{live_server.url}/track/")
    expect(page.locator("html")).to_have_class("large-text")
    check_layout(page, "track-large", report)
    page.get_by_role("button", name=zh("Standard text"), exact=True).click()
    expect(page.locator("html")).not_to_have_class("large-text")
    assert not problems, problems

    # Without script: the switch is a plain form.
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, java_script_enabled=False, locale="zh-CN"
    )
    try:
        bare = context.new_page()
        bare.goto(f"{live_server.url}/stations/")
        bare.get_by_role("button", name=zh("Large text"), exact=True).click()
        expect(bare.locator("html")).to_have_class("large-text")
        assert bare.url == f"{live_server.url}/stations/"
    finally:
        context.close()
    write_report(artifacts_dir, "elderly-layout.json", report)


@pytest.mark.parametrize("large", [False, True], ids=["standard", "large"])
def test_pages_hold_at_200_percent_zoom_on_a_phone(
    browser, live_server, intake_url, artifacts_dir, large
):
    """A 390 px phone at 200 % zoom lays pages out 195 CSS px wide: nothing scrolls sideways
    or sticks out, in either text size."""
    context = browser.new_context(
        viewport={"width": ZOOMED, "height": 422},
        device_scale_factor=6,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    if large:
        context.add_cookies([{"name": "display", "value": "large", "url": live_server.url}])
    try:
        page = context.new_page()
        for name, url in [
            ("home", f"{live_server.url}/"),
            ("stations", f"{live_server.url}/stations/"),
            ("intake", intake_url),
            ("track", f"{live_server.url}/track/"),
        ]:
            page.goto(url)
            page.evaluate("document.fonts.ready.then(() => true)")
            layout = page.evaluate(LAYOUT_JS, MIN_TAP)
            # A file input cuts its own "no file chosen" text; its button stays whole.
            layout["overflowing"] = [
                el for el in layout["overflowing"] if not el.startswith("input#id_photos")
            ]
            assert layout["scrollWidth"] <= ZOOMED and not layout["overflowing"], (
                f"{name} at 200 %: {layout['scrollWidth']} px wide, {layout['overflowing']}"
            )
        shoot(
            page, artifacts_dir, f"elderly-02-track-200pct-{'large' if large else 'standard'}.png"
        )
    finally:
        context.close()


def test_the_form_keeps_what_was_typed_and_sends_it_once_when_the_network_is_back(
    phone, intake_url, artifacts_dir
):
    problems = []
    labels = IntakeForm.base_fields
    page = phone.new_page()
    watch(page, problems)
    page.goto(intake_url)
    page.get_by_label(zh(labels["text"].label), exact=True).fill(TEXT)
    page.get_by_label(zh(RequestType.HELP.label), exact=True).check()
    page.get_by_label(zh(labels["address_line"].label), exact=True).fill("5号楼2单元")
    key = page.locator("input[name=form_key]").input_value()
    page.close()  # closed by mistake

    page = phone.new_page()
    watch(page, problems)
    page.goto(intake_url)
    status = page.locator("[data-draft-status]")
    expect(status).to_be_visible()
    expect(status).to_contain_text("填")
    expect(status.get_by_role("button", name=zh("Clear and start again"))).to_be_visible()
    expect(page.get_by_label(zh(labels["text"].label), exact=True)).to_have_value(TEXT)
    expect(page.get_by_label(zh(RequestType.HELP.label), exact=True)).to_be_checked()
    assert page.locator("input[name=form_key]").input_value() == key  # the same one-time key
    shoot(page, artifacts_dir, "elderly-03-restored-phone.png")

    # The network drops as the resident presses send: nothing is lost, nothing is sent.
    phone.set_offline(True)
    page.get_by_role("button", name=zh("Send my opinion"), exact=True).click()
    expect(status).to_contain_text("网络")
    assert "/receipt/" not in page.url and not Submission.objects.exists()
    shoot(page, artifacts_dir, "elderly-04-offline-phone.png")
    # Back online: it sends itself, once, under the same key.
    phone.set_offline(False)
    try:
        # The first case a process opens may train the classifier's baseline (≈ 12 s).
        page.wait_for_url("**/receipt/", timeout=60_000)
    except Exception:  # noqa: BLE001 - say what happened instead
        pytest.fail(f"not sent once back online: {page.url} {problems}")
    submission = Submission.objects.get()
    assert str(submission.idempotency_key) == key and submission.text == TEXT
    # The receipt forgets the draft: a new form starts empty.
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('liaison-draft:'))") == []
    )
    page.goto(intake_url)
    expect(page.get_by_label(zh(labels["text"].label), exact=True)).to_have_value("")
    assert not problems, problems
