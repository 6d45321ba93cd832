"""One case along the 转办 (transfer) route, through every role's screen, on a phone.

A resident scans a liaison site's code and reports a broken traffic light on a city road; the
standing committee's staff confirm the classifier's suggestion (转办, 道路交通) and approve the
transfer; the city government office forwards it to a department; the department accepts it,
writes a public progress note and reports the result with an "after" photo; the committee
checks it and publishes the reply; the resident reads it with the photo and rates it 满意.

Every step is real clicks and typing on the real pages, in Chinese, on an iPhone 13 viewport
(390 CSS px), each person in their own browser context signed in through the real sign-in page.
Only the people, their areas and units are set up in the database beforehand. Selectors are
form actions, field names and ids; visible text is compared through ``zh()`` (whatever the
compiled catalogue says), and literal Chinese only where ``django.po`` already has it.
Screenshots ``case-journey-NN-*.png`` and a JSON summary of the layout checks are kept in
``test-artifacts/browser/`` for a reviewer to look at.
"""

import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from demo.network import network_seed
from feedback.forms import IntakeForm, RatingForm
from feedback.models import ContactPreference, RequestType, Submission
from notifications.models import Notification
from representatives.models import Area, LiaisonSite, QRCode, Role, TokenStatus
from routing.models import (
    CaseEvent,
    CaseStatus,
    HandlingUnit,
    Route,
)
from tests.browser.helpers import (
    CJK_FONT,
    CODE_RE,
    HAN,
    LAYOUT_JS,
    MIN_TAP,
    PHONE_WIDTH,
    SECRET_RE,
    decode_qr,
    shoot,
    sign_in,
    watch,
    write_report,
    zh,
)
from tests.factories import make_official

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


# The resident's words: a city-level matter (a traffic light on a city road).
TEXT = (
    "准噶尔路与友谊路交叉口的红绿灯坏了三天了，一直只闪黄灯，"
    "早晚高峰车辆抢行，行人过马路很不方便。希望有关部门尽快修好。"
)
ADDRESS = "准噶尔路与友谊路交叉口"
RESIDENT_NAME = "马秀英"
RESIDENT_MOBILE = "13899901234"
CATEGORY = "roads-traffic"  # taxonomy.csv: 道路交通 (红绿灯配时 …), default route 转办
DEPARTMENT = "克拉玛依市住房和城乡建设局"

# What staff write: the internal notes must never reach the resident.
TRIAGE_NOTE = "市政道路信号灯故障，按转办处理。"
APPROVE_NOTE = "同意转办，请市政府办公室尽快分派。"
OFFICE_NOTE = "请住建局牵头办理，三日内回复市政府办公室。"
PROGRESS_NOTE = "已安排维修人员到现场检修信号灯控制箱，预计两天内修复。"
RESULT = "已更换交叉口信号灯控制箱和两组灯头，信号灯恢复正常运行，现场复查无异常。"
REPLY = (
    "您反映的准噶尔路与友谊路交叉口红绿灯故障问题，市住房和城乡建设局已更换控制箱和灯头，"
    "信号灯已恢复正常。感谢您对城市建设的关心和监督。"
)

# The staff, with names a reviewer can look for on the pages they must not appear on.
STAFF = {
    "committee": ("committee_zhao", "赵敏华"),
    "office": ("govoffice_qian", "钱立新"),
    "department": ("department_sun", "孙海燕"),
}


# --- Helpers -------------------------------------------------------------------------------------


