"""A representative logs what a resident told them in person; station staff record a reception day.

Walked in Chinese on an iPhone 13 viewport (390 CSS px) through the real sign-in page: the
representative opens 我的工作台, logs an opinion heard on duty (with a camera photo and the
resident's agreed contact), hands over the slip with the tracking code and key, and sees the
opinion on the desk with its status and a masked number. The slip is also printed from a desk
browser to one page without the site's header, navigation or footer. Station staff record a
reception day, which then shows on the site's public page. A second representative cannot open
the first one's slip. Screenshots, the slip PDF and a JSON summary of the layout checks are kept
in ``test-artifacts/browser/`` for a reviewer to look at.
"""

import re
import subprocess
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from feedback.forms import LogOpinionForm
from feedback.models import Channel, ContactPreference, RequestType, Submission
from feedback.services.submit import IntakeSource, submission_create
from representatives.models import ReceptionDay, Role
from routing.models import CaseStatus
from tests.browser.helpers import (
    CODE_RE,
    SECRET_RE,
    check_layout,
    check_tap_targets,
    shoot,
    sign_in,
    watch,
    write_report,
    zh,
)
from tests.factories import RepresentativeFactory, make_official

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


# What a resident told the representative on duty, in their own words.
TEXT = (
    "小区东门口的公交站没有候车亭，夏天中午晒得厉害，冬天风又大，"
    "等车的老人只能站在路边。希望能在站台加装遮阳挡风的候车亭和座椅。"
)
NAME = "王淑芬"
MOBILE = "13912345678"
MASKED = "139****5678"
NOTES = "本次接待群众12人，主要反映小区停车难、公交站缺少候车亭等问题，已现场登记意见。"
VISITORS = 12


# Everything that sticks out sideways or is clipped, and every control smaller than a finger.
def _run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


