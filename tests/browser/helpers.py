"""Shared helpers of the Playwright journeys: watching for errors, layout and tap-target checks,
screenshots and reports."""

import io
import json
import re

import zxingcpp
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image
from playwright.sync_api import expect

HAN = re.compile(r"[\u4e00-\u9fff]")
CJK_FONT = re.compile(
    r"Noto (Sans|Serif) CJK SC|Source Han (Sans|Serif) (SC|CN)|PingFang SC|Microsoft YaHei"
)
CODE_RE = re.compile(r"^KL-\d{4}-[A-Z2-9]{4}$")
SECRET_RE = re.compile(r"^[A-Z2-9]{6}$")

PHONE_WIDTH = 390
MIN_TAP = 44  # CSS px: the smallest control a finger can hit reliably

LAYOUT_JS = """
(minTap) => {
  const vw = document.documentElement.clientWidth;
  // Hidden off the start side (skip link, honeypot): left of the page, or right of it when the
  // page reads right to left (Uyghur), where that side does not scroll either.
  const rtl = getComputedStyle(document.documentElement).direction === 'rtl';
  const describe = (el, r) => {
    const cls = (el.getAttribute('class') || '').trim().replace(/\\s+/g, '.');
    const id = el.id ? '#' + el.id : '';
    return `${el.tagName.toLowerCase()}${id}${cls ? '.' + cls : ''} `
      + `[${Math.round(r.left)}..${Math.round(r.right)}] scroll=${el.scrollWidth} client=${el.clientWidth}`;
  };
  const overflowing = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.skip')) continue;
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right <= 0 || (rtl && r.left >= vw) || (r.width <= 1 && r.height <= 1)) continue;
    const clipped = cs.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1;
    if (r.left < -1 || r.right > vw + 1 || clipped) overflowing.push(describe(el, r));
  }
  const small = [];
  const targets = 'a[href], button, select, textarea, label.choice, '
    + 'input:not([type=hidden]):not([type=radio]):not([type=checkbox])';
  for (const el of document.querySelectorAll(targets)) {
    if (el.closest('.skip')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= 0) continue;
    if (r.height < minTap - 0.5 || r.width < minTap - 0.5) {
      small.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || '').trim().slice(0, 30)}" `
        + `${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return {
    clientWidth: vw,
    scrollWidth: document.documentElement.scrollWidth,
    bodyFontPx: parseFloat(getComputedStyle(document.body).fontSize),
    overflowing,
    smallTapTargets: small,
  };
}
"""

# Reported through a binding so that violations on every page of the journey are kept.
CSP_JS = """
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} `
    + `at ${e.sourceFile || document.location.href}:${e.lineNumber}`);
});
"""


def zh(message) -> str:
    """A message (or lazy label) as a Chinese reader reads it."""
    with translation.override("zh-hans"):
        text = str(gettext(message) if isinstance(message, str) else message)
    return text


def watch(page, problems, allowed_status=()):
    """JS errors, console errors, CSP violations and failed loads, as DevTools would show.

    ``allowed_status`` lists (method, status) pairs that a step expects for the page itself,
    e.g. a form sent back with its errors as 400.
    """
    page.expose_function("__cspViolation", lambda text: problems.append(f"CSP: {text}"))
    page.add_init_script(CSP_JS)
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
            and (r.request.method, r.status) not in allowed_status
            and problems.append(f"HTTP {r.status} {r.request.method} {r.url}")
        ),
    )


def write_report(artifacts_dir, name, report):
    (artifacts_dir / name).write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )


def shoot(page, artifacts_dir, name):
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=str(artifacts_dir / name), full_page=True)


def check_layout(page, name, report):
    """The page fits 390 px: no sideways scrolling, nothing sticks out or is clipped."""
    assert page.viewport_size["width"] == PHONE_WIDTH
    page.evaluate("document.fonts.ready.then(() => true)")
    layout = page.evaluate(LAYOUT_JS, MIN_TAP)
    report[name] = layout
    assert layout["scrollWidth"] <= PHONE_WIDTH, f"{name}: page scrolls sideways: {layout}"
    assert not layout["overflowing"], f"{name}: elements overflow: {layout['overflowing']}"
    assert layout["bodyFontPx"] >= 16, f"{name}: body text smaller than 16 px"


def check_tap_targets(page, selectors):
    """The controls a person must hit are at least 44 CSS px tall."""
    for selector in selectors:
        boxes = [b for b in (el.bounding_box() for el in page.locator(selector).all()) if b]
        assert boxes, f"no {selector} on {page.url}"
        for box in boxes:
            assert box["height"] >= MIN_TAP - 0.5, (
                f"{selector} is {box['height']:.0f} px tall on {page.url}"
            )


def decode_qr(png: bytes) -> str:
    """The text of the one QR code in a screenshot."""
    codes = [
        r
        for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
        if r.format == zxingcpp.BarcodeFormat.QRCode
    ]
    assert len(codes) == 1, f"expected one QR code in the image, found {len(codes)}"
    return codes[0].text


def sign_in(page, live_server, username):
    """The real sign-in page, filled by its Chinese labels; lands on the role's own work
    (``/start/`` sends each role there)."""
    from representatives.forms import SignInForm
    from tests.factories import PASSWORD

    with translation.override("zh-hans"):
        fields = SignInForm().fields
        username_label, password_label = (
            str(fields["username"].label),
            str(fields["password"].label),
        )
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Staff sign-in"))
    page.get_by_label(username_label, exact=True).fill(username)
    page.get_by_label(password_label, exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=zh("Sign in"), exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url and "/start/" not in url)


def phone_context(playwright, browser, *, locale="zh-CN", timeout=15_000):
    """A new iPhone 13 context (390 CSS px wide, touch) with the system language ``locale``."""
    device = {
        k: v for k, v in playwright.devices["iPhone 13"].items() if k != "default_browser_type"
    }
    context = browser.new_context(**device, locale=locale, timezone_id="Asia/Shanghai")
    context.set_default_timeout(timeout)
    return context


def desk_context(browser, *, locale="zh-CN", timeout=15_000):
    """A new desktop context (1280 × 900) with the system language ``locale``."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale=locale, timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(timeout)
    return context
