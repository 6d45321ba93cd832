"""Officials' sign-in: lockout after repeated failures, TOTP two-factor, role enforcement."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_sign_in_and_account_page(client, committee_staff):
    response = client.post("/accounts/login/", {"username": "committee", "password": PASSWORD})
    # Signed in, a committee clerk goes to their workbench (test_rep_home: every role).
    assert response.status_code == 302 and response["Location"] == "/start/"
    assert client.get("/start/")["Location"] == "/work/"
    page = client.get("/accounts/")
    assert "committee" in page.text and "克拉玛依市" in page.text


def test_wrong_password_keeps_username_and_explains(client, committee_staff):
    response = client.post("/accounts/login/", {"username": "committee", "password": "nope"})
    assert response.status_code == 200
    assert 'value="committee"' in response.text
    assert "errorlist" in response.text


def test_lockout_after_repeated_failures(client, committee_staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "committee", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "committee", "password": PASSWORD})
    assert locked.status_code == 429
    assert "locked" in locked.text.lower() or "锁定" in locked.text
    assert "_auth_user_id" not in client.session


def test_account_page_needs_sign_in(client):
    response = client.get("/accounts/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_two_factor_setup_then_sign_in_needs_the_code(client, committee_staff):
    client.force_login(committee_staff)
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200 and "<svg" in page.text
    device = TOTPDevice.objects.get(user=committee_staff, confirmed=False)
    wrong = client.post(
        "/accounts/two-factor/", {"token": "000000" if _code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 400 and "errorlist" in wrong.text
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # a wrong code throttles the device for a second
    ok = client.post("/accounts/two-factor/", {"token": _code(device)})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    client.logout()

    without = client.post("/accounts/login/", {"username": "committee", "password": PASSWORD})
    assert without.status_code == 200 and "_auth_user_id" not in client.session
    device.refresh_from_db()
    device.last_t = -1  # allow the same time step again for the test
    device.save()
    with_code = client.post(
        "/accounts/login/",
        {"username": "committee", "password": PASSWORD, "otp_token": _code(device)},
    )
    assert with_code.status_code == 302
    assert client.session.get("otp_device_id") == device.persistent_id


def test_required_roles_are_sent_to_two_factor_setup(client, committee_staff, leader, settings):
    settings.REQUIRE_2FA_ROLES = ["committee_staff", "administrator"]
    client.force_login(committee_staff)
    response = client.get("/accounts/")
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/"
    assert client.get("/admin/").status_code == 302
    # Public pages are not affected for residents; a leader is not required to use 2FA.
    client.logout()
    assert client.get("/stations/").status_code == 200
    client.force_login(leader)
    assert client.get("/accounts/").status_code == 200


def test_session_expires(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_password_rules_reject_short_and_common_passwords(committee_staff):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for bad in ["short1", "password123", "1234567890"]:
        with pytest.raises(ValidationError):
            validate_password(bad, committee_staff)
    validate_password("人大联络-2026-安全口令", committee_staff)


def test_administrator_can_use_admin_others_cannot(client, administrator, leader, areas):
    client.force_login(leader)
    assert client.get("/admin/representatives/area/").status_code == 302
    client.force_login(administrator)
    page = client.get("/admin/representatives/area/?q=银河")
    assert page.status_code == 200 and "银河路街道" in page.text


def test_admin_sign_in_cannot_skip_the_code(client, committee_staff, settings):
    """A password alone, through any door, never yields a verified session or a new device."""
    settings.REQUIRE_2FA_ROLES = ["committee_staff", "administrator"]
    device = TOTPDevice.objects.create(user=committee_staff, name="phone", confirmed=True)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # Signed in without a code (e.g. a session from elsewhere): set-up must not enrol a device.
    client.force_login(committee_staff)
    setup = client.get("/accounts/two-factor/")
    assert setup.status_code == 302 and setup["Location"] == "/accounts/login/"
    assert "_auth_user_id" not in client.session
    assert list(TOTPDevice.objects.filter(user=committee_staff)) == [device]
