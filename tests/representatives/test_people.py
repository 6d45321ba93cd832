"""How staff pages name people: real names, family name first for Chinese, with the title;
the sign-in name only when there is no name. The empty choice of a select is translated."""

import pytest
from django.contrib.auth import get_user_model

from representatives.models import Role, person_name
from tests.factories import make_official

pytestmark = pytest.mark.django_db


def test_person_name(areas):
    User = get_user_model()
    clerk = make_official(Role.COMMITTEE_STAFF, username="linxy", area=areas[0])
    clerk.first_name, clerk.last_name = "晓燕", "林"
    clerk.official.title = "联络工作科科长"
    assert person_name(clerk) == "林晓燕（联络工作科科长）"
    clerk.official.title = ""
    assert person_name(clerk) == "林晓燕"
    assert person_name(User(username="ops", first_name="Ada", last_name="Lovelace")) == (
        "Ada Lovelace"
    )
    assert person_name(User(username="nobody-named")) == "nobody-named"


def test_staff_pages_show_names_and_titles_not_sign_in_names(client, areas):
    from demo.network import network_seed

    network_seed(with_accounts=True, password="a-demo-password-for-tests")
    User = get_user_model()
    committee = User.objects.get(username="demo_committee")
    client.force_login(committee)
    html = client.get("/work/?queue=all").text
    assert "demo_committee" not in html
    # The supervisor choice of a case page and the account menu name people.
    from tests.routing.helpers import open_case

    site_area = User.objects.get(username="demo_street").official.area
    case = open_case(site_area)
    page = client.get(f"/work/cases/{case.pk}/").text
    assert "林晓燕（联络工作科科长）" in page and "王建华（街道人大工委专职副主任）" in page
    assert "demo_street" not in page and "demo_committee" not in page
    assert "- Select an option -" not in page


def test_the_empty_choice_of_a_model_select_is_translated():
    from django.utils import translation

    from routing.models import Case

    with translation.override("zh-hans"):
        empty = Case._meta.get_field("route").formfield().choices[0]
        assert empty == ("", "— 请选择 —")
