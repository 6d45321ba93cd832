"""公示 (issue 17.6): the public pages of a community and a site list what was resolved there,
with the reply and the unit's result photo only where the resident agreed and staff
published them; announcements of plans take residents' comments during their period."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from feedback.models import Satisfaction, Submission
from feedback.services.cases import case_merge_with_submissions
from feedback.services.consent import submission_publication_consent_set
from feedback.services.rate import case_rate
from notices.models import Announcement, AnnouncementComment, CasePublication
from notices.services.announcement import announcement_comment_add
from notices.services.publication import case_publish
from representatives.models import Role
from routing.models import Case, CaseEvent
from tests.factories import AreaFactory, SiteFactory, make_official
from tests.notices.helpers import (
    NAME,
    NAMING_REPLY,
    REPLY,
    RESULT,
    announce,
    closed_case,
    handle_to_reply,
    opinion,
    shown_photo,
)
from tests.routing.helpers import PHONE, TEXT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]


@pytest.fixture
def closed(site, categories, committee_staff, unit_staff):
    return closed_case(site, committee_staff, unit_staff)


def publish(case, staff, *, reply=True, photos=None):
    ids = [shown_photo(case).pk] if photos is None else photos
    return case_publish(case_id=case.pk, actor=staff, show_reply=reply, photo_ids=ids)


def pages(site):
    return [
        reverse("notices:site", args=[site.pk]),
        reverse("notices:community", args=[site.area_id]),
    ]


def private_values(case):
    """Everything about the residents a public page must never carry."""
    submission = case.submissions.get()
    return [
        NAME,
        PHONE,
        PHONE[-4:] and submission.contact_phone_masked,
        submission.tracking_code,
        submission.secret,
        TEXT[:12],
        RESULT,  # the unit's internal report
        reverse("workbench:photo", args=["submission", submission.photos.get().pk, "thumb"]),
    ]


def assert_private_values_absent(html, case):
    for value in private_values(case):
        assert value not in html, value
    # No resident's photo by any route.
    assert "/photos/submission/" not in html


# One row of a page's "resolved here" list: category, place, dates (tags stripped).
ROW = re.compile(
    r'<p><strong>([^<]*)</strong> · <span class="nowrap">([^<]*)</span></p>\s*'
    r'<p class="meta">(.*?)</p>',
    re.S,
)


def resolved(html) -> list[tuple[str, str, str]]:
    """The rows of the page's list of resolved cases, as a reader sees them."""
    return [
        (category, place, re.sub(r"<[^>]+>", "", dates))
        for category, place, dates in ROW.findall(html)
    ]


def test_a_closed_case_is_listed_without_anything_personal(client, site, closed):
    received = f"{timezone.localtime(closed.created_at):%Y-%m-%d}"
    closed_on = f"{timezone.localtime(closed.closed_at):%Y-%m-%d}"
    for url in pages(site):
        html = client.get(url).content.decode()
        assert resolved(html) == [
            (
                closed.category.name,
                f"{closed.street.name} · {closed.area.name}",
                f"{received}受理 · {closed_on}办结",
            )
        ]
        # Not published: no reply, no photo.
        assert REPLY not in html
        assert "/gongshi/photos/" not in html
        assert_private_values_absent(html, closed)


def test_a_published_case_shows_its_reply_and_approved_photo_to_anyone(
    client, site, closed, committee_staff
):
    publication = publish(closed, committee_staff)
    photo = shown_photo(closed)
    photo_url = reverse("notices:photo", args=[publication.token, "attachment", photo.pk, "thumb"])
    for url in pages(site):
        html = client.get(url).content.decode()
        assert REPLY in html
        assert photo_url in html
        assert_private_values_absent(html, closed)
    response = client.get(photo_url)
    assert response.status_code == 200
    assert response.content[:3] == b"\xff\xd8\xff"
    # The same photo under another publication's token, the resident's own photo, the unit's
    # internal copy: none is served.
    submission = closed.submissions.get()
    internal = closed.events.get(kind=CaseEvent.Kind.RESULT).attachments.get()
    for other in (
        reverse("notices:photo", args=["x" * 32, "attachment", photo.pk, "thumb"]),
        reverse("notices:photo", args=[publication.token, "attachment", internal.pk, "thumb"]),
        reverse(
            "notices:photo",
            args=[publication.token, "submission", submission.photos.get().pk, "thumb"],
        ),
        reverse("notices:photo", args=[publication.token, "attachment", photo.pk, "original"]),
    ):
        assert client.get(other).status_code == 404, other


