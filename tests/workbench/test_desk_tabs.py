"""The unit desk opens where the work is, and its overdue banner leads to the overdue cases."""

from datetime import timedelta

import pytest
from django.utils import timezone

from routing.models import Case, Route
from routing.services.workflow import case_accept
from tests.routing.helpers import open_case, triage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]


@pytest.fixture
def accepted(site, clerk, unit_staff):
    """Two cases in progress at the unit (nothing waiting to be accepted); one overdue."""
    unit = unit_staff.official.unit
    cases = []
    for _ in range(2):
        case = triage(open_case(site.area, site=site), clerk, route=Route.ASSIGN, unit=unit)
        cases.append(case_accept(case_id=case.pk, actor=unit_staff))
    Case.objects.filter(pk=cases[0].pk).update(resolve_by=timezone.now() - timedelta(days=2))
    return cases


def _rows(response):
    return {case.pk for case in response.context["page"].object_list}


def test_the_desk_opens_on_the_tab_with_work(client, unit_staff, accepted):
    client.force_login(unit_staff)
    response = client.get("/desk/")
    assert response.context["tab"] == "in_progress"
    assert _rows(response) == {c.pk for c in accepted}
    # Asked for explicitly, the empty tab is still there.
    assert _rows(client.get("/desk/", {"tab": "to_accept"})) == set()


def test_the_overdue_banner_links_to_the_overdue_cases(client, unit_staff, accepted):
    client.force_login(unit_staff)
    html = client.get("/desk/").text
    assert 'href="?tab=overdue"' in html
    overdue = client.get("/desk/", {"tab": "overdue"})
    assert overdue.status_code == 200 and _rows(overdue) == {accepted[0].pk}


def test_an_unknown_tab_falls_back_to_the_work(client, unit_staff, accepted):
    client.force_login(unit_staff)
    response = client.get("/desk/", {"tab": "<script>"})
    assert response.status_code == 200 and response.context["tab"] == "in_progress"


def test_with_no_work_it_opens_on_to_accept_without_a_banner(client, unit_staff):
    client.force_login(unit_staff)
    response = client.get("/desk/")
    assert response.context["tab"] == "to_accept" and "?tab=overdue" not in response.text
