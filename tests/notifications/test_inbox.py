"""The inbox: every signed-in user's notices, in words, each opening its case on the page of
the reader's role."""

from django.utils import translation
from django.utils.html import escape

from notifications.models import Notification
from routing.models import Category, Route
from routing.services.supervision import case_supervise
from routing.services.workflow import case_triage
from tests.routing.helpers import open_case


def test_notices_are_in_words_and_open_the_case_on_the_readers_page(
    client, committee_staff, unit_staff, site, categories
):
    case = open_case(site.area, site=site)
    case_triage(
        case_id=case.pk,
        actor=committee_staff,
        route=Route.ASSIGN,
        category=Category.objects.get(slug="estate-property"),
        unit=unit_staff.official.unit,
    )
    case_supervise(
        case_id=case.pk, actor=committee_staff, supervisor=committee_staff, reason="重点督办"
    )
    assert Notification.objects.filter(user=committee_staff, channel="in_app").exists()

    client.force_login(committee_staff)
    mine = client.get("/inbox/")
    assert mine.status_code == 200
    link = mine.context["items"][0]["url"]
    assert link == f"/cases/{case.pk}/"
    with translation.override("zh-hans"):
        expected = translation.gettext("You supervise case %(ref)s.") % {"ref": case.reference}
    assert escape(expected) in mine.content.decode()
    assert client.get(link).url == f"/work/cases/{case.pk}/"

    client.force_login(unit_staff)
    theirs = client.get("/inbox/")
    assert theirs.status_code == 200
    assert client.get(theirs.context["items"][0]["url"]).url == f"/desk/cases/{case.pk}/"
    assert client.logout() is None
    assert client.get("/inbox/").status_code == 302


def test_a_case_the_reader_may_not_see_does_not_open(client, unit_staff, site, categories):
    case = open_case(site.area, site=site)  # not sent to the unit
    client.force_login(unit_staff)
    assert client.get(f"/cases/{case.pk}/").status_code == 404


def test_the_query_count_does_not_grow_with_notices(
    client, committee_staff, site, categories, queries
):
    def notices(n):
        for _ in range(n):
            Notification.objects.create(
                channel=Notification.Channel.IN_APP,
                template="case_supervised",
                user=committee_staff,
                case=open_case(site.area, site=site),
                state=Notification.State.SENT,
            )

    client.force_login(committee_staff)
    notices(2)
    with queries(5):
        assert client.get("/inbox/").status_code == 200
    notices(15)
    with queries(5):
        page = client.get("/inbox/")
    assert len(page.context["items"]) == 17
