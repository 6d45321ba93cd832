"""A resident on a phone finds a liaison site, scans its codes, and staff print its poster.

Walks the public directory (collapsed by district and street, search on top) in Chinese on an
iPhone 13 viewport (390 CSS px) against the real Karamay areas and the synthetic network of ``demo.network.network_seed``. Every QR code is decoded from the
pixels the browser received and followed, so a code that points at the wrong host, token or
page fails here. Screenshots, the poster PDF and a JSON summary of the layout checks are kept
in ``test-artifacts/browser/`` for a reviewer to look at.
"""

import json
import re
import subprocess

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from demo.network import network_seed
from representatives.models import LiaisonSite, QRCode, TokenStatus
from tests.browser.helpers import CJK_FONT, HAN, decode_qr

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PHONE_WIDTH = 390
COLLAPSED_MAX_HEIGHT = 4000  # CSS px; all 133 sites open were ~32,000 px (issue 14, point 16)
MIN_TAP = 44  # CSS px; Apple HIG / WCAG 2.5.5 target size, what a shaky finger needs
# Simplified-Chinese faces only: without lang="zh-CN" Chromium falls back to Noto Sans CJK JP,
# whose glyph shapes (门, 直, 骨 ...) look foreign to Chinese readers.

LAYOUT_JS = """
(minTap) => {
  const vw = document.documentElement.clientWidth;
  const describe = (el, r) => {
    const cls = (el.getAttribute('class') || '').trim().replace(/\\s+/g, '.');
    return `${el.tagName.toLowerCase()}${cls ? '.' + cls : ''} `
      + `[${Math.round(r.left)}..${Math.round(r.right)}] scroll=${el.scrollWidth} client=${el.clientWidth}`;
  };
  const overflowing = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.skip')) continue;  // the skip link hides off-screen until focused
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    // Visually hidden on purpose (honeypot at left:-10000px, 1x1 "sr-only" text): not layout.
    if (r.right <= 0 || (r.width <= 1 && r.height <= 1)) continue;
    const clipped = cs.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1;
    if (r.left < -1 || r.right > vw + 1 || clipped) overflowing.push(describe(el, r));
  }
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')) {
    if (el.closest('.skip')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= 0) continue;
    if (r.height < minTap || r.width < minTap) {
      small.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || '').trim().slice(0, 30)}" `
        + `${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return {
    innerWidth: window.innerWidth,
    clientWidth: vw,
    scrollWidth: document.documentElement.scrollWidth,
    bodyFontPx: parseFloat(getComputedStyle(document.body).fontSize),
    overflowing,
    smallTapTargets: small,
  };
}
"""


def _watch(page, problems):
    """Collect what a reviewer would see in DevTools: JS errors, CSP reports, failed loads."""
    page.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and "Failed to load resource" not in msg.text  # reported with its URL below
            and problems.append(f"console: {msg.text}")
        ),
    )
    page.on(
        "response",
        lambda r: (
            r.status >= 400
            and not r.url.endswith("/favicon.ico")
            and problems.append(f"HTTP {r.status} {r.url}")
        ),
    )


def _shoot(page, artifacts_dir, name, **kwargs):
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=str(artifacts_dir / name), full_page=True, **kwargs)


def _check_layout(page, name, report):
    """The page fits 390 px, nothing sticks out or is clipped, body text is large."""
    assert page.viewport_size["width"] == PHONE_WIDTH
    layout = page.evaluate(LAYOUT_JS, MIN_TAP)
    report[name] = layout
    assert layout["scrollWidth"] <= PHONE_WIDTH, f"{name}: page scrolls sideways: {layout}"
    assert not layout["overflowing"], (
        f"{name}: elements overflow the screen: {layout['overflowing']}"
    )
    assert layout["bodyFontPx"] >= 16, f"{name}: body text smaller than 16 px"


def _check_tap_targets(page, selectors):
    """The controls a resident must hit are at least 44 CSS px tall."""
    for selector in selectors:
        boxes = [b for b in (el.bounding_box() for el in page.locator(selector).all()) if b]
        assert boxes, f"no {selector} on {page.url}"
        for box in boxes:
            assert box["height"] >= MIN_TAP - 0.5, (
                f"{selector} is {box['height']:.0f} px tall on {page.url}"
            )


