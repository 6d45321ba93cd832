"""A clerk on a phone pages through a list longer than the workbench counts, and searches it:
the heading says "more than", the pager has no last page, the search finds a case by a word
from the middle of its text, and the page fits 390 px (issue 16.1)."""

import pytest
from playwright.sync_api import expect

from common.pagination import CappedPaginator
from representatives.models import Role
from tests.browser.helpers import (
    check_layout,
    check_tap_targets,
    shoot,
    watch,
    write_report,
    zh,
)
from tests.factories import PASSWORD, make_official
from tests.routing.helpers import open_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEATING = "三号楼的暖气从十月起一直不热，物业和供热公司互相推诿，老人冻得睡不着，请帮忙协调。"


def test_a_clerk_pages_a_long_list_and_searches_it_on_a_phone(
    live_server, phone, artifacts_dir, areas, site, categories, fixed_suggestion, monkeypatch
):
    monkeypatch.setattr(CappedPaginator, "cap", 30)  # the same code path as 10,000, with 32 rows
    heating = open_case(site.area, site=site, text=HEATING)
    for _ in range(31):
        open_case(site.area, site=site)
    make_official(Role.COMMITTEE_STAFF, username="wl-clerk", area=areas[0])
    problems, report = [], {}
    page = phone.new_page()
    watch(page, problems)
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill("wl-clerk")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(f"{live_server.url}/work/?queue=all")
    expect(page.get_by_role("heading", level=2)).to_contain_text("超过30件")
    expect(page.locator(".pager-current")).to_have_text("第1页")
    check_layout(page, "work-list-capped-phone", report)
    check_tap_targets(page, [".pager a"])
    shoot(page, artifacts_dir, "work-list-01-capped-phone.png")
    page.get_by_role("link", name="下一页").click()
    expect(page.locator(".pager-current")).to_have_text("第2页")
    # The count stops at cap + 1 = 31 rows: the last page shows rows 26 to 31 of 32.
    expect(page.locator(".work-row")).to_have_count(6)
    expect(page.get_by_role("link", name="下一页")).to_have_count(0)

    page.get_by_label(zh("Search"), exact=True).fill("供热公司 推诿")
    page.get_by_role("button", name=zh("Find")).click()
    expect(page.locator(".work-row")).to_have_count(1)
    expect(page.locator(".work-row")).to_contain_text(heating.reference)
    expect(page.get_by_role("heading", level=2)).to_contain_text("共1件")
    check_layout(page, "work-list-search-phone", report)
    shoot(page, artifacts_dir, "work-list-02-search-phone.png")
    write_report(artifacts_dir, "work-list-report.json", report)
    assert not problems, problems
