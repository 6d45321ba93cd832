"""The quarterly briefing, from the committee's desk to a leader's phone.

Committee staff (desktop) open 数据统计, compile the draft of 2026Q3, rewrite its overview and
issue it. A leader reads the dashboard and the issued briefing on an iPhone 13 viewport in
Chinese, downloads the PDF, and writes an instruction that puts an overdue case under
supervision; the staff member records what was done, finds the case in the workbench's 待督办
queue (still on its route, still with its unit) and names its supervisor. Screenshots ``briefing-NN-*.png``, the
PDF and its first page as PNG are kept in ``test-artifacts/browser/``.
"""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from reports.models import Instruction
from representatives.models import Role
from routing.models import Case
from tests.browser.helpers import (
    check_layout,
    check_tap_targets,
    shoot,
    watch,
    write_report,
    zh,
)
from tests.factories import make_official
from tests.reports.helpers import quarter_cases


def _sign_in(page, live_server, username):
    """The real sign-in form; where it lands is another page's business."""
    from tests.factories import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def quarter(areas, site, categories):
    """The hand-made quarter of cases of the reports' tests (tests/reports/helpers.py)."""
    return quarter_cases(areas)


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOT = "供热准备和小区环境是本季度的热点。"
REASON = "第四部分的热点表述有误，予以更正。"
OVERVIEW = "三季度群众意见集中在小区环境和供热准备，总体办理及时。"
INSTRUCTION = "请常委会督促承办单位尽快办结，并向我报告。"
FOLLOW_UP = "已约谈承办单位，明确十日内办结。"


