"""公示 on a phone (issue 17.6): from a site's QR landing page a resident opens the site's
public notice page, sees a resolved case with the reply and the unit's photo of the result
(the resident of that case agreed, staff published it), opens the announced plan, comments
on it without an account and is thanked."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from notices.forms import CommentForm
from notices.models import AnnouncementComment
from notices.services.publication import case_publish
from tests.browser.helpers import (
    check_layout,
    check_tap_targets,
    shoot,
    sign_in,
    watch,
    write_report,
    zh,
)
from tests.notices.helpers import NAME, REPLY, announce, closed_case, shown_photo
from tests.routing.helpers import PHONE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fixed_suggestion"),
]

COMMENT = "步道施工期间请保留一条通道，方便老人推轮椅出入，谢谢。"


def test_a_resident_sees_what_was_resolved_at_the_site_and_comments_on_a_plan(
    live_server, settings, phone, artifacts_dir, site, site_code, committee_staff, unit_staff
):
    settings.PUBLIC_BASE_URL = live_server.url
    case = closed_case(site, committee_staff, unit_staff)
    case_publish(
        case_id=case.pk,
        actor=committee_staff,
        show_reply=True,
        photo_ids=[shown_photo(case).pk],
    )
    today = timezone.localdate()
    plan = announce(committee_staff, site.area, opens_on=today, closes_on=today + timedelta(7))
    report, problems = {}, []
    page = phone.new_page()
    watch(page, problems)

    # 1. The QR landing page links to the site's 公示 page.
    page.goto(live_server.url + reverse("feedback:intake", args=[site_code.token]))
    page.get_by_role(
        "link", name=zh("See what was resolved here and the plans announced (公示)")
    ).click()
    page.wait_for_url(f"**{reverse('notices:site', args=[site.pk])}")
    expect(page.get_by_role("heading", level=1)).to_have_text(zh("Public notices (公示)"))
    resolved = page.locator(".resolved-list li").first
    expect(resolved).to_contain_text(REPLY)
    expect(resolved).to_contain_text(case.category.name)
    photo = resolved.locator(".photos img").first
    expect(photo).to_be_visible()
    photo.scroll_into_view_if_needed()  # loading="lazy"
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    html = page.content()
    for private in (NAME, PHONE, case.submissions.get().tracking_code):
        assert private not in html
    check_layout(page, "gongshi-site", report)
    check_tap_targets(page, [".notice-link", ".resolved-list .photos a"])
    shoot(page, artifacts_dir, "gongshi-01-site-phone.png")

    # 2. The announced plan, and a comment on it.
    page.get_by_role("link", name=plan.title).click()
    page.wait_for_url(f"**{reverse('notices:announcement', args=[plan.pk])}")
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    check_layout(page, "gongshi-announcement", report)
    page.get_by_label(zh(CommentForm.base_fields["text"].label), exact=True).fill(COMMENT)
    check_tap_targets(page, ["button[type=submit]", "#comment textarea"])
    page.get_by_role("button", name=zh("Send my comment"), exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        zh("Thank you. Your comment reached the committee.")
    )
    check_layout(page, "gongshi-thanks", report)
    shoot(page, artifacts_dir, "gongshi-02-thanks-phone.png")
    assert AnnouncementComment.objects.get().text == COMMENT
    # Comments go to staff: not on the public page.
    assert COMMENT not in page.content()
    write_report(artifacts_dir, "gongshi-layout.json", report)
    assert not problems, problems


def test_the_committee_publishes_a_result_and_reads_comments(
    live_server, settings, phone, artifacts_dir, site, categories, committee_staff, unit_staff
):
    """On a phone: the clerk opens a closed case the resident agreed to show, publishes the
    reply and the photo from the case page, then reads a resident's comment on a plan."""
    settings.PUBLIC_BASE_URL = live_server.url
    case = closed_case(site, committee_staff, unit_staff)
    today = timezone.localdate()
    plan = announce(committee_staff, site.area, opens_on=today, closes_on=today)
    AnnouncementComment.objects.create(announcement=plan, text=COMMENT)
    report, problems = {}, []
    page = phone.new_page()
    watch(page, problems)
    sign_in(page, live_server, committee_staff.username)
    page.goto(live_server.url + reverse("workbench:case-detail", args=[case.pk]))
    page.get_by_role("link", name=zh("Public notice (公示): publish the result")).click()
    page.wait_for_url(f"**{reverse('notices:case-publication', args=[case.pk])}")
    expect(page.locator(".public-reply")).to_contain_text(REPLY)
    page.get_by_label(zh("Show the reply, exactly as the resident read it")).check()
    page.get_by_label(zh("Photo %(n)s") % {"n": 1}).check()
    check_layout(page, "gongshi-publish", report)
    page.get_by_role("button", name=zh("Publish"), exact=True).click()
    expect(page.locator(".messages")).to_contain_text(zh("Published on the notice pages."))
    expect(page.locator(".tag-public")).to_be_visible()
    shoot(page, artifacts_dir, "gongshi-03-published-phone.png")
    publication = case.publications.get()
    assert publication.reply is not None and publication.photos.count() == 1

    page.get_by_role("link", name=zh("Public notices"), exact=True).click()
    page.get_by_role("link", name=plan.title).click()
    expect(page.locator("main")).to_contain_text(COMMENT)
    check_layout(page, "gongshi-comments", report)
    shoot(page, artifacts_dir, "gongshi-04-comments-phone.png")
    write_report(artifacts_dir, "gongshi-staff-layout.json", report)
    assert not problems, problems
