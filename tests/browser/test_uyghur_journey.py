"""A resident whose phone is set to Uyghur scans a site's code, writes in Uyghur, gets the
receipt and follows the opinion to a reply written in Uyghur (issue 17.2, decision 0025).

iPhone 13 viewport (390 CSS px) with the browser's language ``ug-CN``: every page comes in
Uyghur, right to left (``<html lang="ug" dir="rtl">``), drawn with an Arabic-script font that
has the Uyghur letters (no tofu), mirrored where it matters (text starts on the right, the
radio buttons on the right of their labels, the timeline's line on the right), codes and
numbers left to right. The poster is printed to an A4 PDF and turned into a PNG. Screenshots
in ``test-artifacts/browser/`` (``ug-*.png``).
"""

import re
import subprocess

import pytest
from django.utils import translation
from playwright.sync_api import expect

from demo.network import network_seed
from feedback.models import Submission
from representatives.models import LiaisonSite, QRCode, TokenStatus
from routing.models import CaseStatus
from routing.services.transition import case_reply, case_transition
from tests.browser.helpers import (
    CODE_RE,
    check_layout,
    check_tap_targets,
    decode_qr,
    desk_context,
    phone_context,
    shoot,
    watch,
    write_report,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# "The street lamp by the north gate of our estate has been broken for a month; at night the
# old people cannot see the road. Please repair it soon." As typed on a phone, with a number.
TEXT = (
    "مەھەللىمىزنىڭ شىمالىي دەرۋازىسىدىكى كوچا چىرىغى بىر ئايدىن بېرى بۇزۇق، "
    "كەچتە ياشانغانلار يولنى كۆرەلمەيدۇ. تېزرەك ئوڭشاپ بېرىشىڭلارنى سورايمىز. 3-بىنا"
)
REPLY_ZH = "路灯已于今天下午修复，欢迎监督。"
REPLY_UG = "كوچا چىرىغى بۈگۈن چۈشتىن كېيىن ئوڭشالدى، نازارەت قىلىشىڭىزنى قارشى ئالىمىز."
UYGHUR_LETTERS = re.compile("[\u0626\u06d0\u06c6\u06c8\u06c7\u06ad]")  # ئ ې ۆ ۈ ۇ ڭ
ARABIC_FONT = re.compile(r"Noto (Naskh|Sans|Kufi) Arabic|UKIJ|ALKATIP|Microsoft Uighur|Geeza")


def ug(message: str) -> str:
    with translation.override("ug"):
        return translation.gettext(message)


@pytest.fixture
def ug_phone(playwright, browser):
    """The resident's phone: iPhone 13, the system language Uyghur (China)."""
    context = phone_context(playwright, browser, locale="ug-CN", timeout=20_000)
    yield context
    context.close()


@pytest.fixture
def ug_desk(browser):
    """The station's computer, set to Uyghur, to print the poster."""
    context = desk_context(browser, locale="ug-CN", timeout=20_000)
    yield context
    context.close()


def _fonts(page, selector) -> set[str]:
    """The font families the browser really drew ``selector``'s text with."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return {f["familyName"] for f in fonts}


def _check_uyghur(page, selector, name, report, *, starts_right=True):
    """The element's text is Uyghur, right to left, drawn with an Arabic-script font and
    (unless centred) starting at the right edge: mirrored."""
    element = page.locator(selector).first
    text = element.inner_text()
    assert UYGHUR_LETTERS.search(text), f"{selector}: no Uyghur letters in {text!r}"
    fonts = _fonts(page, selector)
    report[f"{name} fonts"] = sorted(fonts)
    arabic = {f for f in fonts if ARABIC_FONT.search(f)}
    assert arabic, f"{selector} drawn with {fonts}: no Arabic-script font"
    geometry = element.evaluate(
        """el => {
          const range = document.createRange();
          range.selectNodeContents(el);
          const text = range.getBoundingClientRect(), box = el.getBoundingClientRect();
          return {direction: getComputedStyle(el).direction, textRight: text.right,
                  textLeft: text.left, boxRight: box.right, boxLeft: box.left};
        }"""
    )
    report[f"{name} geometry"] = geometry
    assert geometry["direction"] == "rtl"
    if starts_right:  # its right edge is at the box's right (within padding)
        assert geometry["boxRight"] - geometry["textRight"] < 20, geometry


def _check_rtl_page(page):
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ug")
    expect(html).to_have_attribute("dir", "rtl")


def test_a_uyghur_phone_scans_writes_and_follows_in_uyghur(
    live_server, settings, ug_phone, ug_desk, artifacts_dir, tmp_path
):
    settings.PUBLIC_BASE_URL = live_server.url
    network_seed(with_accounts=False, password="x")
    site = LiaisonSite.objects.get(area__name="向阳北社区")
    report, problems = {}, []
    page = ug_phone.new_page()
    watch(page, problems)

    # 1. The directory, in Uyghur: districts fold open, their chevrons point left (closed).
    page.goto(f"{live_server.url}/stations/")
    _check_rtl_page(page)
    _check_uyghur(page, "main h1", "ug-00 h1", report)
    closed = page.locator("details.directory-group:not([open]) > summary").first
    chevron = closed.evaluate("el => getComputedStyle(el, '::before').transform")
    report["ug-00 closed chevron"] = chevron
    assert chevron.startswith("matrix(-0.7071"), chevron  # rotate(135deg): pointing left
    check_layout(page, "ug-00-directory", report)
    shoot(page, artifacts_dir, "ug-00-directory.png")

    # The site's page shows its code; the camera reads it. The breadcrumb runs right to left.
    page.goto(f"{live_server.url}{site.get_absolute_url()}")
    _check_rtl_page(page)
    crumbs = page.locator("nav.breadcrumb")
    first, last = crumbs.locator("a"), crumbs.locator("bdi").last
    assert first.bounding_box()["x"] > last.bounding_box()["x"]
    expect(page.locator(".site-header .brand")).to_have_text(ug("People's Congress Liaison"))
    img = page.locator(".qr-block img")
    img.scroll_into_view_if_needed()
    assert img.evaluate("async img => { await img.decode(); return img.naturalWidth; }") > 0
    intake_url = decode_qr(img.screenshot())
    token = QRCode.objects.get(site=site, status=TokenStatus.ACTIVE).token
    assert intake_url == f"{live_server.url}/q/{token}/"
    check_layout(page, "ug-01-site", report)
    shoot(page, artifacts_dir, "ug-01-site.png")

    # 2. The form, in Uyghur, right to left: the radio buttons sit right of their labels.
    assert page.goto(intake_url).status == 200
    _check_rtl_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(ug("Write your opinion"))
    _check_uyghur(page, "main h1", "ug-02 h1", report)
    _check_uyghur(page, "label[for=id_text]", "ug-02 label", report)
    choice = page.get_by_label(ug("Do not contact me"), exact=True)
    expect(choice).to_be_checked()
    label_box = page.locator("label.choice", has=choice).bounding_box()
    radio_box = choice.bounding_box()
    assert radio_box["x"] > label_box["x"] + label_box["width"] / 2, (radio_box, label_box)
    check_layout(page, "ug-02-intake", report)
    check_tap_targets(
        page,
        ["#id_text", "#id_area", "#id_contact_phone", "label.choice", "button[type=submit]"],
    )
    shoot(page, artifacts_dir, "ug-02-intake.png")

    # 3. Written in Uyghur, with a number for text messages.
    page.get_by_label(ug("What is it about?"), exact=True).fill(TEXT)
    page.get_by_label(ug("Request for help"), exact=True).check()
    page.get_by_label(ug("Mobile number (optional)"), exact=True).press_sequentially("13912345678")
    page.get_by_label(ug("Text message"), exact=True).check()
    page.get_by_label(
        ug("I agree that my name and number are stored to contact me about this opinion."),
        exact=True,
    ).check()
    textarea = page.locator("#id_text")
    assert textarea.evaluate("el => getComputedStyle(el).direction") == "rtl"
    check_layout(page, "ug-03-intake-filled", report)
    shoot(page, artifacts_dir, "ug-03-intake-filled.png")
    page.get_by_role("button", name=ug("Send my opinion"), exact=True).click()
    page.wait_for_url(re.compile(r"/track/[A-Z0-9-]+/[A-Z0-9]+/receipt/$"))

    # 4. The receipt: Uyghur words, the code and key left to right.
    _check_rtl_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(ug("Your opinion has been received"))
    code = page.locator("#tracking-code").inner_text().strip()
    secret = page.locator("#tracking-secret").inner_text().strip()
    assert CODE_RE.fullmatch(code), code
    assert page.locator("#tracking-code").evaluate("el => getComputedStyle(el).direction") == (
        "ltr"
    )
    _check_uyghur(page, "main h1", "ug-04 h1", report)
    check_layout(page, "ug-04-receipt", report)
    check_tap_targets(page, ["main a.button"])
    shoot(page, artifacts_dir, "ug-04-receipt.png")
    submission = Submission.objects.select_related("case").get(tracking_code=code)
    assert submission.language == "ug" and submission.text == TEXT

    # 5. Staff reply, in Chinese and in Uyghur; the tracking page shows the Uyghur first.
    case = submission.case
    case_transition(case_id=case.pk, to_status=CaseStatus.TRIAGED)
    case_reply(
        case_id=case.pk,
        text=REPLY_ZH,
        public_actor="银河路街道办事处",
        translated=REPLY_UG,
        language="ug",
    )
    page.get_by_role("link", name=ug("Follow my opinion"), exact=True).last.click()
    page.wait_for_url(f"{live_server.url}/track/{code}/{secret}/")
    _check_rtl_page(page)
    expect(page.locator("blockquote.opinion")).to_have_text(TEXT)
    expect(page.locator(".event-reply blockquote.translated")).to_have_text(REPLY_UG)
    _check_uyghur(page, ".event-reply blockquote.translated", "ug-05 reply", report)
    original = page.locator(".event-reply details.original")
    expect(original.locator("blockquote")).to_be_hidden()
    original.locator("summary").click()
    expect(original.locator("blockquote")).to_have_text(REPLY_ZH)
    # The timeline's line runs down the right-hand side.
    sides = page.locator("ol.timeline").evaluate(
        "el => [getComputedStyle(el).borderRightWidth, getComputedStyle(el).borderLeftWidth]"
    )
    assert sides == ["3px", "0px"], sides
    expect(page.get_by_label(ug("Satisfied"), exact=True)).to_be_visible()
    check_layout(page, "ug-05-track", report)
    check_tap_targets(page, ["label.choice", "#rate button[type=submit]", "details summary"])
    shoot(page, artifacts_dir, "ug-05-track.png")

    # 6. Large text still works right to left.
    page.get_by_role("button", name=ug("Large text"), exact=True).click()
    page.wait_for_url(f"{live_server.url}/track/{code}/{secret}/")
    expect(page.locator("html")).to_have_class("large-text")
    _check_rtl_page(page)
    check_layout(page, "ug-06-track-large", report)
    shoot(page, artifacts_dir, "ug-06-track-large.png")

    # 7. The poster in Uyghur, printed on A4.
    print_page = ug_desk.new_page()
    watch(print_page, problems)
    print_page.goto(f"{intake_url}poster/")
    _check_rtl_page(print_page)
    print_page.evaluate("document.fonts.ready.then(() => true)")
    print_page.emulate_media(media="print")
    _check_uyghur(print_page, ".poster .scan", "ug-07 poster", report, starts_right=False)
    pdf = artifacts_dir / "ug-07-poster-a4.pdf"
    print_page.pdf(path=str(pdf), format="A4", print_background=True)
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    assert re.search(r"^Pages:\s+1$", info.stdout, re.M), info.stdout
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(artifacts_dir / pdf.stem)],
        check=True,
        timeout=60,
    )
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "poster")],
        check=True,
        timeout=60,
    )
    assert decode_qr((tmp_path / "poster.png").read_bytes()) == intake_url

    write_report(artifacts_dir, "uyghur-journey-report.json", report)
    assert not problems, problems
