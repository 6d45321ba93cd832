"""Direct replies: a representative or a liaison station answers the cases routed to them."""

import pytest

from representatives.models import Role
from representatives.services.reference import LoadReport
from routing.models import CaseEvent, CaseStatus, ReplyTemplate, Route
from routing.services.reference import REPLY_TEMPLATES, categories_load, reply_templates_load
from tests.factories import RepresentativeFactory, SiteFactory, make_official
from tests.routing.helpers import open_case, triage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]

REPLY = "您好！社保问题请拨打12333咨询。"


@pytest.fixture
def rep_case(representative, representative_user, site, clerk, categories):
    """A case that came in through the representative's code, routed to them for a reply."""
    case = open_case(site.area, representative=representative, text="想问一下灵活就业社保怎么交？")
    return triage(case, clerk, route=Route.DIRECT)


@pytest.fixture
def site_case(site, clerk, categories):
    case = open_case(site.area, site=site, text="孩子明年上小学，划片范围在哪里查？")
    return triage(case, clerk, route=Route.DIRECT)


def url(case, action=""):
    return f"/rep/cases/{case.pk}/{action + '/' if action else ''}"


def test_rep_home_lists_cases_waiting_for_my_reply(client, representative_user, rep_case, site):
    new_case = open_case(site.area, site=site, text="别的事情，还没分派。")
    client.force_login(representative_user)
    home = client.get("/rep/")
    assert home.status_code == 200
    assert rep_case.reference in home.text and url(rep_case) in home.text
    assert new_case.reference not in home.text


def test_representative_replies_from_a_template(
    client, representative_user, representative, rep_case
):
    reply_templates_load(LoadReport())
    template = ReplyTemplate.objects.get(title="社保政策咨询")
    client.force_login(representative_user)
    page = client.get(url(rep_case))
    assert page.status_code == 200
    assert "想问一下灵活就业社保怎么交？" in page.text
    assert "13912345678" not in page.text and "王秀兰" not in page.text
    assert template.title in page.text

    chosen = client.get(url(rep_case), {"template": template.pk})
    assert chosen.context["reply_form"]["reply"].value() == template.text
    assert template.text in chosen.text  # in the textarea, without JavaScript
    assert client.get(url(rep_case), {"template": "x"}).status_code == 200

    response = client.post(url(rep_case, "reply"), {"reply-reply": REPLY})
    assert response.status_code == 302 and response["Location"] == "/rep/"
    rep_case.refresh_from_db()
    assert rep_case.status == CaseStatus.REPLIED and rep_case.reply_count == 1
    event = rep_case.events.get(kind=CaseEvent.Kind.REPLY)
    assert event.is_public and event.note == REPLY and event.public_actor == representative.name
    assert rep_case.reference not in client.get("/rep/").text
    after = client.get(url(rep_case))
    assert REPLY in after.text and not after.context["awaiting"]


def test_station_staff_reply_in_the_sites_name(client, station_staff, site, site_case):
    client.force_login(station_staff)
    assert site_case.reference in client.get("/rep/").text
    response = client.post(url(site_case, "reply"), {"reply-reply": REPLY})
    assert response.status_code == 302
    event = site_case.events.get(kind=CaseEvent.Kind.REPLY)
    assert event.public_actor == site.name


def test_empty_reply_is_refused_next_to_the_field(client, representative_user, rep_case):
    client.force_login(representative_user)
    response = client.post(url(rep_case, "reply"), {"reply-reply": "   "})
    assert response.status_code == 400
    assert response.context["reply_form"].errors["reply"]
    assert 'id="id_reply-reply_error"' in response.text
    rep_case.refresh_from_db()
    assert rep_case.status == CaseStatus.TRIAGED


def test_not_for_this_channel(client, representative_user, representative, rep_case):
    client.force_login(representative_user)
    text = "您反映的事项已进入诉讼程序，请向承办法院提交材料。"
    response = client.post(url(rep_case, "decline"), {"decline-reply": text})
    assert response.status_code == 302
    rep_case.refresh_from_db()
    assert rep_case.status == CaseStatus.NOT_ACCEPTED and rep_case.closed_at
    event = rep_case.events.get(to_status=CaseStatus.NOT_ACCEPTED)
    assert event.is_public and event.note == text and event.public_actor == representative.name


