"""Reception days: scheduling a coming day (announced on the site's page with its hours and who
receives) and recording one that happened are two acts; the forms default to the person's own
site and themselves, and list that site's representatives only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from representatives.models import ReceptionDay
from tests.factories import RepresentativeFactory, SiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(site):
    rep = RepresentativeFactory(name="李红梅")
    rep.sites.add(site)
    return rep


@pytest.fixture
def elsewhere(areas):
    """A representative of another site: never listed on this site's forms."""
    other = SiteFactory(area=areas[3], name="另一个联络点")
    rep = RepresentativeFactory(name="王外站")
    rep.sites.add(other)
    return rep


def test_the_schedule_form_defaults_to_the_own_site_and_ticks_the_representative(
    client, representative_user, representative, site, colleague, elsewhere
):
    client.force_login(representative_user)
    page = client.get("/rep/reception-days/new/")
    assert page.status_code == 200
    form = page.context["form"]
    assert page.context["site"] == site
    assert set(form.fields["representatives"].queryset) == {representative, colleague}
    assert form.initial["representatives"] == [representative.pk]
    assert "王外站" not in page.text


def test_a_scheduled_day_is_announced_on_the_site_page(
    client, representative_user, representative, site, colleague
):
    coming = timezone.localdate() + timedelta(days=9)
    client.force_login(representative_user)
    response = client.post(
        "/rep/reception-days/new/",
        {
            "site": site.pk,
            "schedule-date": coming.isoformat(),
            "schedule-starts_at": "09:30",
            "schedule-ends_at": "11:30",
            "schedule-representatives": [representative.pk, colleague.pk],
        },
    )
    assert response.status_code == 302
    day = ReceptionDay.objects.get()
    assert not day.is_recorded and day.visitors == 0
    client.logout()
    html = client.get(site.get_absolute_url()).text
    assert f'datetime="{coming.isoformat()}"' in html
    assert "09:30–11:30" in html and representative.name in html and "李红梅" in html
    # On the desk: announced, not yet to be recorded.
    client.force_login(representative_user)
    assert "/rep/reception-days/record/?day=" not in client.get("/rep/").text


def test_recording_a_scheduled_day_completes_it(client, station_staff, site, representative):
    today = timezone.localdate()
    day = ReceptionDay.objects.create(site=site, date=today)
    day.representatives.set([representative])
    client.force_login(station_staff)
    desk = client.get("/rep/").text
    assert f"/rep/reception-days/record/?day={day.pk}" in desk
    form = client.get(f"/rep/reception-days/record/?day={day.pk}").context["form"]
    assert form.initial["date"] == today and form.initial["representatives"] == [representative.pk]
    response = client.post(
        "/rep/reception-days/record/",
        {
            "site": site.pk,
            "day": day.pk,
            "record-date": today.isoformat(),
            "record-representatives": [representative.pk],
            "record-visitors": 14,
            "record-notes": "多人反映停车难",
        },
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.is_recorded and day.visitors == 14
    assert ReceptionDay.objects.count() == 1
    # The log form is set to that day, its date and site.
    log = client.get(response["Location"])
    assert log.context["form"].initial["reception_day"] == day.pk
    assert log.context["form"].initial["channel"] == "reception_day"


@pytest.mark.parametrize(
    ("url", "prefix", "days", "message"),
    [
        ("/rep/reception-days/new/", "schedule", -1, "过去"),
        ("/rep/reception-days/record/", "record", 1, "尚未到来"),
    ],
)
def test_the_wrong_act_for_the_date_is_explained_and_keeps_the_input(
    client, station_staff, site, url, prefix, days, message
):
    date = timezone.localdate() + timedelta(days=days)
    client.force_login(station_staff)
    data = {"site": site.pk, f"{prefix}-date": date.isoformat(), f"{prefix}-notes": "在会议室"}
    if prefix == "record":
        data["record-visitors"] = 5
    response = client.post(url, data)
    assert response.status_code == 400
    assert message in response.text and "在会议室" in response.text
    assert not ReceptionDay.objects.exists()


def test_hours_must_make_sense(client, station_staff, site):
    client.force_login(station_staff)
    coming = timezone.localdate() + timedelta(days=3)
    response = client.post(
        "/rep/reception-days/new/",
        {
            "site": site.pk,
            "schedule-date": coming.isoformat(),
            "schedule-starts_at": "11:00",
            "schedule-ends_at": "10:00",
        },
    )
    assert response.status_code == 400 and not ReceptionDay.objects.exists()


def test_other_roles_and_other_sites_get_404(client, committee_staff, station_staff, areas):
    client.force_login(committee_staff)
    assert client.get("/rep/reception-days/new/").status_code == 404
    assert client.get("/rep/reception-days/record/").status_code == 404
    other = SiteFactory(area=areas[3], name="另一个联络点")
    day = ReceptionDay.objects.create(site=other, date=timezone.localdate())
    client.force_login(station_staff)
    assert client.get(f"/rep/reception-days/new/?site={other.pk}").status_code == 404
    assert client.get(f"/rep/reception-days/record/?day={day.pk}").status_code == 404
