"""A clerk at the desk opens a new case, sees the street's similar open case under 相似意见 and
merges the duplicate into it with one click; the panel fits a phone too (issue 17.3)."""

import pytest
from playwright.sync_api import expect

from representatives.models import Role
from routing.models import Case, CaseStatus
from tests.browser.helpers import check_layout, check_tap_targets, shoot, watch, write_report, zh
from tests.factories import PASSWORD, make_official
from tests.routing.helpers import TEXT, open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAME = "北门那边的路灯坏了，一直不亮，晚上老人出门很不安全。"
OTHER = "楼上邻居每天晚上十一点以后还在装修，噪音太大，影响休息。"


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_clerk_merges_a_duplicate_in_one_click(
    live_server, desk, phone, artifacts_dir, areas, site, categories, fixed_suggestion
):
    first = open_case(site.area, site=site, text=TEXT)
    open_case(site.area, site=site, text=OTHER)
    duplicate = open_case(site.area, site=site, text=SAME)
    make_official(Role.COMMITTEE_STAFF, username="sim-clerk", area=areas[2])
    problems, report = [], {}

    # On a phone: the panel wraps, its button is a finger's size.
    small = phone.new_page()
    watch(small, problems)
    sign_in(small, live_server, "sim-clerk")
    small.goto(f"{live_server.url}/work/cases/{duplicate.pk}/#similar")
    panel = small.locator("#similar")
    expect(panel).to_contain_text(first.reference)
    check_layout(small, "similar-phone", report)
    check_tap_targets(small, ["#similar button"])
    panel.scroll_into_view_if_needed()
    shoot(small, artifacts_dir, "similar-01-panel-phone.png")

    page = desk.new_page()
    watch(page, problems)
    sign_in(page, live_server, "sim-clerk")
    page.goto(f"{live_server.url}/work/cases/{duplicate.pk}/")
    panel = page.locator("#similar")
    expect(panel.get_by_role("heading", level=2)).to_have_text(zh("Similar opinions"))
    expect(panel.locator("li")).to_have_count(1)
    expect(panel).to_contain_text("相似度")
    expect(panel).to_contain_text("1户")
    expect(panel).not_to_contain_text("装修")
    panel.scroll_into_view_if_needed()
    shoot(page, artifacts_dir, "similar-02-panel-desk.png")
    panel.get_by_role("button", name=f"把本案件合并到{first.reference}").click()
    expect(page.locator(".status")).to_contain_text(zh(CaseStatus.MERGED.label))
    expect(page.locator("#similar")).to_have_count(0)
    shoot(page, artifacts_dir, "similar-03-merged-desk.png")
    duplicate.refresh_from_db()
    assert duplicate.status == CaseStatus.MERGED and duplicate.merged_into_id == first.pk
    assert Case.objects.get(pk=first.pk).submission_count == 2
    write_report(artifacts_dir, "similar-report.json", report)
    assert not problems, problems