def test_decline_without_text_keeps_the_page(client, representative_user, rep_case):
    client.force_login(representative_user)
    response = client.post(url(rep_case, "decline"), {"decline-reply": ""})
    assert response.status_code == 400
    assert response.context["decline_form"].errors["reply"]
    assert "open" in response.text.split('class="desk-action"', 1)[1][:20]


def test_a_case_not_routed_to_me_cannot_be_declined_or_replied(
    client, representative_user, representative, site, categories
):
    # Came in through the representative's code, but the committee has not routed it yet.
    case = open_case(site.area, representative=representative)
    client.force_login(representative_user)
    assert client.get(url(case)).status_code == 200  # theirs to see
    declined = client.post(url(case, "decline"), {"decline-reply": "请走法律途径。"})
    assert declined.status_code == 400
    assert declined.context["failed_form"].non_field_errors()
    replied = client.post(url(case, "reply"), {"reply-reply": REPLY})
    assert replied.status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_a_second_reply_gets_a_clear_message(client, representative_user, rep_case):
    client.force_login(representative_user)
    assert client.post(url(rep_case, "reply"), {"reply-reply": REPLY}).status_code == 302
    again = client.post(url(rep_case, "reply"), {"reply-reply": "再回复一次"})
    assert again.status_code == 400
    assert again.context["failed_form"].non_field_errors()
    assert "再回复一次" in again.text
    assert rep_case.events.filter(kind=CaseEvent.Kind.REPLY).count() == 1


def test_others_get_404(
    client, rep_case, site_case, station_staff, unit_staff, committee_staff, areas
):
    other_rep = RepresentativeFactory(name="李四（演示）")
    other_user = make_official(Role.REPRESENTATIVE, username="other-rep", area=areas[3])
    other_rep.user = other_user
    other_rep.save(update_fields=["user"])
    other_station = make_official(
        Role.STATION_STAFF, username="other-station", site=SiteFactory(area=areas[3])
    )
    # The representative's case did not come through the station's site, nor theirs.
    for user, case in [
        (other_user, rep_case),
        (other_user, site_case),
        (station_staff, rep_case),
        (other_station, site_case),
        (unit_staff, rep_case),
        (committee_staff, rep_case),
    ]:
        client.force_login(user)
        assert client.get(url(case)).status_code == 404
        assert client.post(url(case, "reply"), {"reply-reply": REPLY}).status_code == 404
        assert client.post(url(case, "decline"), {"decline-reply": REPLY}).status_code == 404
    for case in (rep_case, site_case):
        case.refresh_from_db()
        assert case.status == CaseStatus.TRIAGED


def test_anonymous_is_sent_to_sign_in_and_get_is_refused(client, representative_user, rep_case):
    for response in (client.get(url(rep_case)), client.post(url(rep_case, "reply"))):
        assert response.status_code == 302 and "/login" in response["Location"]
    client.force_login(representative_user)
    assert client.get(url(rep_case, "reply")).status_code == 405
    assert client.get(url(rep_case, "decline")).status_code == 405


def test_rep_home_query_count_does_not_grow(
    client, representative, representative_user, site, clerk, queries
):
    categories_load(LoadReport())

    def seed(n):
        for _ in range(n):
            triage(open_case(site.area, representative=representative), clerk, route=Route.DIRECT)

    client.force_login(representative_user)
    seed(3)
    with queries(11):
        assert client.get("/rep/").status_code == 200
    seed(3)
    with queries(11):
        response = client.get("/rep/")
    assert len(response.context["direct_cases"]) == 6


def test_loading_reply_templates_is_idempotent(db):
    first, again = LoadReport(), LoadReport()
    reply_templates_load(first)
    assert first.created == {"reply templates": len(REPLY_TEMPLATES)}
    ReplyTemplate.objects.filter(title="社保政策咨询").update(text="改过的文字")
    reply_templates_load(again)
    assert again.created == {"reply templates": 0}
    assert ReplyTemplate.objects.count() == len(REPLY_TEMPLATES)
    assert ReplyTemplate.objects.get(title="社保政策咨询").text == "改过的文字"
    assert ReplyTemplate.objects.filter(title__contains="涉法涉诉").exists()