def test_staff_issue_the_briefing_and_a_leader_instructs_on_a_phone(
    live_server,
    phone,
    desk,
    artifacts_dir,
    quarter,  # noqa: F811
    areas,
):
    make_official(Role.COMMITTEE_STAFF, username="bf-staff", area=areas[0])
    make_official(Role.LEADER, username="bf-leader", area=areas[0])
    problems, report = [], {}

    # --- the committee's desk: compile, edit, issue --------------------------------------
    staff = desk.new_page()
    watch(staff, problems, allowed_status=[("POST", 400)])
    _sign_in(staff, live_server, "bf-staff")
    staff.get_by_role("link", name=zh("Figures")).first.click()
    staff.get_by_role("link", name=zh("Quarterly briefings")).click()
    staff.get_by_label(zh("Quarter")).select_option("2026Q3")
    staff.get_by_role("button", name=zh("Compile"), exact=True).click()
    expect(staff.get_by_role("heading", level=1)).to_contain_text("民情民意专报")
    staff.get_by_role("textbox", name=zh("overview")).fill(OVERVIEW)
    staff.get_by_role("button", name=zh("Save the draft")).click()
    expect(staff.locator(".messages")).to_contain_text(zh("The draft was saved."))
    shoot(staff, artifacts_dir, "briefing-01-draft-desk.png")
    # Issuing is the form's second button: unconfirmed, it is refused and the typing stays.
    staff.get_by_role("textbox", name=zh("hot and difficult issues")).fill(HOT)
    staff.get_by_role("button", name=zh("Issue this version")).click()
    expect(staff.locator(".field-error input[name=confirm]")).to_be_visible()
    expect(staff.get_by_role("textbox", name=zh("hot and difficult issues"))).to_have_value(HOT)
    shoot(staff, artifacts_dir, "briefing-01b-issue-refused-desk.png")
    staff.locator("input[name=confirm]").check()
    staff.get_by_role("button", name=zh("Issue this version")).click()
    expect(staff.locator(".messages")).to_contain_text("第1版已印发")
    expect(staff.locator("main")).to_contain_text(HOT)  # saved and issued with it
    version_url = staff.url

    # --- the leader's phone: dashboard, briefing, PDF, instruction ------------------------
    page = phone.new_page()
    watch(page, problems, allowed_status=[("POST", 400)])
    _sign_in(page, live_server, "bf-leader")
    page.get_by_role("link", name=zh("Figures")).first.click()
    page.locator(".report-filter-box > summary").click()  # folded on a phone
    page.get_by_label(zh("Period")).select_option("2026Q3")
    page.get_by_role("button", name=zh("Show figures")).click()
    expect(page.locator(".kpi").first).to_contain_text("8")  # opinions received
    check_layout(page, "briefing-02-dashboard-phone", report)
    check_tap_targets(page, ["main button", "main select"])
    shoot(page, artifacts_dir, "briefing-02-dashboard-phone.png")

    page.get_by_role("link", name=zh("Quarterly briefings")).click()
    page.get_by_role("link", name="第1版").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("民情民意专报")
    expect(page.locator("main")).to_contain_text(OVERVIEW)
    check_layout(page, "briefing-03-version-phone", report)
    shoot(page, artifacts_dir, "briefing-03-version-phone.png")

    pdf = page.request.get(
        live_server.url + page.get_by_role("link", name="PDF").get_attribute("href")
    )
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    (artifacts_dir / "briefing-04.pdf").write_bytes(pdf.body())
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "70",
            "-png",
            "-f",
            "1",
            "-l",
            "2",
            str(artifacts_dir / "briefing-04.pdf"),
            str(artifacts_dir / "briefing-04-page"),
        ],
        check=True,
    )

    overdue = Case.objects.get(pk=quarter["C"].pk).reference
    form = page.locator("form.instruction-form")
    form.get_by_label(zh("Instruction on")).select_option(f"case:{overdue}")
    form.get_by_role("button", name=zh("Record the instruction")).click()  # nothing written
    expect(page.locator(".field-error")).to_contain_text("必填")
    form = page.locator("form.instruction-form")
    form.get_by_label(zh("Instruction"), exact=True).fill(INSTRUCTION)
    form.get_by_label(zh("Put the chosen case under supervision (督办)")).check()
    form.get_by_role("button", name=zh("Record the instruction")).click()
    expect(page.locator(".messages")).to_contain_text(zh("Your instruction was recorded."))
    expect(page.locator(".instruction")).to_contain_text(INSTRUCTION)
    check_layout(page, "briefing-05-instructed-phone", report)
    shoot(page, artifacts_dir, "briefing-05-instructed-phone.png")
    assert Case.objects.get(pk=quarter["C"].pk).supervision == "requested"

    # --- back at the desk: what was done ----------------------------------------------------
    staff.goto(version_url)
    staff.get_by_role("textbox", name=zh("what was done")).fill(FOLLOW_UP)
    staff.get_by_role("button", name=zh("Record the follow-up")).click()
    expect(staff.locator(".messages")).to_contain_text(zh("The follow-up was recorded."))
    assert Instruction.objects.get().follow_up == FOLLOW_UP
    shoot(staff, artifacts_dir, "briefing-06-follow-up-desk.png")

    # --- the workbench: the case waits in 待督办 on its own route; staff name a supervisor ----
    staff.get_by_role("link", name=zh("Workbench")).first.click()
    staff.get_by_role("link", name=zh("To supervise")).click()
    staff.get_by_role("link", name=overdue).click()
    expect(staff.locator(".status")).to_contain_text(zh("Waiting for a supervisor"))
    staff.get_by_text(zh("Name the supervisor")).click()
    staff.get_by_label(zh("Supervisor")).select_option(label="bf-staff")
    staff.get_by_label(zh("Why is it supervised?")).fill("按领导批示督办，十日内办结。")
    staff.get_by_role("button", name=zh("Supervise"), exact=True).click()
    expect(staff.locator(".messages")).to_contain_text(zh("The case is now supervised."))
    expect(staff.locator(".status")).to_contain_text(zh("Under supervision"))
    shoot(staff, artifacts_dir, "briefing-07-supervised-desk.png")
    case = Case.objects.get(pk=quarter["C"].pk)
    assert (case.supervision, case.supervision_reason, case.route) == (
        "active",
        "instruction",
        quarter["C"].route,
    )

    # --- a correction: version 2 supersedes version 1, with the reason -----------------------
    staff.goto(version_url)
    staff.locator("a[href$='#issue']").click()
    staff.get_by_role("textbox", name=zh("hot and difficult issues")).fill(HOT + "（更正）")
    staff.locator("input[name=confirm]").check()
    staff.locator("button[formaction$='/issue/']").click()  # no reason: refused
    expect(staff.locator(".field-error textarea[name=reason]")).to_be_visible()
    staff.locator("textarea[name=reason]").fill(REASON)
    staff.locator("input[name=confirm]").check()
    staff.locator("button[formaction$='/issue/']").click()
    expect(staff.locator(".messages")).to_contain_text("第2版已印发")
    expect(staff.locator(".corrects-note")).to_contain_text(REASON)
    shoot(staff, artifacts_dir, "briefing-08-corrected-desk.png")

    # The leader's list says which version is current; the old one says why and links on.
    page.goto(f"{live_server.url}/reports/briefings/")
    current = page.locator(".version-list li.is-current")
    expect(current).to_have_count(1)
    expect(current.get_by_role("link")).to_contain_text("第2版")
    expect(page.locator(".version-list li")).to_have_count(2)
    check_layout(page, "briefing-09-list-phone", report)
    shoot(page, artifacts_dir, "briefing-09-list-phone.png")
    page.get_by_role("link", name="第1版").click()
    expect(page.locator(".superseded-note")).to_contain_text(REASON)
    check_layout(page, "briefing-09b-superseded-phone", report)
    shoot(page, artifacts_dir, "briefing-09b-superseded-phone.png")
    page.locator(".superseded-note a").click()
    expect(page).to_have_url(re.compile(r"/v2/$"))
    expect(page.locator("main")).to_contain_text(HOT + "（更正）")

    write_report(artifacts_dir, "briefing-journey.json", report)
    assert not problems, problems