def test_only_the_photos_staff_ticked_are_shown(client, site, closed, committee_staff):
    publish(closed, committee_staff, reply=True, photos=[])
    html = client.get(pages(site)[0]).content.decode()
    assert REPLY in html
    assert "/gongshi/photos/" not in html


def test_a_reply_that_names_the_household_stays_off_when_unticked(
    client, site, categories, committee_staff, unit_staff
):
    case = closed_case(site, committee_staff, unit_staff, reply=NAMING_REPLY)
    publish(case, committee_staff, reply=False)
    html = client.get(pages(site)[0]).content.decode()
    assert NAMING_REPLY not in html and NAME not in html
    assert "/gongshi/photos/" in html


def test_taking_consent_back_hides_the_reply_and_photo_at_once(
    client, site, closed, committee_staff
):
    publication = publish(closed, committee_staff)
    photo_url = reverse(
        "notices:photo", args=[publication.token, "attachment", shown_photo(closed).pk, "view"]
    )
    submission_publication_consent_set(submission=closed.submissions.get(), agree=False)
    html = client.get(pages(site)[1]).content.decode()
    assert REPLY not in html and photo_url not in html
    assert client.get(photo_url).status_code == 404


def test_staff_withdraw_a_publication(client, site, closed, committee_staff):
    publication = publish(closed, committee_staff)
    photo_url = reverse(
        "notices:photo", args=[publication.token, "attachment", shown_photo(closed).pk, "view"]
    )
    client.force_login(committee_staff)
    response = client.post(reverse("notices:case-withdraw", args=[closed.pk]))
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.withdrawn_by == committee_staff and publication.withdrawn_at
    client.logout()
    assert REPLY not in client.get(pages(site)[0]).content.decode()
    assert client.get(photo_url).status_code == 404
    # Withdrawing twice: refused on the page, nothing written.
    client.force_login(committee_staff)
    response = client.post(reverse("notices:case-withdraw", args=[closed.pk]))
    assert response.status_code == 400
    assert CasePublication.objects.count() == 1


def test_staff_publish_from_the_case_page_and_it_is_recorded(client, closed, committee_staff):
    client.force_login(committee_staff)
    case_page = client.get(reverse("workbench:case-detail", args=[closed.pk])).content.decode()
    assert reverse("notices:case-publication", args=[closed.pk]) in case_page
    page = client.get(reverse("notices:case-publication", args=[closed.pk]))
    assert page.status_code == 200 and REPLY in page.content.decode()
    photo = shown_photo(closed)
    response = client.post(
        reverse("notices:case-publish", args=[closed.pk]),
        {"publish-show_reply": "on", "publish-photos": [str(photo.pk)]},
    )
    assert response.status_code == 302
    live = CasePublication.objects.get(withdrawn_at__isnull=True)
    assert live.published_by == committee_staff
    assert live.reply.note == REPLY
    assert list(live.photos.all()) == [photo]
    # Publishing again replaces it; the old row is kept, stamped.
    response = client.post(reverse("notices:case-publish", args=[closed.pk]), {})
    assert response.status_code == 400  # neither reply nor photo: refused
    client.post(
        reverse("notices:case-publish", args=[closed.pk]),
        {"publish-photos": [str(photo.pk)]},
    )
    assert CasePublication.objects.count() == 2
    assert CasePublication.objects.filter(withdrawn_at__isnull=True).get().reply is None


def test_a_photo_the_resident_was_not_shown_cannot_be_published(client, closed, committee_staff):
    internal = closed.events.get(kind=CaseEvent.Kind.RESULT).attachments.get()
    client.force_login(committee_staff)
    response = client.post(
        reverse("notices:case-publish", args=[closed.pk]), {"publish-photos": [str(internal.pk)]}
    )
    assert response.status_code == 400
    assert not CasePublication.objects.exists()