@pytest.fixture
def other_phone(playwright, browser):
    """Each member of staff has their own phone (a browser context like the ``phone`` fixture:
    iPhone 13, zh-CN, Shanghai time), so each is signed in as themselves."""
    device = {
        k: v for k, v in playwright.devices["iPhone 13"].items() if k != "default_browser_type"
    }
    contexts = []

    def new_phone():
        context = browser.new_context(**device, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield new_phone
    for context in contexts:
        context.close()


def _street_scene(path, *, lit):
    """A phone photo of the crossing: the signal dark-amber (before) or green (after)."""
    width, height = 600, 800
    image = Image.new("RGB", (width, height), (150, 190, 230))  # sky
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, height * 2 // 3, width, height], fill=(80, 80, 86))  # road
    for x in range(40, width, 90):  # zebra crossing
        draw.rectangle([x, height * 2 // 3 + 60, x + 45, height - 40], fill=(235, 235, 235))
    draw.rectangle(
        [width // 2 - 8, height // 4, width // 2 + 8, height * 2 // 3], fill=(60, 60, 60)
    )
    draw.rectangle(
        [width // 2 - 40, height // 4 - 170, width // 2 + 40, height // 4], fill=(30, 30, 30)
    )
    colours = [(70, 20, 20), (230, 170, 20), (20, 60, 20)]  # red off, amber blinking, green off
    if lit:
        colours = [(70, 20, 20), (70, 60, 20), (40, 220, 90)]  # green on
    for i, colour in enumerate(colours):
        top = height // 4 - 160 + i * 52
        draw.ellipse([width // 2 - 22, top, width // 2 + 22, top + 44], fill=colour)
    image.save(path, format="JPEG", quality=88)
    return path


def _site_intake_url(page, live_server, site):
    """The resident journey's way: find the site in the directory and read its QR code from
    the pixels on the screen, as a second phone's camera would."""
    page.goto(f"{live_server.url}/stations/")
    page.locator("form[role=search] input[name=q]").fill("向阳北")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/stations/\?q="))
    page.locator(".site-card a", has_text=site.name).click()
    page.wait_for_url(f"{live_server.url}{site.get_absolute_url()}")
    img = page.locator(".qr-block img")
    img.scroll_into_view_if_needed()
    assert img.evaluate("async img => { await img.decode(); return img.naturalWidth; }") > 0
    url = decode_qr(img.screenshot())
    token = QRCode.objects.get(site=site, status=TokenStatus.ACTIVE).token
    assert url == f"{live_server.url}/q/{token}/"
    return url


def _nav_to(page, live_server, path):
    """Follow the header's link to the person's own work area (the link the role is given)."""
    nav = page.get_by_role("navigation", name=zh("Main"))
    link = nav.locator(f"a[href='{path}']")
    expect(link).to_have_count(1)
    link.click()
    page.wait_for_url(re.compile(re.escape(f"{live_server.url}{path}") + r"(\?.*)?$"))


def _post(page, form_selector, *, expect_status=302):
    """Press a form's submit button and wait for the answer and the page after it."""
    form = page.locator(form_selector)
    expect(form).to_have_count(1)
    button = form.locator("button[type=submit]")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box["height"] >= MIN_TAP - 0.5, f"{form_selector} button is {box['height']:.0f} px tall"
    with page.expect_response(lambda r: r.request.method == "POST") as response_info:
        button.click()
    page.wait_for_load_state()
    status = response_info.value.status
    assert status == expect_status, (status, page.locator(".errorlist").all_inner_texts())


def _open_details(page, form_selector):
    """Unfold the <details> that holds a form (the desk's secondary actions)."""
    details = page.locator("details", has=page.locator(form_selector))
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    expect(page.locator(form_selector)).to_be_visible()


def _check_chinese_font(page, selector):
    """Chinese text is drawn with a Simplified-Chinese face (no tofu, no Japanese glyphs)."""
    text = page.locator(selector).first.inner_text()
    assert HAN.search(text), f"{selector} on {page.url} has no Chinese text: {text!r}"
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    families = {f["familyName"] for f in fonts}
    assert families and all(CJK_FONT.search(f) for f in families), (
        f"{selector} rendered with {families}"
    )


def _img_loaded(img) -> int:
    img.scroll_into_view_if_needed()
    return img.evaluate("async img => { await img.decode(); return img.naturalWidth; }")


def _screen(page, artifacts_dir, report, name):
    """The screen fits the phone (no sideways scrolling at 390 px); its layout details are
    kept in the report; a full-page screenshot for the reviewer."""
    assert page.viewport_size["width"] == PHONE_WIDTH
    page.evaluate("document.fonts.ready.then(() => true)")
    layout = page.evaluate(LAYOUT_JS, MIN_TAP)
    layout["url"] = page.url
    report[name] = layout
    assert layout["scrollWidth"] <= PHONE_WIDTH + 1, f"{name}: page scrolls sideways: {layout}"
    assert not layout["overflowing"], f"{name}: elements overflow: {layout['overflowing']}"
    assert layout["bodyFontPx"] >= 16, f"{name}: body text smaller than 16 px"
    shoot(page, artifacts_dir, f"case-journey-{name}.png")


def _no_private(page, *private):
    """None of these strings is on the page, neither in its text nor in its HTML."""
    text, html = page.locator("body").inner_text(), page.content()
    for value in private:
        assert value not in text and value not in html, f"{value!r} on {page.url}"


def _status(page):
    return page.locator("main .status strong")


# --- The journey ---------------------------------------------------------------------------------


def test_a_transferred_case_goes_through_every_desk_and_back_to_the_resident(
    live_server, settings, phone, other_phone, artifacts_dir, tmp_path
):
    settings.PUBLIC_BASE_URL = live_server.url  # the QR images encode absolute URLs
    network_seed(with_accounts=False, password="x")
    site = LiaisonSite.objects.get(area__name="向阳北社区")
    city = Area.objects.get(level=Area.Level.CITY)
    # case_review_approve sends a transfer to the (first active) city government office.
    office = HandlingUnit.objects.get(kind=HandlingUnit.Kind.CITY_GOVERNMENT_OFFICE, is_active=True)
    department = HandlingUnit.objects.get(name=DEPARTMENT)
    assert department.kind == HandlingUnit.Kind.CITY_DEPARTMENT
    make_official(
        Role.COMMITTEE_STAFF,
        username=STAFF["committee"][0],
        area=city,
        first_name=STAFF["committee"][1],
    )
    make_official(
        Role.UNIT_STAFF,
        username=STAFF["office"][0],
        area=city,
        unit=office,
        first_name=STAFF["office"][1],
    )
    make_official(
        Role.UNIT_STAFF,
        username=STAFF["department"][0],
        area=city,
        unit=department,
        first_name=STAFF["department"][1],
    )
    staff_names = [name for _username, name in STAFF.values()]
    staff_usernames = [username for username, _name in STAFF.values()]
    before_jpeg = _street_scene(tmp_path / "IMG_20261128_0815.jpg", lit=False)
    after_jpeg = _street_scene(tmp_path / "IMG_20261130_1630.jpg", lit=True)
    intake = IntakeForm.base_fields
    report, problems = {}, []

    # === 1. The resident: scan, write, send; the receipt with the code and the key ============
    resident = phone.new_page()
    watch(resident, problems)
    intake_url = _site_intake_url(resident, live_server, site)
    assert resident.goto(intake_url).status == 200
    expect(resident.get_by_role("heading", level=1)).to_have_text(zh("Write your opinion"))
    expect(resident.locator("main .recipient")).to_contain_text(site.name)
    resident.get_by_label(zh(intake["text"].label), exact=True).fill(TEXT)
    resident.get_by_label(zh(RequestType.HELP.label), exact=True).check()
    resident.get_by_label(zh(intake["address_line"].label), exact=True).fill(ADDRESS)
    resident.get_by_label(zh(intake["photos"].label), exact=True).set_input_files(str(before_jpeg))
    resident.get_by_label(zh(intake["contact_name"].label), exact=True).fill(RESIDENT_NAME)
    resident.get_by_label(zh(intake["contact_phone"].label), exact=True).press_sequentially(
        RESIDENT_MOBILE
    )
    resident.get_by_label(zh(ContactPreference.SMS.label), exact=True).check()
    resident.get_by_label(zh(intake["consent"].label), exact=True).check()
    _screen(resident, artifacts_dir, report, "01-intake")
    _post(resident, "main form.form")
    resident.wait_for_url(re.compile(r"/track/[A-Z0-9-]+/[A-Z0-9]+/receipt/$"))
    expect(resident.get_by_role("heading", level=1)).to_have_text(
        zh("Your opinion has been received")
    )
    code = resident.locator("#tracking-code").inner_text().strip()
    secret = resident.locator("#tracking-secret").inner_text().strip()
    assert CODE_RE.fullmatch(code), code
    assert SECRET_RE.fullmatch(secret), secret
    track_link = resident.get_by_role("main").locator("a.button", has_text=zh("Follow my opinion"))
    track_url = f"{live_server.url}/track/{code}/{secret}/"
    assert f"{live_server.url}{track_link.get_attribute('href')}" == track_url
    _check_chinese_font(resident, "main h1")
    _screen(resident, artifacts_dir, report, "02-receipt")

    submission = Submission.objects.select_related("case").get(tracking_code=code)
    case = submission.case
    assert case is not None and case.status == CaseStatus.NEW  # opened during the request
    assert case.suggestion["route"] == Route.TRANSFER
    assert case.suggestion["category"] == CATEGORY
    reference = case.reference
    case_path = f"/work/cases/{case.pk}/"
    desk_path = f"/desk/cases/{case.pk}/"

    # === 2. Committee staff: the "to classify" queue, the suggestion, route 转办 =============
    committee = other_phone()
    staff_page = committee.new_page()
    watch(staff_page, problems)
    sign_in(staff_page, live_server, STAFF["committee"][0])
    _nav_to(staff_page, live_server, "/work/")
    expect(staff_page.locator("nav.work-tabs a[aria-current=page]")).to_contain_text(
        zh("To classify")
    )
    row = staff_page.locator(".work-row", has=staff_page.locator("a.work-ref", has_text=reference))
    expect(row).to_have_count(1)
    expect(row.locator(".tag.status-new")).to_have_text(zh(CaseStatus.NEW.label))
    expect(row.locator(".work-summary")).to_contain_text(TEXT[:20])
    expect(row.locator(".meta").first).to_contain_text(site.area.name)
    _screen(staff_page, artifacts_dir, report, "03-workbench-to-classify")

    row.locator("a.work-ref").click()
    staff_page.wait_for_url(f"{live_server.url}{case_path}")
    expect(_status(staff_page)).to_have_text(zh(CaseStatus.NEW.label))
    suggestion = staff_page.locator("section.work-suggestion")
    expect(suggestion.locator("p").first).to_contain_text(zh(Route.TRANSFER.label))  # 转办
    expect(suggestion.locator("p").first).to_contain_text("道路交通")
    expect(suggestion.locator(".work-reasons")).to_contain_text("红绿灯")
    # The resident's words and photo; the number only masked, the name not at all.
    staff_submission = staff_page.locator(".work-submission")
    expect(staff_submission.locator("blockquote.opinion")).to_have_text(TEXT)
    expect(staff_submission).to_contain_text(submission.contact_phone_masked)
    assert _img_loaded(staff_submission.locator(".photos img").first) > 0
    _no_private(staff_page, RESIDENT_MOBILE, RESIDENT_NAME)

    triage = staff_page.locator("form#triage")
    transfer = triage.locator("input[name='triage-route'][value='transfer']")
    expect(transfer).to_be_checked()  # pre-filled from the suggestion
    triage.get_by_label(zh(Route.TRANSFER.label), exact=True).check()
    category = triage.locator("select[name='triage-category']")
    category.select_option(label="道路交通")
    triage.locator("textarea[name='triage-note']").fill(TRIAGE_NOTE)
    expect(category.locator("option:checked")).to_have_text("道路交通")
    _check_chinese_font(staff_page, "main .status strong")
    _screen(staff_page, artifacts_dir, report, "04-committee-triage")
    _post(staff_page, "form#triage")

    staff_page.wait_for_url(f"{live_server.url}{case_path}")
    expect(staff_page.locator(".messages")).to_have_text(zh("Routed. The case is on its way."))
    expect(_status(staff_page)).to_have_text(zh(CaseStatus.UNDER_REVIEW.label))
    facts = staff_page.locator("dl.facts").first
    expect(facts).to_contain_text(zh(Route.TRANSFER.label))
    expect(facts).to_contain_text("道路交通")
    approve_form = "form[action$='/review/approve/']"
    expect(staff_page.locator(approve_form)).to_be_visible()
    expect(staff_page.locator("form#triage")).to_have_count(0)

    # === 3. Committee review: approve with a note → the city government office ==============
    staff_page.locator(f"{approve_form} textarea[name='approve-note']").fill(APPROVE_NOTE)
    _screen(staff_page, artifacts_dir, report, "05-committee-review")
    _post(staff_page, approve_form)
    staff_page.wait_for_url(f"{live_server.url}{case_path}")
    expect(staff_page.locator(".messages")).to_have_text(zh("Approved and sent on."))
    expect(_status(staff_page)).to_have_text(zh(CaseStatus.DISPATCHED.label))
    expect(staff_page.locator("dl.facts").first).to_contain_text(office.name)
    expect(staff_page.locator(approve_form)).to_have_count(0)
    expect(staff_page.locator("section.work-actions")).to_contain_text(
        zh("Waiting for others: nothing is due from the committee right now.")
    )
    history = staff_page.locator("ol.timeline")
    expect(history).to_contain_text(APPROVE_NOTE)  # staff see their internal notes
    expect(history).to_contain_text(TRIAGE_NOTE)
    _screen(staff_page, artifacts_dir, report, "06-committee-approved")

    # === 4. The city government office: the desk, the case, forward to the department =======
    office_ctx = other_phone()
    office_page = office_ctx.new_page()
    watch(office_page, problems)
    sign_in(office_page, live_server, STAFF["office"][0])
    _nav_to(office_page, live_server, "/desk/")
    expect(office_page.get_by_role("main")).to_contain_text(office.name)
    expect(office_page.locator("nav.desk-tabs a[aria-current=page]")).to_contain_text(
        zh("To accept")
    )
    desk_row = office_page.locator(".desk-list li", has_text=reference)
    expect(desk_row).to_have_count(1)
    expect(desk_row.locator(".tag.status-dispatched")).to_have_text(zh(CaseStatus.DISPATCHED.label))
    _screen(office_page, artifacts_dir, report, "07-office-desk")

    desk_row.locator(f"a[href='{desk_path}']").click()
    office_page.wait_for_url(f"{live_server.url}{desk_path}")
    expect(_status(office_page)).to_have_text(zh(CaseStatus.DISPATCHED.label))
    expect(office_page.locator("blockquote.opinion")).to_have_text(TEXT)
    # The office forwards instead of accepting.
    expect(office_page.locator("form[action$='/accept/']")).to_have_count(0)
    forward_form = "form[action$='/forward/']"
    unit_select = office_page.locator(f"{forward_form} select[name='forward-unit']")
    unit_select.select_option(label=DEPARTMENT)
    expect(unit_select.locator("option:checked")).to_have_text(DEPARTMENT)
    office_page.locator(f"{forward_form} textarea[name='forward-note']").fill(OFFICE_NOTE)
    # Bodies, never staff; and no trace of the resident's contact, not even masked.
    _no_private(
        office_page,
        RESIDENT_MOBILE,
        RESIDENT_NAME,
        submission.contact_phone_masked,
        *staff_names,
        *staff_usernames,
    )
    _check_chinese_font(office_page, "main .status strong")
    _screen(office_page, artifacts_dir, report, "08-office-forward")
    _post(office_page, forward_form)
    office_page.wait_for_url(f"{live_server.url}/desk/")
    expect(office_page.locator(".messages")).to_have_text(zh("Forwarded to the department."))
    expect(office_page.locator(".desk-list li", has_text=reference)).to_have_count(0)
    _screen(office_page, artifacts_dir, report, "09-office-forwarded")

    # === 5. The department: accept, a public progress note, the result with a photo ==========
    dept_ctx = other_phone()
    dept_page = dept_ctx.new_page()
    watch(dept_page, problems)
    sign_in(dept_page, live_server, STAFF["department"][0])
    _nav_to(dept_page, live_server, "/desk/")
    expect(dept_page.get_by_role("main")).to_contain_text(DEPARTMENT)
    desk_row = dept_page.locator(".desk-list li", has_text=reference)
    expect(desk_row).to_have_count(1)
    expect(desk_row).to_contain_text(TEXT[:20])
    _screen(dept_page, artifacts_dir, report, "10-department-desk")

    desk_row.locator(f"a[href='{desk_path}']").click()
    dept_page.wait_for_url(f"{live_server.url}{desk_path}")
    expect(_status(dept_page)).to_have_text(zh(CaseStatus.DISPATCHED.label))
    expect(dept_page.locator("dl.facts")).to_contain_text(DEPARTMENT)
    expect(dept_page.locator("form[action$='/forward/']")).to_have_count(0)
    dept_history = dept_page.locator("ol.timeline")
    expect(dept_history).to_contain_text(office.name)  # the office forwarded it
    expect(dept_history).to_contain_text(OFFICE_NOTE)  # and its note is for the department
    _no_private(
        dept_page,
        RESIDENT_MOBILE,
        RESIDENT_NAME,
        submission.contact_phone_masked,
        *staff_names,
        *staff_usernames,
    )
    _screen(dept_page, artifacts_dir, report, "11-department-case")
    _post(dept_page, "form[action$='/accept/']")
    dept_page.wait_for_url(f"{live_server.url}{desk_path}")
    expect(dept_page.locator(".messages")).to_have_text(
        zh("Accepted. The case is now in progress with your unit.")
    )
    expect(_status(dept_page)).to_have_text(zh(CaseStatus.IN_PROGRESS.label))

    progress_form = "form[action$='/progress/']"
    _open_details(dept_page, progress_form)
    dept_page.locator(f"{progress_form} textarea[name='progress-note']").fill(PROGRESS_NOTE)
    dept_page.locator(f"{progress_form} input[name='progress-is_public']").check()
    _screen(dept_page, artifacts_dir, report, "12-department-progress")
    _post(dept_page, progress_form)
    dept_page.wait_for_url(f"{live_server.url}{desk_path}")
    expect(dept_page.locator(".messages")).to_have_text(zh("Progress note saved."))
    expect(dept_page.locator("ol.timeline .event-progress", has_text=PROGRESS_NOTE)).to_have_count(
        1
    )

    # Meanwhile the resident looks in: being handled by the department, the public note.
    resident.goto(track_url)
    expect(_status(resident)).to_have_text(zh(CaseStatus.IN_PROGRESS.label))
    timeline = resident.locator("ol.timeline")
    expect(timeline).to_contain_text(office.name)
    expect(timeline).to_contain_text(DEPARTMENT)
    progress = timeline.locator(f".event-{CaseEvent.Kind.PROGRESS}")
    expect(progress).to_contain_text(zh("Progress:"))  # 办理进展：
    expect(progress.locator("blockquote")).to_have_text(PROGRESS_NOTE)
    expect(progress.locator(".meta")).to_have_text(DEPARTMENT)
    expect(resident.locator("main .deadline")).to_contain_text(DEPARTMENT)
    expect(resident.locator("form[action$='/rate/']")).to_have_count(0)
    _no_private(resident, TRIAGE_NOTE, APPROVE_NOTE, OFFICE_NOTE, *staff_names, *staff_usernames)
    _screen(resident, artifacts_dir, report, "13-resident-in-progress")

    result_form = "form[action$='/result/']"
    dept_page.locator(f"{result_form} textarea[name='result-result']").fill(RESULT)
    dept_page.locator(f"{result_form} input[name='result-photos']").set_input_files(str(after_jpeg))
    _screen(dept_page, artifacts_dir, report, "14-department-result")
    _post(dept_page, result_form)
    dept_page.wait_for_url(f"{live_server.url}{desk_path}")
    expect(dept_page.locator(".messages")).to_have_text(
        zh("Result reported. The committee will check it and reply to the resident.")
    )
    expect(_status(dept_page)).to_have_text(zh(CaseStatus.RESPONDED.label))
    result_event = dept_page.locator(f"ol.timeline .event-{CaseEvent.Kind.RESULT}")
    expect(result_event.locator("blockquote")).to_have_text(RESULT)
    assert _img_loaded(result_event.locator(".photos img").first) > 0
    expect(dept_page.locator(result_form)).to_have_count(0)
    _screen(dept_page, artifacts_dir, report, "15-department-reported")

    # === 6. Committee staff: the "to verify" queue, the result and its photo, the reply ======
    staff_page.goto(f"{live_server.url}/work/?queue=to_verify")
    row = staff_page.locator(".work-row", has=staff_page.locator("a.work-ref", has_text=reference))
    expect(row).to_have_count(1)
    expect(row.locator(".tag.status-responded")).to_have_text(zh(CaseStatus.RESPONDED.label))
    expect(row.locator(".meta").first).to_contain_text(DEPARTMENT)
    row.locator("a.work-ref").click()
    staff_page.wait_for_url(f"{live_server.url}{case_path}")
    expect(_status(staff_page)).to_have_text(zh(CaseStatus.RESPONDED.label))
    actions = staff_page.locator("section.work-actions")
    expect(actions.locator("blockquote.opinion")).to_have_text(RESULT)
    assert _img_loaded(actions.locator(".photos img").first) > 0
    publish_form = "form[action$='/verify/publish/']"
    reply_box = staff_page.locator(f"{publish_form} textarea[name='publish-reply']")
    expect(reply_box).to_have_value(RESULT)  # the unit's result, as a starting point
    reply_box.fill(REPLY)
    _screen(staff_page, artifacts_dir, report, "16-committee-verify")
    _post(staff_page, publish_form)
    staff_page.wait_for_url(f"{live_server.url}{case_path}")
    expect(staff_page.locator(".messages")).to_have_text(
        zh("Checked and replied. The resident can read the reply now.")
    )
    expect(_status(staff_page)).to_have_text(zh(CaseStatus.REPLIED.label))
    expect(staff_page.locator(publish_form)).to_have_count(0)
    expect(staff_page.locator(f"ol.timeline .event-{CaseEvent.Kind.REPLY}")).to_contain_text(REPLY)
    _screen(staff_page, artifacts_dir, report, "17-committee-replied")
    # The resident asked for a text message: it went out, without the reply's words.
    replied_sms = Notification.objects.get(
        submission=submission, channel=Notification.Channel.SMS, template="case_replied"
    )
    assert replied_sms.state == Notification.State.SENT

    # === 7. The resident: the reply and the result photo; 满意; acknowledged ==================
    resident.goto(track_url)
    expect(resident.locator("main h1")).to_contain_text(code)
    expect(_status(resident)).to_have_text("已答复，待您评价")  # the resident's own wording
    timeline = resident.locator("ol.timeline")
    reply = timeline.locator(f".event-{CaseEvent.Kind.REPLY}")
    expect(reply).to_have_count(1)
    # Signed by the committee as a body (views_work.committee_name), never by a person.
    expect(reply).to_contain_text(
        zh("Reply from %(unit)s:") % {"unit": zh("Standing committee")}  # %(unit)s答复：
    )
    expect(reply.locator("blockquote")).to_have_text(REPLY)
    verified = timeline.locator(f".event-{CaseEvent.Kind.VERIFIED}")
    expect(verified).to_have_count(1)
    expect(verified.locator(".meta")).to_have_text(DEPARTMENT)
    result_photos = verified.locator(".photos-result img")
    expect(result_photos).to_have_count(1)
    assert _img_loaded(result_photos.first) > 0
    assert result_photos.first.get_attribute("alt"), "the result photo has no text alternative"
    own_photos = resident.locator("main section").first.locator(".photos img")
    expect(own_photos).to_have_count(1)  # the "before" photo the resident sent
    # The unit's internal report and the staff's internal notes stay inside; no staff names.
    expect(timeline.locator(f".event-{CaseEvent.Kind.RESULT}")).to_have_count(0)
    _no_private(
        resident,
        RESULT,
        TRIAGE_NOTE,
        APPROVE_NOTE,
        *staff_names,
        *staff_usernames,
    )
    rating_group = resident.get_by_role("group", name=zh(RatingForm.base_fields["value"].label))
    expect(rating_group).to_be_visible()  # 您对答复满意吗？
    _check_chinese_font(resident, "main .status strong")
    _screen(resident, artifacts_dir, report, "18-resident-reply")

    resident.get_by_label(zh("Satisfied"), exact=True).check()  # 满意
    expect(resident.get_by_label(zh("Satisfied"), exact=True)).to_be_checked()
    with resident.expect_response(lambda r: r.request.method == "POST") as response_info:
        resident.get_by_role("button", name=zh("Send my rating"), exact=True).click()
    assert response_info.value.status == 302
    resident.wait_for_url(f"{track_url}**")
    expect(resident.locator(".messages")).to_have_text(zh("Thank you for your rating."))
    expect(_status(resident)).to_have_text(zh(CaseStatus.CLOSED.label))  # 已办结
    rating_line = resident.locator(f"ol.timeline .event-{CaseEvent.Kind.RATING} > p").first
    expect(rating_line).to_have_text(zh("The reply was rated: satisfied. The matter is closed."))
    expect(resident.locator("form[action$='/rate/']")).to_have_count(0)  # one rating per reply
    expect(resident.get_by_role("main")).to_contain_text(
        zh(
            "This matter is closed. Thank you for taking part. If the problem comes back, "
            "write a new opinion."
        )
    )
    _no_private(resident, *staff_names, *staff_usernames)
    _screen(resident, artifacts_dir, report, "19-resident-rated")

    # What was stored: the whole route, in order, and the resident's rating.
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.route == Route.TRANSFER and case.category.slug == CATEGORY
    assert case.unit_id == department.pk
    assert case.ratings.get().value == "satisfied"
    statuses = [
        s for s in case.events.order_by("created_at", "pk").values_list("to_status", flat=True) if s
    ]
    path = [s for i, s in enumerate(statuses) if i == 0 or s != statuses[i - 1]]
    assert path == [
        CaseStatus.NEW,
        CaseStatus.TRIAGED,
        CaseStatus.UNDER_REVIEW,
        CaseStatus.DISPATCHED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.RESPONDED,
        CaseStatus.REPLIED,
        CaseStatus.CLOSED,
    ], path

    write_report(artifacts_dir, "case-journey-report.json", report)
    assert not problems, problems
