"""Representatives and station staff: logging opinions, their desk, slips, reception days."""

import datetime

import pytest

from feedback.models import Channel, Submission
from representatives.models import ReceptionDay, Role
from tests.factories import RepresentativeFactory, SiteFactory, make_official
from tests.feedback.helpers import form_data

pytestmark = pytest.mark.django_db


def _log(client, area, **extra):
    data = form_data(area, channel="on_duty", collected_on="2026-11-20")
    data.pop("website")
    data.update(extra)
    return client.post("/rep/log/", data)


def test_representative_logs_an_opinion_and_sees_it(
    client, representative_user, representative, site, categories
):
    client.force_login(representative_user)
    assert client.get("/rep/log/").status_code == 200
    response = _log(
        client, site.area, contact_phone="13700001111", consent="on", contact_preference="phone"
    )
    submission = Submission.objects.get()
    assert response["Location"] == f"/rep/slip/{submission.tracking_code}/"
    assert submission.channel == Channel.ON_DUTY and submission.logged_by == representative_user
    assert submission.representative == representative
    assert submission.collected_on == datetime.date(2026, 11, 20)
    slip = client.get(response["Location"])
    assert submission.tracking_code in slip.text and submission.secret in slip.text
    desk = client.get("/rep/")
    assert submission.tracking_code in desk.text
    assert "137****1111" in desk.text and "13700001111" not in desk.text


def test_desk_lists_what_came_through_my_code(client, representative_user, rep_code, site):
    client.post(rep_code.get_absolute_url(), form_data(site.area))
    client.force_login(representative_user)
    assert Submission.objects.get().tracking_code in client.get("/rep/").text


def test_one_representative_cannot_see_anothers(client, representative_user, site, categories):
    client.force_login(representative_user)
    _log(client, site.area)
    mine = Submission.objects.get()
    other_rep = RepresentativeFactory(name="李四（演示）")
    other_user = make_official(Role.REPRESENTATIVE, username="other-rep", area=site.area)
    other_rep.user = other_user
    other_rep.save()
    client.force_login(other_user)
    assert mine.tracking_code not in client.get("/rep/").text
    assert client.get(f"/rep/slip/{mine.tracking_code}/").status_code == 404


def test_station_staff_see_their_site_only(
    client, station_staff, site, site_code, areas, categories
):
    client.post(site_code.get_absolute_url(), form_data(site.area))
    other_site = SiteFactory(area=areas[3], name="别的联络点")
    from representatives.services.qr import qr_code_create

    client.post(qr_code_create(site=other_site).get_absolute_url(), form_data(site.area))
    client.force_login(station_staff)
    desk = client.get("/rep/").text
    ours, theirs = Submission.objects.order_by("pk")
    assert ours.tracking_code in desk and theirs.tracking_code not in desk


@pytest.mark.parametrize("persona", ["committee_staff", "unit_staff", "leader"])
def test_other_roles_have_no_desk(client, request, persona, categories):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/rep/").status_code == 404
    assert client.get("/rep/log/").status_code == 404


def test_anonymous_is_sent_to_sign_in(client):
    for url in ["/rep/", "/rep/log/", "/rep/reception-days/new/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_bad_log_keeps_input(client, representative_user, site, categories):
    client.force_login(representative_user)
    response = _log(client, site.area, text="", address_line="3号楼二单元")
    assert response.status_code == 400
    assert "3号楼二单元" in response.text
    assert Submission.objects.count() == 0


def test_reception_day_recorded_and_listed(client, station_staff, site, representative, categories):
    client.force_login(station_staff)
    response = client.post(
        "/rep/reception-days/record/",
        {
            "site": site.pk,
            "record-date": "2026-11-10",
            "record-representatives": [representative.pk],
            "record-visitors": 12,
            "record-notes": "反映停车难",
        },
    )
    assert response.status_code == 302
    day = ReceptionDay.objects.get()
    assert day.visitors == 12 and list(day.representatives.all()) == [representative]
    assert day.is_recorded
    # Next: the opinions heard there, the form set to that day.
    assert response["Location"] == f"/rep/log/?reception_day={day.pk}"
    page = client.get(site.get_absolute_url()).text
    assert "2026-11-10" in page or "2026年11月10日" in page
    # A logged opinion can point at that reception day.
    response = _log(client, site.area, channel="reception_day", reception_day=day.pk)
    assert Submission.objects.get().reception_day == day


def test_reception_day_for_another_site_is_refused(client, station_staff, areas):
    other = SiteFactory(area=areas[3], name="另一个联络点")
    client.force_login(station_staff)
    response = client.post(
        "/rep/reception-days/record/",
        {"site": other.pk, "record-date": "2026-11-10", "record-visitors": 3},
    )
    assert response.status_code == 404 and not ReceptionDay.objects.exists()


def test_upcoming_reception_days_follow_the_rule(site):
    dates = site.upcoming_reception_dates(datetime.date(2026, 12, 11))
    assert dates == [
        datetime.date(2027, 1, 10),
        datetime.date(2027, 2, 10),
        datetime.date(2027, 3, 10),
    ]


def test_contact_details_are_revealed_on_request_and_logged(
    client, representative_user, site, categories
):
    from feedback.models import ContactAccess

    client.force_login(representative_user)
    _log(
        client,
        site.area,
        contact_name="王大爷",
        contact_phone="13700001111",
        consent="on",
        contact_preference="phone",
    )
    submission = Submission.objects.get()
    url = f"/rep/contact/{submission.tracking_code}/"
    assert client.get(url).status_code == 405
    assert not ContactAccess.objects.exists()
    response = client.post(url)
    assert response.status_code == 200
    assert "13700001111" in response.text and "王大爷" in response.text
    assert response["Cache-Control"] == "no-store"
    assert ContactAccess.objects.get().user == representative_user


def test_contact_details_stay_hidden_from_others(
    client, representative_user, unit_staff, site, categories
):
    from feedback.models import ContactAccess

    client.force_login(representative_user)
    _log(client, site.area, contact_phone="13700001111", consent="on", contact_preference="phone")
    url = f"/rep/contact/{Submission.objects.get().tracking_code}/"
    other = make_official(Role.REPRESENTATIVE, username="other-rep", area=site.area)
    RepresentativeFactory(name="李四（演示）", user=other)
    for user in (other, unit_staff):
        client.force_login(user)
        assert client.post(url).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302  # to sign-in
    assert not ContactAccess.objects.exists()


def test_desk_query_count_does_not_grow(client, representative_user, rep_code, site, queries):
    """Eleven queries: their sites, then one per way an opinion reaches them (code, site, logged)."""

    def add(n):
        for _ in range(n):
            client.post(rep_code.get_absolute_url(), form_data(site.area))

    add(3)
    client.force_login(representative_user)
    with queries(11):
        assert client.get("/rep/").status_code == 200
    client.logout()
    add(6)
    client.force_login(representative_user)
    with queries(11):
        page = client.get("/rep/")
    assert page.text.count('class="tag status-') == 9