def test_without_consent_nothing_more_can_be_published(
    client, site, categories, committee_staff, unit_staff
):
    case = closed_case(site, committee_staff, unit_staff, consent=False)
    client.force_login(committee_staff)
    response = client.post(
        reverse("notices:case-publish", args=[case.pk]),
        {"publish-show_reply": "on", "publish-photos": [str(shown_photo(case).pk)]},
    )
    assert response.status_code == 400
    assert "publish-show_reply" not in response.content.decode()  # the form is not offered
    assert not CasePublication.objects.exists()


def test_reports_of_wrongdoing_are_never_listed_or_published(
    client, site, categories, committee_staff, unit_staff
):
    case = closed_case(site, committee_staff, unit_staff, request_type="report", consent=False)
    # Even with a consent given before the box was taken off reports (written directly).
    case.submissions.update(publication_consent_at=timezone.now())
    for url in pages(site):
        response = client.get(url)
        assert response.context["rows"] == []
        html = response.content.decode()
        assert resolved(html) == [] and "这里还没有办结的事项。" in html
    client.force_login(committee_staff)
    response = client.post(
        reverse("notices:case-publish", args=[case.pk]), {"publish-show_reply": "on"}
    )
    assert response.status_code == 400
    assert not CasePublication.objects.exists()


def test_a_case_with_a_report_among_its_submissions_is_never_listed_or_published(
    client, site, categories, committee_staff, unit_staff
):
    # A help request closed with consent, and a report that joined it (merged before reports
    # were refused a merge, decision 0024): the case's own type says "help", its residents all
    # agree, yet that a report is in it is itself protected.
    case = closed_case(site, committee_staff, unit_staff)
    report = opinion(site, request_type="report", text="有人在小区内违规收费。")
    Submission.objects.filter(pk=report.pk).update(case=case, publication_consent_at=timezone.now())
    assert case.request_type != "report"
    for url in pages(site):
        response = client.get(url)
        assert response.context["rows"] == []
        assert resolved(response.content.decode()) == []
    with pytest.raises(ValidationError):
        publish(case, committee_staff)
    assert not CasePublication.objects.exists()


def test_an_open_case_is_not_listed_nor_publishable(client, site, world_open_case, committee_staff):
    for url in pages(site):
        assert client.get(url).context["rows"] == []
    client.force_login(committee_staff)
    response = client.post(
        reverse("notices:case-publish", args=[world_open_case.pk]), {"publish-show_reply": "on"}
    )
    assert response.status_code == 400


@pytest.fixture
def world_open_case(site, categories, committee_staff):
    from tests.routing.helpers import open_case

    return open_case(site.area, site=site)


@pytest.mark.parametrize("name", ["case-publication", "case-publish", "case-withdraw"])
def test_other_staff_get_404(client, closed, committee_staff, unit_staff, areas, name):
    publish(closed, committee_staff)
    other_street = AreaFactory(code="650203005", name="昆仑路街道", level="street", parent=areas[1])
    others = [
        make_official(Role.COMMITTEE_STAFF, username="other-street", area=other_street),
        unit_staff,
        make_official(Role.LEADER, username="leader-x", area=areas[0]),
    ]
    url = reverse(f"notices:{name}", args=[closed.pk])
    for user in others:
        client.force_login(user)
        response = client.get(url) if name == "case-publication" else client.post(url)
        assert response.status_code == 404, user
    assert CasePublication.objects.get().withdrawn_at is None


# --- The resident's consent on the tracking page -----------------------------------------


def test_the_resident_agrees_on_the_tracking_page_and_can_take_it_back(
    client, site, categories, committee_staff, unit_staff
):
    case = closed_case(site, committee_staff, unit_staff, consent=False)
    submission = case.submissions.get()
    track = reverse("feedback:track", args=[submission.tracking_code, submission.secret])
    consent = reverse(
        "feedback:publication-consent", args=[submission.tracking_code, submission.secret]
    )
    html = client.get(track).content.decode()
    assert consent in html and 'name="publication_consent"' in html
    assert "checked" not in html.split('name="publication_consent"')[1].split(">")[0]
    assert client.post(consent, {"publication_consent": "on"}).status_code == 302
    submission.refresh_from_db()
    assert submission.publication_consent_at is not None
    assert client.post(consent, {}).status_code == 302
    submission.refresh_from_db()
    assert submission.publication_consent_at is None