DASHBOARD_TARGETS_JS = """
(minTap) => {
  const targets = 'a[href], button, select, summary, '
    + 'input:not([type=hidden]):not([type=radio]):not([type=checkbox])';
  const all = [], small = [];
  for (const el of document.querySelectorAll(targets)) {
    if (el.closest('.skip')) continue;
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden') continue;
    all.push(el);
    if (r.height < minTap - 0.5 || r.width < minTap - 0.5) {
      small.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || '').trim().slice(0, 20)}" `
        + `${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return {count: all.length, small};
}
"""


def test_dashboard_on_a_phone_shows_figures_first_and_fingers_fit(
    live_server,
    phone,
    desk,
    artifacts_dir,
    quarter,  # noqa: F811
    areas,
):
    make_official(Role.LEADER, username="bf-phone", area=areas[0])
    problems, report = [], {}
    page = phone.new_page()
    watch(page, problems)
    _sign_in(page, live_server, "bf-phone")
    page.goto(f"{live_server.url}/reports/?period=2026Q3&area={areas[0].pk}")
    expect(page.locator(".kpi").first).to_contain_text("8")
    targets = page.evaluate(DASHBOARD_TARGETS_JS, 44)
    report["dashboard-phone-targets"] = targets
    write_report(artifacts_dir, "briefing-dashboard-targets.json", report)
    page.screenshot(path=str(artifacts_dir / "briefing-10-dashboard-first-screen-phone.png"))
    # The first screen (664 px of an iPhone 13's browser) shows figures, not the form: the
    # filter is one line that says what is shown, and opens on a tap.
    first_kpi = page.locator(".kpi").first.bounding_box()
    assert first_kpi["y"] + first_kpi["height"] <= page.viewport_size["height"], first_kpi
    expect(page.locator("select[name=period]")).not_to_be_visible()
    expect(page.locator(".report-filter-box > summary")).to_contain_text("2026年第3季度")
    assert targets["small"] == [], targets
    shoot(page, artifacts_dir, "briefing-11-dashboard-phone.png")
    page.locator(".report-filter-box > summary").click()
    expect(page.locator("select[name=period]")).to_be_visible()
    check_layout(page, "briefing-12-dashboard-filter-open-phone", report)
    assert report["briefing-12-dashboard-filter-open-phone"]["smallTapTargets"] == []
    page.get_by_role("button", name=zh("Show figures")).click()
    expect(page.locator(".kpi").first).to_contain_text("8")

    # On a desk the form is open without a tap.
    desk_page = desk.new_page()
    watch(desk_page, problems)
    _sign_in(desk_page, live_server, "bf-phone")
    desk_page.goto(f"{live_server.url}/reports/?period=2026Q3&area={areas[0].pk}")
    expect(desk_page.locator("select[name=period]")).to_be_visible()
    shoot(desk_page, artifacts_dir, "briefing-13-dashboard-desk.png")
    write_report(artifacts_dir, "briefing-dashboard-targets.json", report)
    assert not problems, problems
