"""A case's street is its area's street, written once when the case is created; a street's
committee staff and the city's area filter find the same cases through it as through the
area tree (decision 0022)."""

import pytest

from representatives.models import Area, Role
from routing.models import Case
from routing.selectors import case_list_for_user, case_scope
from tests.factories import AreaFactory, make_official
from tests.routing.helpers import open_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]


@pytest.fixture
def cases(areas, categories):
    city, district, street, community = areas
    other_street = AreaFactory(
        code="650203005", name="胜利路街道", level=Area.Level.STREET, parent=district
    )
    other_community = AreaFactory(
        code="650203005001", name="胜利社区", level=Area.Level.COMMUNITY, parent=other_street
    )
    return {
        "community": open_case(community),
        "street": open_case(street),
        "district": open_case(district),
        "elsewhere": open_case(other_community),
    }


def test_the_street_is_the_areas_street_from_creation(cases, areas):
    _city, _district, street, _community = areas
    assert cases["community"].street == street
    assert cases["street"].street == street  # a street is its own street
    assert cases["district"].street is None
    assert cases["elsewhere"].street.name == "胜利路街道"


def test_street_staff_and_the_area_filter_see_what_the_area_tree_holds(cases, areas):
    city, _district, street, _community = areas
    street_clerk = make_official(Role.COMMITTEE_STAFF, area=street)
    city_clerk = make_official(Role.COMMITTEE_STAFF, area=city)
    in_tree = set(
        Case.objects.filter(area__path__startswith=street.path).values_list("pk", flat=True)
    )
    assert in_tree == {cases["community"].pk, cases["street"].pk}
    assert set(Case.objects.filter(case_scope(street_clerk)).values_list("pk", flat=True)) == (
        in_tree
    )
    filtered = case_list_for_user(city_clerk, area=street)
    assert {c.pk for c in filtered} == in_tree
    # The city's staff see the district's own case too; the street's do not.
    assert cases["district"].pk in {c.pk for c in case_list_for_user(city_clerk)}
