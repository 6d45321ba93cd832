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


@pytest.mark.usefixtures("fixed_suggestion")
def test_staff_pages_show_names_and_titles_not_sign_in_names(client, areas, site):
    clerk = make_official(
        Role.COMMITTEE_STAFF,
        username="demo_like_clerk",
        area=areas[0],
        first_name="晓燕",
        last_name="林",
    )
    clerk.official.title = "联络工作科科长"
    clerk.official.save(update_fields=["title"])
    street = make_official(
        Role.COMMITTEE_STAFF,
        username="street_login",
        area=areas[2],
        first_name="建华",
        last_name="王",
    )
    street.official.title = "街道人大工委专职副主任"
    street.official.save(update_fields=["title"])
    from tests.routing.helpers import open_case

    case = open_case(site.area, site=site)
    client.force_login(clerk)
    page = client.get(f"/work/cases/{case.pk}/").text
    # The supervisor choice names people, not sign-in names.
    assert "林晓燕（联络工作科科长）" in page and "王建华（街道人大工委专职副主任）" in page
    assert "street_login" not in page and "demo_like_clerk" not in page
    assert "- Select an option -" not in page


def test_demo_accounts_have_names_and_titles():
    from demo.network import DEMO_ACCOUNTS

    for username, _role, _description, (family, given, title) in DEMO_ACCOUNTS:
        assert title, username
        if username not in ("rep", "admin"):  # the representative takes their record's name
            assert family and given, username


def test_the_empty_choice_of_a_model_select_is_translated():
    from django.utils import translation

    from routing.models import Case

    with translation.override("zh-hans"):
        empty = Case._meta.get_field("route").formfield().choices[0]
        assert empty == ("", "— 请选择 —")
