"""A resident on a phone scans a site's code, writes an opinion, follows it and rates the reply.

The intake issue's "done means", walked in Chinese on an iPhone 13 viewport (390 CSS px):
the code is decoded from the pixels of the site page, the form is filled the way a person
fills it (labels, radios, a real camera JPEG with GPS data), and the receipt's tracking code
and key are typed back into the lookup page. Celery is embedded (``_embedded_celery`` in
``tests/conftest.py``), so the case is opened during the request and the receipt SMS goes to
the console backend. Screenshots and a JSON summary of the layout checks are kept in
``test-artifacts/browser/`` for a reviewer to look at.
"""

import re
import uuid

import pytest
from django.utils import translation
from django.utils.translation import ngettext
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from demo.network import network_seed
from feedback.forms import IntakeForm, RatingForm, TrackForm
from feedback.models import (
    ContactPreference,
    PendingPhoto,
    RequestType,
    Submission,
)
from feedback.services.submit import IntakeSource, submission_create
from notifications.models import Notification
from representatives.models import LiaisonSite, QRCode, TokenStatus
from representatives.selectors import qr_token_resolve
from routing.models import CaseEvent, CaseStatus
from routing.services.transition import case_reply, case_transition
from tests.browser.helpers import (
    CJK_FONT,
    CODE_RE,
    HAN,
    check_layout,
    check_tap_targets,
    decode_qr,
    shoot,
    watch,
    write_report,
    zh,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


TEXT = (
    "向阳北小区北门外人行道上的路灯坏了一个多月，晚上一片漆黑，"
    "老人和孩子出门很不安全，上周还有人摔倒。希望有关部门尽快修好。"
)
ADDRESS = "向阳北小区北门外人行道"
NAME = "李桂兰"
MOBILE = "13912345678"
REPLY = "路灯已修复，欢迎监督。"
UNIT = "银河路街道办事处"
CITY_MANAGEMENT = "city-management"  # taxonomy.csv: 市容城管与绿化 (路灯不亮 ...)


# Everything that sticks out sideways or is clipped, and every control smaller than a finger.
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


def _camera_jpeg(path, size=(800, 600)):
    """A phone photo of a dark lamp post: landscape sensor data, Orientation 6 (show it turned
    90° clockwise, i.e. portrait), camera model and the GPS position of Karamay."""
    width, height = size[1], size[0]  # drawn upright (portrait), stored turned as a camera does
    image = Image.new("RGB", (width, height), (22, 28, 48))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, height * 3 // 4, width, height], fill=(70, 70, 74))  # pavement
    draw.rectangle(
        [width // 2 - 8, height // 5, width // 2 + 8, height * 3 // 4], fill=(90, 90, 96)
    )
    draw.rectangle(
        [width // 2 - 60, height // 5 - 24, width // 2 + 8, height // 5], fill=(90, 90, 96)
    )
    draw.ellipse(
        [width // 2 - 84, height // 5 - 6, width // 2 - 36, height // 5 + 30], fill=(55, 55, 40)
    )
    stored = image.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x010F] = "TestMaker"  # Make
    exif[0x0110] = "TestPhone 12"  # Model
    exif[0x0112] = 6  # Orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (45.0, 35.0, 42.0)
    gps[3] = "E"
    gps[4] = (84.0, 53.0, 20.0)
    stored.save(path, format="JPEG", exif=exif, quality=90)
    with Image.open(path) as check:  # the file really carries what must be stripped
        exif_read = check.getexif()
        assert exif_read.get_ifd(0x8825)[2] and exif_read[0x0112] == 6
    return path


def _site_intake_url(page, live_server, site):
    """Find the site in the directory the way a resident does and read its QR code."""
    page.goto(f"{live_server.url}/stations/")
    page.locator("form[role=search] input[name=q]").fill("向阳北")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/stations/\?q="))
    page.locator(".site-card a", has_text=site.name).click()
    page.wait_for_url(f"{live_server.url}{site.get_absolute_url()}")
    img = page.locator(".qr-block img")
    img.scroll_into_view_if_needed()
    assert img.evaluate("async img => { await img.decode(); return img.naturalWidth; }") > 0
    # What a second phone's camera would see: the pixels on the screen.
    url = decode_qr(img.screenshot())
    token = QRCode.objects.get(site=site, status=TokenStatus.ACTIVE).token
    assert url == f"{live_server.url}/q/{token}/"
    return url


def _labels():
    """The Chinese labels the resident reads next to each field."""
    fields = IntakeForm.base_fields
    return {
        name: zh(fields[name].label)
        for name in ("text", "address_line", "category", "photos", "contact_name", "contact_phone")
    } | {
        "consent": zh(fields["consent"].label),
        "help": zh(RequestType.HELP.label),
        "sms": zh(ContactPreference.SMS.label),
        "send": zh("Send my opinion"),
    }


def _choose_category(page, slug):
    """Pick a topic by its visible text, as a person does."""
    option = page.locator(f"#id_category option[value='{slug}']")
    label = option.inner_text().strip()
    assert HAN.search(label), label
    page.get_by_label(_labels()["category"], exact=True).select_option(label=label)
    return label


def _submit_intake(page, expect_status):
    labels = _labels()
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/q/" in r.url
    ) as response_info:
        page.get_by_role("button", name=labels["send"], exact=True).click()
    page.wait_for_load_state()
    status = response_info.value.status
    assert status == expect_status, page.locator(".errorlist").all_inner_texts()


def _img_loaded(img) -> int:
    img.scroll_into_view_if_needed()
    return img.evaluate("async img => { await img.decode(); return img.naturalWidth; }")


def test_resident_scans_a_site_code_writes_an_opinion_and_follows_it(
    live_server, settings, phone, artifacts_dir, tmp_path
):
    settings.PUBLIC_BASE_URL = live_server.url  # the QR images encode absolute URLs
    network_seed(with_accounts=False, password="x")
    site = LiaisonSite.objects.get(area__name="向阳北社区")
    labels = _labels()
    photo_path = _camera_jpeg(tmp_path / "IMG_20261128_2114.jpg")
    report, problems = {}, []
    page = phone.new_page()
    watch(page, problems)

    # 1. The site's code, from the directory; opening it shows the form addressed to the site.
    intake_url = _site_intake_url(page, live_server, site)
    response = page.goto(intake_url)
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Write your opinion"))
    expect(page.locator("main .recipient")).to_contain_text(site.name)
    area = page.get_by_label(zh(IntakeForm.base_fields["area"].label), exact=True)
    expect(area).to_have_value(str(site.area_id))  # the site's community, preselected
    assert area.locator("option:checked").inner_text().strip() == site.area.name
    expect(page.get_by_label(zh(ContactPreference.NONE.label), exact=True)).to_be_checked()
    check_layout(page, "10-intake-empty", report)
    _check_chinese_font(page, "main .recipient strong")
    check_tap_targets(
        page,
        [
            "#id_text",
            "#id_area",
            "#id_address_line",
            "#id_category",
            "#id_contact_name",
            "#id_contact_phone",
            "label.choice",
            "button[type=submit]",
        ],
    )
    shoot(page, artifacts_dir, "10-intake-empty.png")

    # 2. Fill it in like a person: labels, radios, a topic, a photo from the camera.
    page.get_by_label(labels["text"], exact=True).fill(TEXT)
    page.get_by_label(labels["help"], exact=True).check()
    page.get_by_label(labels["address_line"], exact=True).press_sequentially(ADDRESS)
    category_label = _choose_category(page, CITY_MANAGEMENT)
    page.get_by_label(labels["photos"], exact=True).set_input_files(str(photo_path))
    page.get_by_label(labels["contact_name"], exact=True).press_sequentially(NAME)
    phone_input = page.get_by_label(labels["contact_phone"], exact=True)
    expect(phone_input).to_have_attribute("inputmode", "tel")  # the digit keyboard
    phone_input.press_sequentially(MOBILE)
    page.get_by_label(labels["sms"], exact=True).check()
    page.get_by_label(labels["consent"], exact=True).check()
    expect(page.get_by_label(labels["consent"], exact=True)).to_be_checked()
    expect(page.locator("#id_category option:checked")).to_have_text(category_label)
    check_layout(page, "11-intake-filled", report)
    shoot(page, artifacts_dir, "11-intake-filled.png")

    # 3. Send it: the receipt shows the tracking code and its key.
    _submit_intake(page, expect_status=302)
    page.wait_for_url(re.compile(r"/track/[A-Z0-9-]+/[A-Z0-9]+/receipt/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Your opinion has been received"))
    code = page.locator("#tracking-code").inner_text().strip()
    secret = page.locator("#tracking-secret").inner_text().strip()
    assert CODE_RE.fullmatch(code), code
    assert re.fullmatch(r"[A-Z2-9]{6}", secret), secret
    expect(page.locator("main")).to_contain_text(
        zh("We will also send you a text message when there is a reply.")
    )
    check_layout(page, "12-receipt", report)
    _check_chinese_font(page, "main h1")
    check_tap_targets(page, ["main a.button"])
    shoot(page, artifacts_dir, "12-receipt.png")

    # What was stored: the opinion with its case, the SMS, and a photo without EXIF or GPS.
    submission = Submission.objects.select_related("case").get(tracking_code=code)
    assert submission.secret == secret
    assert submission.text == TEXT and submission.address_line == ADDRESS
    assert submission.request_type == RequestType.HELP
    assert submission.area_id == site.area_id and submission.site_id == site.pk
    assert submission.category.slug == CITY_MANAGEMENT
    assert submission.consent_at is not None
    assert submission.contact_preference == ContactPreference.SMS
    assert submission.case is not None and submission.case.status == CaseStatus.NEW
    assert Notification.objects.filter(
        submission=submission,
        channel=Notification.Channel.SMS,
        template="submission_received",
        state=Notification.State.SENT,
    ).exists()
    stored = submission.photos.get()
    with Image.open(stored.image.path) as photo:
        assert photo.format == "JPEG"
        assert not photo.getexif(), dict(photo.getexif())
        assert "exif" not in photo.info and "xmp" not in photo.info
        assert photo.height > photo.width, "the camera's Orientation was not applied"
    raw = stored.image.open("rb").read()
    stored.image.close()
    for marker in (b"Exif", b"TestPhone", b"TestMaker"):
        assert marker not in raw

    # 4. Later: "查看办理进展" in the header, type the code and the key.
    page.get_by_role("navigation", name=zh("Main")).get_by_role(
        "link", name=zh("Follow my opinion"), exact=True
    ).click()
    page.wait_for_url(f"{live_server.url}/track/")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Follow your opinion"))
    page.get_by_label(zh(TrackForm.base_fields["code"].label), exact=True).press_sequentially(code)
    page.get_by_label(zh(TrackForm.base_fields["secret"].label), exact=True).press_sequentially(
        secret
    )
    check_layout(page, "13-track-lookup", report)
    check_tap_targets(page, ["#id_code", "#id_secret", "main button[type=submit]"])
    shoot(page, artifacts_dir, "13-track-lookup.png")
    page.get_by_role("button", name=zh("Look it up"), exact=True).click()
    page.wait_for_url(f"{live_server.url}/track/{code}/{secret}/")

    # 5. The tracking page: what was written, the status, the photo; no name, no number.
    expect(page.locator("main h1")).to_contain_text(code)
    expect(page.locator("blockquote.opinion")).to_have_text(TEXT)
    expect(page.locator(".status strong")).to_have_text(zh(CaseStatus.NEW.label))
    expect(page.locator("main .meta").first).to_contain_text(site.area.name)
    expect(page.locator("main .meta").first).to_contain_text(labels["help"])
    expect(page.locator(".timeline")).to_contain_text(zh("Your opinion was received."))
    photos = page.locator(".photos img")
    expect(photos).to_have_count(1)
    assert _img_loaded(photos.first) > 0
    assert photos.first.get_attribute("alt") and HAN.search(photos.first.get_attribute("alt"))
    body_text, html = page.locator("body").inner_text(), page.content()
    for private in (NAME, MOBILE, submission.contact_phone_masked):
        assert private not in body_text and private not in html, private
    assert MOBILE[-4:] not in body_text  # not in the HTML: a random token may hold 4 digits
    check_layout(page, "14-track", report)
    shoot(page, artifacts_dir, "14-track.png")

    write_report(artifacts_dir, "resident-journey-report.json", report)
    assert not problems, problems


def test_bad_input_keeps_what_was_typed_and_the_photo(
    live_server, settings, phone, artifacts_dir, tmp_path
):
    settings.PUBLIC_BASE_URL = live_server.url
    network_seed(with_accounts=False, password="x")
    site = LiaisonSite.objects.get(area__name="向阳北社区")
    labels = _labels()
    photo_path = _camera_jpeg(tmp_path / "IMG_20261128_2120.jpg")
    long_text = TEXT + "另外北门口的减速带也被压坏了，车辆开得很快。" * 3
    report, problems = {}, []
    page = phone.new_page()
    watch(page, problems, allowed_status={("POST", 400)})  # the form sent back with errors

    page.goto(_site_intake_url(page, live_server, site))
    page.get_by_label(labels["text"], exact=True).fill(long_text)
    page.get_by_label(labels["help"], exact=True).check()
    page.get_by_label(labels["address_line"], exact=True).fill(ADDRESS)
    category_label = _choose_category(page, CITY_MANAGEMENT)
    page.get_by_label(labels["photos"], exact=True).set_input_files(str(photo_path))
    page.get_by_label(labels["contact_name"], exact=True).fill(NAME)
    page.get_by_label(labels["contact_phone"], exact=True).press_sequentially("12345")
    page.get_by_label(labels["sms"], exact=True).check()
    # Consent not ticked.
    _submit_intake(page, expect_status=400)

    # The errors, in Chinese, next to their fields; everything typed is still there.
    summary = page.locator("form .errorlist.non-field")
    expect(summary).to_contain_text(zh("Please correct the items marked below."))
    # The summary names each field with its error and links to it.
    expect(summary.locator("a[href='#id_contact_phone']")).to_be_visible()
    expect(summary.locator("a[href='#id_consent']")).to_be_visible()
    phone_error = page.locator("#id_contact_phone_error")
    expect(phone_error).to_have_text(
        zh("Please enter an 11-digit mobile number, e.g. 13812345678.")
    )
    expect(page.locator("#id_consent_error")).to_have_text(
        zh(
            "Tick this box to let us keep your name and number, or clear them to send "
            "your opinion anonymously."
        )
    )
    # "Next to": inside the field's own box, right above its input.
    phone_input = page.get_by_label(labels["contact_phone"], exact=True)
    expect(page.locator(".field-error", has=phone_input)).to_contain_text(phone_error.inner_text())
    error_box, input_box = phone_error.bounding_box(), phone_input.bounding_box()
    assert 0 <= input_box["y"] - (error_box["y"] + error_box["height"]) < 30
    expect(phone_input).to_have_attribute("aria-invalid", "true")
    expect(phone_input).to_have_value("12345")
    expect(page.get_by_label(labels["text"], exact=True)).to_have_value(long_text)
    expect(page.get_by_label(labels["address_line"], exact=True)).to_have_value(ADDRESS)
    expect(page.locator("#id_category option:checked")).to_have_text(category_label)
    expect(page.get_by_label(labels["contact_name"], exact=True)).to_have_value(NAME)
    expect(page.get_by_label(labels["help"], exact=True)).to_be_checked()
    expect(page.get_by_label(labels["sms"], exact=True)).to_be_checked()
    expect(page.get_by_label(labels["consent"], exact=True)).not_to_be_checked()
    expect(page.locator("form .errorlist:not(.non-field)")).to_have_count(2)  # only these two
    with translation.override("zh-hans"):
        kept_text = ngettext(
            "%(counter)s photo you chose is kept: no need to attach it again.",
            "%(counter)s photos you chose are kept: no need to attach them again.",
            1,
        ) % {"counter": 1}
    expect(page.locator(".kept")).to_have_text(kept_text)
    check_layout(page, "15-intake-errors", report)
    _check_chinese_font(page, "#id_contact_phone_error li")
    page.locator("form .errorlist.non-field").scroll_into_view_if_needed()
    shoot(page, artifacts_dir, "15-intake-errors.png")

    # Fix the number, agree, send again without choosing the photo again.
    phone_input.fill("")
    phone_input.press_sequentially(MOBILE)
    page.get_by_label(labels["consent"], exact=True).check()
    _submit_intake(page, expect_status=302)
    page.wait_for_url(re.compile(r"/receipt/$"))
    code = page.locator("#tracking-code").inner_text().strip()
    assert CODE_RE.fullmatch(code), code
    page.get_by_role("main").get_by_role("link", name=zh("Follow my opinion")).click()
    page.wait_for_url(re.compile(rf"/track/{code}/[A-Z2-9]+/$"))
    expect(page.locator("blockquote.opinion")).to_have_text(long_text)
    photos = page.locator(".photos img")
    expect(photos).to_have_count(1)
    assert _img_loaded(photos.first) > 0

    submission = Submission.objects.get(tracking_code=code)
    assert submission.photos.count() == 1
    assert submission.contact_phone_masked.endswith(MOBILE[-4:])
    assert submission.consent_at is not None
    assert not PendingPhoto.objects.exists(), "the kept photo was not moved to the submission"
    write_report(artifacts_dir, "resident-errors-report.json", report)
    assert not problems, problems


def test_resident_reads_the_reply_and_is_not_satisfied(live_server, settings, phone, artifacts_dir):
    settings.PUBLIC_BASE_URL = live_server.url
    network_seed(with_accounts=False, password="x")
    site = LiaisonSite.objects.get(area__name="向阳北社区")
    code = QRCode.objects.get(site=site, status=TokenStatus.ACTIVE)
    submission, created = submission_create(
        key=uuid.uuid4(),
        source=IntakeSource.from_token(qr_token_resolve(code.token)),
        area_id=site.area_id,
        text=TEXT,
        request_type=RequestType.HELP,
        address_line=ADDRESS,
    )
    assert created and submission.case_id is not None  # embedded Celery opened the case
    case_transition(case_id=submission.case_id, to_status=CaseStatus.TRIAGED, is_public=False)
    case_reply(case_id=submission.case_id, text=REPLY, public_actor=UNIT)
    rating_fields = RatingForm.base_fields
    report, problems = {}, []
    page = phone.new_page()
    watch(page, problems, allowed_status={("POST", 400)})

    # 1. The tracking page shows the reply, who gave it, and asks for a rating.
    page.goto(f"{live_server.url}/track/{submission.tracking_code}/{submission.secret}/")
    expect(page.locator(".status strong")).to_have_text("已答复，待您评价")
    reply = page.locator(f".timeline .event-{CaseEvent.Kind.REPLY}")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text(UNIT)  # "<unit> replied:", the unit's name and no staff name
    expect(reply.locator("blockquote")).to_have_text(REPLY)
    # The internal "triaged" step is not shown to the resident.
    expect(page.locator(".timeline")).not_to_contain_text(zh(CaseStatus.TRIAGED.label))
    expect(page.get_by_role("group", name=zh(rating_fields["value"].label))).to_be_visible()
    check_layout(page, "16-track-reply", report)
    check_tap_targets(page, ["label.choice", "#id_comment", "main button[type=submit]"])
    shoot(page, artifacts_dir, "16-track-reply.png")

    # 2. Not satisfied, without saying why: asked to say why, choice kept.
    not_satisfied = page.get_by_label(zh("Not satisfied"), exact=True)
    not_satisfied.check()
    send = page.get_by_role("button", name=zh("Send my rating"), exact=True)
    with page.expect_response(lambda r: r.request.method == "POST") as response_info:
        send.click()
    assert response_info.value.status == 400
    page.wait_for_load_state()
    expect(page.locator("#id_comment_error")).to_have_text(
        zh("Please tell us what is still wrong, so that it can be handled again.")
    )
    not_satisfied = page.get_by_label(zh("Not satisfied"), exact=True)
    expect(not_satisfied).to_be_checked()
    expect(page.locator(".status strong")).to_have_text("已答复，待您评价")
    check_layout(page, "16b-track-rating-error", report)
    shoot(page, artifacts_dir, "16b-track-rating-error.png")

    # 3. With a comment: thanked, and the case is reopened for redo.
    comment = "北门外第二根路灯还是不亮，晚上依然很黑。"
    page.get_by_label(zh(rating_fields["comment"].label), exact=True).fill(comment)
    send = page.get_by_role("button", name=zh("Send my rating"), exact=True)
    with page.expect_response(lambda r: r.request.method == "POST") as response_info:
        send.click()
    assert response_info.value.status == 302
    page.wait_for_url(f"{live_server.url}/track/{submission.tracking_code}/{submission.secret}/**")
    expect(page.locator(".messages")).to_have_text(
        zh("Thank you. Your opinion will be handled again.")
    )
    expect(page.locator(".status strong")).to_have_text(zh(CaseStatus.REOPENED.label))
    # The rating in the progress list, in Chinese (the wording is the template's to choose).
    rating_line = page.locator(f".timeline .event-{CaseEvent.Kind.RATING} > p").first
    expect(rating_line).to_contain_text("不满意")
    assert not re.search(r"[A-Za-z]{3,}", rating_line.inner_text()), rating_line.inner_text()
    expect(page.locator("form[action$='/rate/']")).to_have_count(0)  # one rating per reply
    check_layout(page, "17-track-reopened", report)
    shoot(page, artifacts_dir, "17-track-reopened.png")

    submission.case.refresh_from_db()
    assert submission.case.status == CaseStatus.REOPENED
    assert submission.case.ratings.get().comment == comment
    write_report(artifacts_dir, "resident-rating-report.json", report)
    assert not problems, problems