def test_consent_waits_for_a_result(client, site, world_open_case):
    submission = world_open_case.submissions.get()
    track = reverse("feedback:track", args=[submission.tracking_code, submission.secret])
    assert 'name="publication_consent"' not in client.get(track).content.decode()
    consent = reverse(
        "feedback:publication-consent", args=[submission.tracking_code, submission.secret]
    )
    assert client.post(consent, {"publication_consent": "on"}).status_code == 400
    submission.refresh_from_db()
    assert submission.publication_consent_at is None


# --- Announcements ---------------------------------------------------------------------


@pytest.fixture
def today():
    return timezone.localdate()


def comment_url(announcement):
    return reverse("notices:announcement", args=[announcement.pk])


def test_an_announcement_is_shown_on_the_community_and_site_pages(
    client, site, committee_staff, today
):
    a = announce(committee_staff, site.area, opens_on=today, closes_on=today + timedelta(days=7))
    for url in pages(site):
        assert comment_url(a) in client.get(url).content.decode()
    # A site of the community elsewhere shows the community's announcements too, but not
    # another site's own.
    other = SiteFactory(area=site.area, name="向阳北社区第二联络点")
    own = announce(
        committee_staff,
        site.area,
        site=other,
        opens_on=today,
        closes_on=today,
        title="第二联络点门前停车位调整",
    )
    html = client.get(reverse("notices:site", args=[site.pk])).content.decode()
    assert comment_url(a) in html and comment_url(own) not in html


def test_comments_during_the_period_reach_staff_and_are_not_published(
    client, site, committee_staff, today
):
    a = announce(committee_staff, site.area, opens_on=today, closes_on=today)
    response = client.post(comment_url(a), {"text": "  建议步道加装扶手。  "})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "建议步道加装扶手" not in page  # comments are not shown publicly
    assert AnnouncementComment.objects.get().text == "建议步道加装扶手。"
    client.force_login(committee_staff)
    staff_page = client.get(reverse("notices:announcement-staff", args=[a.pk]))
    assert "建议步道加装扶手。" in staff_page.content.decode()


@pytest.mark.parametrize(
    ("opens", "closes"), [(1, 5), (-5, -1)], ids=["before the period", "after the period"]
)
def test_comments_outside_the_period_are_refused(
    client, site, committee_staff, today, opens, closes
):
    a = announce(
        committee_staff,
        site.area,
        opens_on=today + timedelta(days=opens),
        closes_on=today + timedelta(days=closes),
    )
    html = client.get(comment_url(a)).content.decode()
    assert 'name="text"' not in html
    response = client.post(comment_url(a), {"text": "来晚了的意见"})
    assert response.status_code == 400
    assert not AnnouncementComment.objects.exists()


def test_bad_comments_are_refused_next_to_the_field_with_the_text_kept(
    client, site, committee_staff, today
):
    a = announce(committee_staff, site.area, opens_on=today, closes_on=today)
    response = client.post(comment_url(a), {"text": "   "})
    assert response.status_code == 400
    assert 'id="id_text_error"' in response.content.decode()
    too_long = "步道" * 501
    response = client.post(comment_url(a), {"text": too_long})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_text_error"' in html and too_long in html
    assert not AnnouncementComment.objects.exists()
    # The hidden field a bot fills: answered like a success, nothing stored.
    response = client.post(comment_url(a), {"text": "广告", "website": "http://spam"})
    assert response.status_code == 302
    assert not AnnouncementComment.objects.exists()