def _rendered_fonts(page, selector):
    """The platform fonts Chromium actually used for the text of ``selector`` (DevTools' view)."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"{selector} not found on {page.url}"
        return cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()


def _check_chinese_font(page, selector, report_key, report):
    """Chinese text is drawn with a CJK font, not a fallback with missing glyphs (tofu)."""
    text = page.locator(selector).first.inner_text()
    assert HAN.search(text), f"{selector} on {page.url} has no Chinese text: {text!r}"
    fonts = _rendered_fonts(page, selector)
    report.setdefault("fonts", {})[report_key] = fonts
    assert fonts, f"no font rendered {selector}"
    families = {f["familyName"] for f in fonts}
    assert all(CJK_FONT.search(f) for f in families), f"{selector} rendered with {families}"


def _check_qr_img(page, expected_url):
    """The QR <img> loaded, and decoding the bytes it showed gives the intake URL."""
    img = page.locator(".qr-block img")
    img.scroll_into_view_if_needed()
    expect(img).to_be_visible()
    assert img.evaluate("async img => { await img.decode(); return img.naturalWidth; }") > 0
    assert img.bounding_box()["width"] >= 200, "QR code shown too small to scan from another phone"
    response = page.request.get(img.evaluate("img => img.currentSrc || img.src"))
    assert response.ok and response.headers["content-type"] == "image/png"
    decoded = decode_qr(response.body())
    assert decoded == expected_url
    return decoded


def _intake_url(live_server, **target):
    code = QRCode.objects.get(status=TokenStatus.ACTIVE, **target)
    url = f"{live_server.url}/q/{code.token}/"
    assert re.fullmatch(re.escape(live_server.url) + r"/q/[A-Za-z0-9_-]{8,32}/", url)
    return url


def _run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=60).stdout


def test_resident_finds_site_follows_its_codes_and_staff_print_the_poster(
    live_server, settings, phone, desk, artifacts_dir, tmp_path
):
    settings.PUBLIC_BASE_URL = live_server.url  # the QR images encode absolute URLs
    network_seed(with_accounts=False, password="x")
    site = LiaisonSite.objects.get(area__name="长征社区")
    site_intake = _intake_url(live_server, site=site)
    district_name, street_name = site.area.district.name, site.area.street.name
    street_count = LiaisonSite.objects.filter(is_active=True, area__street=site.area.street).count()
    with translation.override("zh-hans"):
        directory_heading = gettext("Liaison sites and representatives")
    report, problems = {}, []
    page = phone.new_page()
    _watch(page, problems)

    # 1. The directory, in Chinese, collapsed to its districts: short on a phone.
    response = page.goto(f"{live_server.url}/stations/")
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text(directory_heading)
    assert HAN.search(directory_heading), "the directory heading has no Chinese translation yet"
    districts = page.locator("details.district")
    for district in ["独山子区", "克拉玛依区", "乌尔禾区"]:
        expect(page.get_by_role("heading", level=2, name=district, exact=True)).to_be_visible()
    for i in range(districts.count()):
        expect(districts.nth(i)).not_to_have_attribute("open", re.compile(".*"))
    # Every site is in the page (usable without JavaScript), none is shown yet.
    expect(page.locator(".site-card")).to_have_count(
        LiaisonSite.objects.filter(is_active=True).count()
    )
    expect(page.locator(".site-card a").first).to_be_hidden()
    height = page.evaluate("document.documentElement.scrollHeight")
    report["01-stations collapsed height"] = height
    assert height < COLLAPSED_MAX_HEIGHT, f"the collapsed directory is {height} px tall"
    _check_layout(page, "01-stations", report)
    _check_chinese_font(page, "details.district summary h2", "01-stations district", report)
    _check_tap_targets(
        page,
        [
            "form[role=search] input[name=q]",
            "form[role=search] button",
            "details.district > summary",
        ],
    )
    _shoot(page, artifacts_dir, "01-stations.png")
    desk_page = desk.new_page()
    _watch(desk_page, problems)
    desk_page.goto(f"{live_server.url}/stations/")
    report["01-stations desktop collapsed height"] = desk_page.evaluate(
        "document.documentElement.scrollHeight"
    )
    _shoot(desk_page, artifacts_dir, "01-stations-desktop.png")

    # Search from the top: the results show at once, their groups open; others are gone.
    page.locator("form[role=search] input[name=q]").fill("长征")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/stations/\?q="))
    expect(page.locator("form[role=search] input[name=q]")).to_have_value("长征")
    result = page.locator(".site-card a", has_text="长征社区")
    expect(result).to_have_count(1)
    expect(result).to_have_text(site.name)
    expect(result).to_be_visible()
    expect(page.locator(".site-card", has_text="向阳北社区")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("长征")
    for group in page.locator("details.directory-group").all():
        expect(group).to_have_attribute("open", "")
    _check_layout(page, "02-stations-search", report)
    _check_tap_targets(page, [".site-card a"])
    _shoot(page, artifacts_dir, "02-stations-search.png")
    desk_page.goto(f"{live_server.url}/stations/?q=长征")
    _shoot(desk_page, artifacts_dir, "02-stations-search-desktop.png")

    # Browse instead: tap the district, then the street, then the site.
    page.goto(f"{live_server.url}/stations/")
    district = page.locator(
        "details.district", has=page.locator("summary h2", has_text=district_name)
    )
    district.locator(":scope > summary").tap()
    expect(district).to_have_attribute("open", "")
    street = district.locator(
        "details.street", has=page.locator("summary h3", has_text=street_name)
    )
    expect(street).to_be_visible()
    expect(street.locator(":scope > summary")).to_contain_text(str(street_count))
    expect(street.locator(".site-card a").first).to_be_hidden()
    _check_tap_targets(page, ["details.district[open] details.street > summary"])
    street.locator(":scope > summary").tap()
    expect(street).to_have_attribute("open", "")
    link = street.locator(".site-card a", has_text=site.name)
    expect(link).to_be_visible()
    _check_layout(page, "02b-stations-street-open", report)
    _check_tap_targets(page, [".site-card a"])
    _shoot(page, artifacts_dir, "02b-stations-street-open.png")
    desk_page.goto(f"{live_server.url}/stations/")
    desk_district = desk_page.locator(
        "details.district", has=desk_page.locator("summary h2", has_text=district_name)
    )
    desk_district.locator(":scope > summary").click()
    desk_district.locator(
        "details.street", has=desk_page.locator("summary h3", has_text=street_name)
    ).locator(":scope > summary").click()
    _shoot(desk_page, artifacts_dir, "02b-stations-street-open-desktop.png")
    desk_page.close()
    link.tap()

    # 2. The site page: its QR code decodes to its intake URL, which names the site.
    page.wait_for_url(f"{live_server.url}{site.get_absolute_url()}")
    site_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(site.name)
    expect(page.locator(".facts")).to_contain_text(site.reception_rule)
    _check_qr_img(page, site_intake)
    _check_layout(page, "03-site", report)
    _check_chinese_font(page, "main h1", "03-site h1", report)
    _check_tap_targets(page, [".actions .button", ".rep-list a"])
    _shoot(page, artifacts_dir, "03-site.png")

    response = page.goto(site_intake)
    assert response.status == 200
    expect(page.locator("main .recipient")).to_contain_text(site.name)
    _check_layout(page, "04-site-intake", report)
    _check_chinese_font(page, "main .recipient strong", "04-site-intake recipient", report)
    _shoot(page, artifacts_dir, "04-site-intake.png")

    # 3. A representative at that site: the same check for the representative's own code.
    page.goto(site_url)
    rep_link = page.locator(".rep-list a").first
    rep_name = rep_link.inner_text().strip()
    representative = site.representatives.get(name=rep_name)
    rep_intake = _intake_url(live_server, representative=representative)
    rep_link.click()
    page.wait_for_url(f"{live_server.url}{representative.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(rep_name)
    expect(page.locator("main")).to_contain_text(site.name)  # where to meet them
    _check_qr_img(page, rep_intake)
    _check_layout(page, "05-representative", report)
    _check_chinese_font(page, "main h1", "05-representative h1", report)
    _shoot(page, artifacts_dir, "05-representative.png")

    response = page.goto(rep_intake)
    assert response.status == 200
    expect(page.locator("main .recipient")).to_contain_text(rep_name)
    _check_layout(page, "06-representative-intake", report)
    _shoot(page, artifacts_dir, "06-representative-intake.png")

    # 4. The printable poster: readable on the phone, one A4 page when printed.
    page.goto(site_url)
    page.locator(".actions a[href$='/poster/']").click()
    page.wait_for_url(re.compile(r"/q/[A-Za-z0-9_-]+/poster/$"))
    poster_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(site.name)
    assert decode_qr(page.locator(".poster .qr svg").screenshot()) == site_intake
    _check_layout(page, "07-poster-phone", report)
    _check_chinese_font(page, ".poster h1", "07-poster h1", report)
    _shoot(page, artifacts_dir, "07-poster-phone.png")

    print_page = desk.new_page()
    _watch(print_page, problems)
    print_page.goto(poster_url)
    print_page.evaluate("document.fonts.ready.then(() => true)")
    screen_note = print_page.locator(".screen-note").inner_text().strip()
    print_page.emulate_media(media="print")
    _check_chinese_font(print_page, ".poster h1", "08-poster-print h1", report)
    _check_chinese_font(print_page, ".poster .scan", "08-poster-print scan", report)
    pdf = artifacts_dir / "08-poster-a4.pdf"
    print_page.pdf(path=str(pdf), format="A4", print_background=True)
    info = _run("pdfinfo", str(pdf))
    report["08-poster-a4 pdfinfo"] = info
    assert re.search(r"^Pages:\s+1$", info, re.M), info
    assert re.search(r"^Page size:\s+59[5-6]\.\d+ x 84[1-3]\.\d+ pts \(A4\)$", info, re.M), info
    # Skia embeds the CFF-based Noto CJK as unnamed Type 3 fonts, so pdffonts cannot name it;
    # the text layer and the print-media font check above stand in for it.
    report["08-poster-a4 pdffonts"] = _run("pdffonts", str(pdf))
    text = _run("pdftotext", "-layout", str(pdf), "-")
    assert site.name in text.replace(" ", "")
    assert screen_note not in text, "the on-screen note should not be printed"
    _run(
        "pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(artifacts_dir / "08-poster-a4")
    )
    _run("pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "poster"))
    # The printed code scans.
    assert decode_qr((tmp_path / "poster.png").read_bytes()) == site_intake

    (artifacts_dir / "journey-report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    assert not problems, problems
