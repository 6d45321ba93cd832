"""Who must use two-factor sign-in is decided by what grants access: the official's role (and
the admin flags), never by group membership. Every role × mode (issue 15.2)."""

import pytest
from django.urls import reverse

from liaison.views import LANDING
from representatives.models import Role
from tests.factories import HandlingUnitFactory, make_official

pytestmark = pytest.mark.django_db

PRODUCTION = ["committee_staff", "administrator"]  # the production default
MODES = {"local": [], "production": PRODUCTION, "every role": [r.value for r in Role]}


def _official(role, areas, site):
    extra = {}
    if role == Role.UNIT_STAFF:
        extra["unit"] = HandlingUnitFactory(name="克拉玛依市水务局")
    if role == Role.STATION_STAFF:
        extra["site"] = site
    flags = {"is_staff": True} if role == Role.ADMINISTRATOR else {}
    user = make_official(role, username=f"u-{role}", area=areas[0], **extra, **flags)
    # The bypass the review found: an official outside their role's group.
    user.groups.clear()
    return user


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("role", [r.value for r in Role])
def test_two_factor_follows_the_role(client, settings, areas, site, role, mode):
    settings.REQUIRE_2FA_ROLES = MODES[mode]
    user = _official(role, areas, site)
    client.force_login(user)
    own_work = reverse(LANDING[role])  # the page the role's access is checked on
    response = client.get(own_work)
    if role in MODES[mode]:
        assert response.status_code == 302, (role, mode)
        assert response["Location"] == "/accounts/two-factor/", (role, mode)
    else:
        assert response.get("Location") != "/accounts/two-factor/", (role, mode)
        assert response.status_code == 200, (role, mode, response.status_code)


def test_an_admin_site_account_without_an_official_role_needs_it(client, settings):
    from django.contrib.auth import get_user_model

    settings.REQUIRE_2FA_ROLES = PRODUCTION
    admin = get_user_model().objects.create_user("ops", password="x", is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/")["Location"] == "/accounts/two-factor/"


def test_the_committee_workbench_needs_it_in_production(client, settings, areas):
    settings.REQUIRE_2FA_ROLES = PRODUCTION
    clerk = make_official(Role.COMMITTEE_STAFF, username="no-group-clerk", area=areas[0])
    clerk.groups.clear()
    client.force_login(clerk)
    response = client.get("/work/")
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/"


def test_a_request_without_a_session_cookie_is_not_checked_and_loads_no_user(rf, settings):
    """A resident's request carries no session: the middleware must not load a user for it
    (what it costs shows in `make bench`), and a session cookie brings the check back."""
    from django.utils.functional import SimpleLazyObject

    from representatives.middleware import RequireTwoFactorMiddleware

    settings.REQUIRE_2FA_ROLES = PRODUCTION

    def never(*_args):
        raise AssertionError("the user was loaded")

    middleware = RequireTwoFactorMiddleware(lambda request: "served")
    request = rf.post("/q/some-token/")
    request.user = SimpleLazyObject(never)
    assert middleware(request) == "served"
    request = rf.get("/work/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "anything"
    request.user = SimpleLazyObject(never)
    with pytest.raises(AssertionError, match="the user was loaded"):
        middleware(request)