def test_comments_are_limited_per_address_with_the_text_kept(
    client, site, committee_staff, today, settings
):
    settings.GONGSHI_COMMENT_RATE = "2/h"
    a = announce(committee_staff, site.area, opens_on=today, closes_on=today)
    for n in range(2):
        assert client.post(comment_url(a), {"text": f"意见{n}"}).status_code == 302
    response = client.post(comment_url(a), {"text": "第三条意见"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "第三条意见" in html and 'id="id_text_error"' in html
    assert AnnouncementComment.objects.count() == 2


def test_staff_write_and_withdraw_an_announcement(client, site, committee_staff, today, closed):
    client.force_login(committee_staff)
    new = reverse("notices:announcement-new")
    data = {
        "area": site.area_id,
        "site": site.pk,
        "title": "北门路灯及步道改造计划",
        "body": "计划下月施工。",
        "opens_on": today.isoformat(),
        "closes_on": (today - timedelta(days=1)).isoformat(),
        "refs": closed.reference,
    }
    response = client.post(new, data)
    assert response.status_code == 400  # the period ends before it begins
    assert "北门路灯及步道改造计划" in response.content.decode()
    response = client.post(new, {**data, "refs": "C-999999"})
    assert response.status_code == 400
    response = client.post(new, {**data, "closes_on": today.isoformat()})
    assert response.status_code == 302
    a = Announcement.objects.get()
    assert list(a.cases.all()) == [closed]
    assert client.post(reverse("notices:announcement-withdraw", args=[a.pk])).status_code == 302
    client.logout()
    assert client.get(comment_url(a)).status_code == 404
    assert comment_url(a) not in client.get(pages(site)[0]).content.decode()


def test_other_staff_get_404_on_announcements(client, site, committee_staff, areas, today):
    a = announce(committee_staff, site.area, opens_on=today, closes_on=today)
    other_street = AreaFactory(code="650203005", name="昆仑路街道", level="street", parent=areas[1])
    other = make_official(Role.COMMITTEE_STAFF, username="other-street", area=other_street)
    client.force_login(other)
    assert client.get(reverse("notices:announcement-staff", args=[a.pk])).status_code == 404
    assert client.post(reverse("notices:announcement-withdraw", args=[a.pk])).status_code == 404
    # Their form offers no community of another street, and refuses one posted anyway.
    response = client.post(
        reverse("notices:announcement-new"),
        {
            "area": site.area_id,
            "title": "x",
            "body": "y",
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
        },
    )
    assert response.status_code == 400


def test_a_street_is_not_a_community_page(client, areas):
    assert client.get(reverse("notices:community", args=[areas[2].pk])).status_code == 404


# --- Query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2])
def test_public_page_queries_do_not_grow(
    client, site, categories, committee_staff, unit_staff, today, queries, n
):
    for _i in range(n):
        case = closed_case(site, committee_staff, unit_staff)
        publish(case, committee_staff)
        closed_case(site, committee_staff, unit_staff, consent=False)
        announce(committee_staff, site.area, opens_on=today, closes_on=today)
    for url in pages(site):
        # The site or community, the count, the page's cases (with their live publication
        # and consent), the publications with replies, their photos, the announcements; the
        # session is not read (no messages): 6.
        with queries(6):
            response = client.get(url)
        assert len(response.context["rows"]) == 2 * n


@pytest.mark.parametrize("n", [1, 2])
def test_staff_announcement_page_queries_do_not_grow(
    client, site, committee_staff, today, queries, n
):
    a = announce(committee_staff, site.area, opens_on=today, closes_on=today)
    for i in range(n):
        client.post(comment_url(a), {"text": f"意见{i}"})
    client.force_login(committee_staff)
    url = reverse("notices:announcement-staff", args=[a.pk])
    client.get(url)
    # The session, the user, their profile and area, the announcement, the comments' count,
    # its cases, the page of comments: 8.
    with queries(8):
        client.get(url)


# --- Review findings (docs/decisions/0024-gongshi.md) --------------------------------------

SECOND_REPLY = "北门路灯线路已重新铺设，两盏灯均已点亮。"


def test_consent_does_not_follow_a_submission_merged_into_another_case(
    client, site, categories, committee_staff, unit_staff
):
    # A: the resident agreed to show the first reply, then was not satisfied (reopened) and
    # staff merged their case into B, a case they never read a result of.
    first = opinion(site)
    handle_to_reply(Case.objects.get(pk=first.case_id), committee_staff, unit_staff)
    first.refresh_from_db()
    submission_publication_consent_set(submission=first, agree=True)
    first.refresh_from_db()
    case_rate(submission=first, value=Satisfaction.DISSATISFIED, comment="灯还是不亮。")
    second = opinion(site)
    b = Case.objects.get(pk=second.case_id)
    case_merge_with_submissions(case_id=first.case_id, into=b, actor=committee_staff)
    handle_to_reply(b, committee_staff, unit_staff, reply=SECOND_REPLY)
    second.refresh_from_db()
    case_rate(submission=second, value=Satisfaction.SATISFIED)
    second.refresh_from_db()
    submission_publication_consent_set(submission=second, agree=True)
    first.refresh_from_db()
    assert first.case_id == b.pk and first.publication_consent_at is None
    with pytest.raises(ValidationError):
        publish(b, committee_staff)
    for url in pages(site):
        assert SECOND_REPLY not in client.get(url).content.decode()


def test_reopening_takes_consent_back_until_the_resident_reads_the_new_result(
    client, site, categories, committee_staff, unit_staff
):
    submission = opinion(site)
    case = handle_to_reply(Case.objects.get(pk=submission.case_id), committee_staff, unit_staff)
    submission.refresh_from_db()
    submission_publication_consent_set(submission=submission, agree=True)
    submission.refresh_from_db()
    case_rate(submission=submission, value=Satisfaction.DISSATISFIED, comment="灯还是不亮。")
    submission.refresh_from_db()
    assert submission.publication_consent_at is None
    # The redo's result is closed without the resident agreeing again: not publishable.
    handle_to_reply(case, committee_staff, unit_staff, reply=SECOND_REPLY)
    submission.refresh_from_db()
    case_rate(submission=submission, value=Satisfaction.SATISFIED)
    with pytest.raises(ValidationError):
        publish(case, committee_staff, photos=[])


def test_a_reporter_of_wrongdoing_is_never_asked_to_publish(
    client, site, categories, committee_staff, unit_staff
):
    case = closed_case(site, committee_staff, unit_staff, request_type="report", consent=False)
    submission = case.submissions.get()
    track = reverse("feedback:track", args=[submission.tracking_code, submission.secret])
    html = client.get(track).content.decode()
    assert client.get(track).status_code == 200
    assert 'name="publication_consent"' not in html
    consent = reverse(
        "feedback:publication-consent", args=[submission.tracking_code, submission.secret]
    )
    assert client.post(consent, {"publication_consent": "on"}).status_code == 400
    submission.refresh_from_db()
    assert submission.publication_consent_at is None


def test_a_comment_before_the_period_is_told_when_it_opens(client, site, committee_staff, today):
    opens = today + timedelta(days=3)
    a = announce(committee_staff, site.area, opens_on=opens, closes_on=opens)
    response = client.post(comment_url(a), {"text": "提前写的意见"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 400
    html = response.content.decode()
    assert "征求意见期已结束" not in html
    assert f"征求意见期尚未开始，{opens:%Y-%m-%d}起可以提交意见。" in html
    assert not AnnouncementComment.objects.exists()
    # The service says the same to any other caller.
    with pytest.raises(ValidationError) as error:
        announcement_comment_add(announcement=a, text="提前写的意见")
    assert "not open yet" in str(error.value) or opens.isoformat() in str(error.value)


def links(html):
    """The pages a page links to (its own addresses; anchors and other sites aside)."""
    return sorted(set(re.findall(r'<a\b[^>]*\bhref="(/[^"#]*)', html)))


@pytest.fixture
def street_site(areas):
    return SiteFactory(area=areas[2], name="银河路街道人大代表联络站")


def test_a_street_sites_page_renders_and_every_link_on_it_works(
    client, street_site, categories, committee_staff, unit_staff
):
    case = closed_case(street_site, committee_staff, unit_staff)
    publish(case, committee_staff)
    response = client.get(reverse("notices:site", args=[street_site.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert REPLY in html
    assert reverse("notices:community", args=[street_site.area_id]) not in html
    for url in links(html):
        assert client.get(url).status_code == 200, url
    # The staff page of such a case links to a page that exists (the site's), not to a
    # community page the street does not have.
    client.force_login(committee_staff)
    html = client.get(reverse("notices:case-publication", args=[case.pk])).content.decode()
    assert reverse("notices:site", args=[street_site.pk]) in html
    for url in links(html):
        assert client.get(url).status_code == 200, url


def test_announcements_offer_only_sites_of_a_community(
    client, site, street_site, committee_staff, today
):
    client.force_login(committee_staff)
    form = client.get(reverse("notices:announcement-new")).context["form"]
    assert list(form.fields["site"].queryset) == [site]
    response = client.post(
        reverse("notices:announcement-new"),
        {
            "area": site.area_id,
            "site": street_site.pk,
            "title": "银河路街道停车规划",
            "body": "计划调整停车位。",
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
        },
    )
    assert response.status_code == 400
    assert "银河路街道停车规划" in response.content.decode()  # what was typed is kept
    assert not Announcement.objects.exists()