def _photo_jpeg(path, size=(600, 800)):
    """A phone photo of a bus stop without a shelter (portrait, plain JPEG)."""
    width, height = size
    image = Image.new("RGB", (width, height), (150, 190, 230))  # sky
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, height * 2 // 3, width, height], fill=(90, 90, 95))  # road
    draw.rectangle([0, height * 2 // 3 - 30, width, height * 2 // 3], fill=(180, 175, 165))
    draw.rectangle([width // 3, height // 4, width // 3 + 10, height * 2 // 3], fill=(60, 60, 60))
    draw.rectangle(
        [width // 3 - 40, height // 4, width // 3 + 50, height // 4 + 60], fill=(0, 90, 170)
    )
    draw.ellipse([width - 160, 40, width - 60, 140], fill=(255, 220, 80))  # the sun
    image.save(path, format="JPEG", quality=88)
    return path


def _open_desk(page, live_server):
    """我的工作台, from the header's navigation."""
    nav = page.get_by_role("navigation", name=zh("Main"))
    link = nav.get_by_role("link", name=zh("My desk"), exact=True)
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url(f"{live_server.url}/rep/")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("My desk"))


def _log_labels():
    fields = LogOpinionForm.base_fields
    return {
        name: zh(fields[name].label) for name in ("collected_on", "area", "photos", "consent")
    } | {
        # Set in LogOpinionForm.__init__: the representative fills them in for the resident.
        "text": zh("What did the resident say?"),
        "contact_name": zh("Resident's name (optional)"),
        "contact_phone": zh("Resident's mobile number (optional)"),
        "on_duty": zh(Channel.ON_DUTY.label),
        "suggestion": zh(RequestType.SUGGESTION.label),
        "phone_call": zh(ContactPreference.PHONE.label),
        "save": zh("Save and make the slip"),
    }


def test_representative_logs_an_opinion_on_a_phone_and_prints_the_slip(
    live_server,
    settings,
    phone,
    desk,
    artifacts_dir,
    tmp_path,
    representative_user,
    representative,
    site,
    categories,
):
    settings.PUBLIC_BASE_URL = live_server.url  # the slip prints the address to follow it at
    labels = _log_labels()
    photo_path = _photo_jpeg(tmp_path / "IMG_20261128_1002.jpg")
    today = timezone.localdate()
    report, problems = {}, []
    page = phone.new_page()
    watch(page, problems)

    # 1. Sign in through the real page; the header then offers 我的工作台.
    sign_in(page, live_server, "rep")
    _open_desk(page, live_server)
    main = page.get_by_role("main")
    expect(main).to_contain_text(representative.name)
    expect(page.locator(".case-list")).to_have_count(0)
    expect(main).to_contain_text(
        zh(
            "Nothing yet. Opinions sent through your QR code and those you log appear here, "
            "newest first."
        )
    )
    check_layout(page, "20-rep-desk-empty", report)
    check_tap_targets(page, ["main .actions .button"])
    shoot(page, artifacts_dir, "20-rep-desk-empty.png")

    # 2. 登记意见: the form, with on duty, today and the representative's community preselected.
    main.get_by_role("link", name=zh("Log an opinion"), exact=True).click()
    page.wait_for_url(f"{live_server.url}/rep/log/")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Log an opinion"))
    expect(page.get_by_label(labels["on_duty"], exact=True)).to_be_checked()
    date_input = page.get_by_label(labels["collected_on"], exact=True)
    expect(date_input).to_have_value(today.isoformat())
    area = page.get_by_label(labels["area"], exact=True)
    expect(area).to_have_value(str(site.area_id))
    assert area.locator("option:checked").inner_text().strip() == site.area.name

    # Filled in like a representative who has just listened to a resident.
    date_input.fill(today.isoformat())
    page.get_by_label(labels["text"], exact=True).fill(TEXT)
    page.get_by_label(labels["suggestion"], exact=True).check()
    page.get_by_label(labels["photos"], exact=True).set_input_files(str(photo_path))
    page.get_by_label(labels["contact_name"], exact=True).fill(NAME)
    page.get_by_label(labels["contact_phone"], exact=True).press_sequentially(MOBILE)
    page.get_by_label(labels["phone_call"], exact=True).check()
    page.get_by_label(labels["consent"], exact=True).check()
    check_layout(page, "21-rep-log-filled", report)
    check_tap_targets(
        page,
        [
            "#id_collected_on",
            "#id_text",
            "#id_area",
            "#id_category",
            "#id_contact_name",
            "#id_contact_phone",
            "label.choice",
            "main button[type=submit]",
        ],
    )
    shoot(page, artifacts_dir, "21-rep-log-filled.png")

    with page.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/rep/log/")
    ) as response_info:
        page.get_by_role("button", name=labels["save"], exact=True).click()
    assert response_info.value.status == 302, page.locator(".errorlist").all_inner_texts()
    page.wait_for_url(re.compile(r"/rep/slip/KL-[^/]+/$"))

    # 3. The slip: tracking code and key, where to follow it; no name, no number.
    expect(page.locator(".messages")).to_have_text(
        zh("Logged. Hand the resident the slip with the tracking code.")
    )
    slip = page.locator("article.slip")
    expect(slip.get_by_role("heading", level=1)).to_have_text(zh("Your opinion has been recorded"))
    # Today's markup (.code, .code-small) or the receipt's (#…-code, #…-secret, both .code).
    code = slip.locator("#slip-code, .code").first.inner_text().strip()
    secret = slip.locator("#slip-secret, .code-small").first.inner_text().strip()
    assert CODE_RE.fullmatch(code), code
    assert SECRET_RE.fullmatch(secret), secret
    assert page.url == f"{live_server.url}/rep/slip/{code}/"
    expect(slip).to_contain_text(f"{live_server.url}/track/")
    expect(slip).to_contain_text(today.isoformat())
    expect(slip).to_contain_text(site.area.name)
    slip_text, slip_html = page.locator("body").inner_text(), page.content()
    for private in (NAME, MOBILE, MASKED):
        assert private not in slip_text and private not in slip_html, private
    check_layout(page, "22-rep-slip", report)
    check_tap_targets(page, ["main .no-print a"])
    shoot(page, artifacts_dir, "22-rep-slip.png")

    # What was stored: the representative's own on-duty log, with the photo and the consent.
    submission = Submission.objects.select_related("case").get(tracking_code=code)
    assert submission.secret == secret
    assert submission.channel == Channel.ON_DUTY
    assert submission.representative_id == representative.pk
    assert submission.logged_by_id == representative_user.pk
    assert submission.text == TEXT
    assert submission.request_type == RequestType.SUGGESTION
    assert submission.area_id == site.area_id
    assert submission.collected_on == today
    assert submission.contact_preference == ContactPreference.PHONE
    assert submission.contact_phone_masked == MASKED
    assert submission.consent_at is not None
    assert submission.photos.count() == 1
    assert submission.case is not None and submission.case.status == CaseStatus.NEW
    # The code and key on the slip open the resident's tracking page.
    tracked = page.request.get(f"{live_server.url}/track/{code}/{secret}/")
    assert tracked.status == 200 and code in tracked.text()

    # 4. Back on the desk: the code, its status, the channel and the masked number only.
    main.get_by_role("link", name=zh("Back to my desk"), exact=True).click()
    page.wait_for_url(f"{live_server.url}/rep/")
    entry = page.locator(".case-list li", has_text=code)
    expect(entry).to_have_count(1)
    expect(entry.locator(".code-inline")).to_have_text(code)
    expect(entry.locator(".tag")).to_have_text(zh(CaseStatus.NEW.label))
    expect(entry.locator(".meta")).to_contain_text(MASKED)
    expect(entry.locator(".meta")).to_contain_text(labels["on_duty"])
    expect(entry.locator(".meta")).to_contain_text(site.area.name)
    expect(entry).to_contain_text(TEXT[:20])
    desk_text, desk_html = page.locator("body").inner_text(), page.content()
    assert MOBILE not in desk_text and MOBILE not in desk_html
    assert NAME not in desk_text and NAME not in desk_html
    check_layout(page, "23-rep-desk", report)
    shoot(page, artifacts_dir, "23-rep-desk.png")

    # 5. Printed at the station's computer: one page, the slip only.
    print_page = desk.new_page()
    watch(print_page, problems)
    sign_in(print_page, live_server, "rep")
    print_page.goto(f"{live_server.url}/rep/slip/{code}/")
    print_page.evaluate("document.fonts.ready.then(() => true)")
    screen_note = print_page.locator("main .no-print").inner_text().strip()
    print_page.emulate_media(media="print")
    pdf = artifacts_dir / "22-rep-slip-print.pdf"
    print_page.pdf(path=str(pdf), format="A4", print_background=True)
    info = _run("pdfinfo", str(pdf))
    report["22-rep-slip-print pdfinfo"] = info
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    printed = re.sub(r"\s+", "", _run("pdftotext", "-layout", str(pdf), "-"))
    report["22-rep-slip-print text"] = printed
    assert code in printed and secret in printed, printed
    assert zh("Your opinion has been recorded") in printed
    for not_printed in (
        zh("Liaison sites"),  # the header's navigation ("Follow my opinion" is slip wording)
        zh("My desk"),
        zh("My account"),
        zh("People's Congress Liaison"),  # the brand
        zh("Karamay Municipal People's Congress Standing Committee · representative liaison"),
        re.sub(r"\s+", "", screen_note),
        zh("Back to my desk"),
    ):
        assert re.sub(r"\s+", "", not_printed) not in printed, f"printed: {not_printed}"
    _run(
        "pdftoppm",
        "-png",
        "-r",
        "60",
        "-singlefile",
        str(pdf),
        str(artifacts_dir / "22-rep-slip-print"),
    )

    write_report(artifacts_dir, "representative-journey-report.json", report)
    assert not problems, problems


def test_a_reception_day_is_scheduled_announced_then_recorded(
    live_server, settings, phone, artifacts_dir, representative_user, representative, site
):
    """The representative schedules next week's reception day (the form opens on their own site
    with themselves ticked and only that site's representatives listed); residents see it on
    the site's page with the hours and who receives; once it took place it is recorded, and
    the log form opens set to that day."""
    settings.PUBLIC_BASE_URL = live_server.url
    colleague = RepresentativeFactory(name="李红梅")
    colleague.sites.add(site)
    RepresentativeFactory(name="王外站")  # another site's: never listed
    today = timezone.localdate()
    coming = today + timedelta(days=7)
    report, problems = {}, []
    page = phone.new_page()
    watch(page, problems)

    # 1. Sign in: the representative lands on their desk, with its two reception-day acts.
    sign_in(page, live_server, "rep")
    page.wait_for_url(f"{live_server.url}/rep/")
    page.get_by_role("main").get_by_role(
        "link", name=zh("Schedule a reception day"), exact=True
    ).click()
    page.wait_for_url(re.compile(r"/rep/reception-days/new/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Schedule a reception day"))
    expect(page.get_by_role("main")).to_contain_text(site.name)
    expect(page.get_by_label(representative.name, exact=True)).to_be_checked()
    expect(page.get_by_label("李红梅", exact=True)).not_to_be_checked()
    expect(page.get_by_text("王外站")).to_have_count(0)
    page.locator("#id_schedule-date").fill(coming.isoformat())
    page.locator("#id_schedule-starts_at").fill("09:30")
    page.locator("#id_schedule-ends_at").fill("11:30")
    page.get_by_label("李红梅", exact=True).check()
    check_layout(page, "24-reception-day-schedule", report)
    check_tap_targets(page, ["#id_schedule-date", "label.choice", "main button"])
    shoot(page, artifacts_dir, "24-reception-day-schedule.png")
    page.get_by_role("main").get_by_role("button", name=zh("Schedule"), exact=True).click()
    page.wait_for_url(f"{live_server.url}/rep/")
    day = ReceptionDay.objects.get(site=site)
    assert day.date == coming and not day.is_recorded

    # 2. A resident opens the site's page: the coming day, its hours and who receives.
    resident = phone.new_page()
    resident.goto(f"{live_server.url}{site.get_absolute_url()}")
    upcoming = resident.locator(".scheduled-days li").first
    expect(upcoming).to_contain_text(f"{coming.month}月{coming.day}日")
    expect(upcoming).to_contain_text("09:30–11:30")
    expect(upcoming).to_contain_text(representative.name)
    expect(upcoming).to_contain_text("李红梅")
    check_layout(resident, "25-site-with-coming-reception-day", report)
    upcoming.scroll_into_view_if_needed()
    shoot(resident, artifacts_dir, "25-site-with-coming-reception-day.png")

    # 3. The day comes (moved to today here): the desk offers to record it; recorded, the log
    #    form opens set to that day.
    ReceptionDay.objects.filter(pk=day.pk).update(date=today)
    page.goto(f"{live_server.url}/rep/")
    page.get_by_role("link", name=zh("Record how it went"), exact=True).click()
    page.wait_for_url(re.compile(r"/rep/reception-days/record/\?day="))
    expect(page.get_by_label(representative.name, exact=True)).to_be_checked()
    page.locator("#id_record-visitors").fill(str(VISITORS))
    page.locator("#id_record-notes").fill(NOTES)
    shoot(page, artifacts_dir, "26-reception-day-record.png")
    page.get_by_role("main").get_by_role("button", name=zh("Save"), exact=True).click()
    page.wait_for_url(re.compile(r"/rep/log/\?reception_day="))
    expect(page.locator(f"input[name=channel][value={Channel.RECEPTION_DAY}]")).to_be_checked()
    day.refresh_from_db()
    assert day.is_recorded and day.visitors == VISITORS and day.notes == NOTES

    # 4. The site's page: a recent reception day now, with its visitors.
    resident.goto(f"{live_server.url}{site.get_absolute_url()}")
    with translation.override("zh-hans"):
        recent = gettext("Recent reception days:")
        visitors = ngettext(" (%(counter)s visitor)", " (%(counter)s visitors)", VISITORS) % {
            "counter": VISITORS
        }
    recent_line = resident.locator("main .meta", has_text=recent)
    expect(recent_line).to_contain_text(visitors)
    write_report(artifacts_dir, "reception-day-report.json", report)
    assert not problems, problems


def test_another_representative_cannot_open_the_slip(
    live_server, settings, phone, artifacts_dir, representative_user, representative, site, areas
):
    settings.PUBLIC_BASE_URL = live_server.url
    submission, created = submission_create(
        key=uuid.uuid4(),
        source=IntakeSource(
            channel=Channel.ON_DUTY, representative=representative, logged_by=representative_user
        ),
        area_id=site.area_id,
        text=TEXT,
        request_type=RequestType.SUGGESTION,
        contact_name=NAME,
        contact_phone=MOBILE,
        contact_preference=ContactPreference.PHONE,
        consent=True,
        collected_on=timezone.localdate(),
    )
    assert created
    other = RepresentativeFactory(name="马玉兰（演示）")
    other.sites.add(site)  # even at the same site
    other.user = make_official(Role.REPRESENTATIVE, username="other-rep", area=areas[3])
    other.save(update_fields=["user"])
    report, problems = {}, []
    page = phone.new_page()
    watch(page, problems, allowed_status={("GET", 404)})

    sign_in(page, live_server, "other-rep")
    _open_desk(page, live_server)
    expect(page.get_by_role("main")).to_contain_text(other.name)
    expect(page.locator("main")).not_to_contain_text(submission.tracking_code)

    response = page.goto(f"{live_server.url}/rep/slip/{submission.tracking_code}/")
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Page not found"))
    # Nothing of the slip; the code is only in the address (and the language switch's "next").
    body_text, html = page.locator("body").inner_text(), page.content()
    assert submission.tracking_code not in body_text
    for private in (submission.secret, NAME, MOBILE, MASKED, TEXT[:10]):
        assert private not in body_text and private not in html, private
    check_layout(page, "26-other-rep-slip-404", report)
    shoot(page, artifacts_dir, "26-other-rep-slip-404.png")

    write_report(artifacts_dir, "representative-permissions-report.json", report)
    assert not problems, problems
