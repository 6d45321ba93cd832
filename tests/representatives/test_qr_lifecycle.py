"""Create, place, revoke, replace; and what a scanner sees for each token state."""

import pytest
from django.core.exceptions import ValidationError

from representatives.models import QRCode, QRPlacement, TokenStatus
from representatives.services.qr import (
    qr_code_create,
    qr_code_revoke_and_replace,
    qr_placement_create,
    qr_placement_revoke_and_replace,
)

pytestmark = pytest.mark.django_db


def test_create_is_idempotent_per_target(site):
    a = qr_code_create(site=site)
    assert qr_code_create(site=site) == a
    assert QRCode.objects.filter(site=site).count() == 1
    with pytest.raises(ValueError):
        qr_code_create()


def test_intake_url_is_absolute_and_uses_public_base(settings, site):
    settings.PUBLIC_BASE_URL = "https://liaison.example.cn"
    code = qr_code_create(site=site)
    assert code.intake_url() == f"https://liaison.example.cn/q/{code.token}/"


def test_placement_has_its_own_working_token(client, site):
    code = qr_code_create(site=site)
    placement = qr_placement_create(code=code, name="网格公示栏", location="3号楼下")
    assert placement.token != code.token
    response = client.get(placement.get_absolute_url())
    assert response.status_code == 200
    assert site.name in response.text


def test_revoke_and_replace_code_keeps_placements(client, site):
    code = qr_code_create(site=site)
    placement = qr_placement_create(code=code, name="电梯口")
    new = qr_code_revoke_and_replace(code=code, reason="海报被涂改")
    code.refresh_from_db()
    placement.refresh_from_db()
    assert code.status == TokenStatus.REVOKED and code.revoked_at and code.replaced_by == new
    assert new.is_active and new.site == site and new.token != code.token
    assert placement.code == new and placement.is_active
    # The old poster tells the scanner it is withdrawn; the new one and the placement work.
    old = client.get(f"/q/{code.token}/")
    assert old.status_code == 410
    assert "不再使用" in old.text or "no longer in use" in old.text
    assert client.get(f"/q/{new.token}/").status_code == 200
    assert client.get(f"/q/{placement.token}/").status_code == 200
    assert client.get(f"/qr/{code.token}.png").status_code == 410


def test_revoking_twice_is_refused(site):
    code = qr_code_create(site=site)
    qr_code_revoke_and_replace(code=code, reason="泄露")
    with pytest.raises(ValidationError):
        qr_code_revoke_and_replace(code=code, reason="again")
    assert QRCode.objects.filter(site=site).count() == 2


def test_replace_one_placement_leaves_the_others(client, site):
    code = qr_code_create(site=site)
    lift = qr_placement_create(code=code, name="电梯口")
    board = qr_placement_create(code=code, name="公示栏")
    new_lift = qr_placement_revoke_and_replace(placement=lift, reason="被撕毁")
    assert client.get(f"/q/{lift.token}/").status_code == 410
    assert client.get(f"/q/{new_lift.token}/").status_code == 200
    assert client.get(f"/q/{board.token}/").status_code == 200
    assert client.get(f"/q/{code.token}/").status_code == 200
    assert QRPlacement.objects.get(pk=new_lift.pk).name == "电梯口"


def test_cannot_place_a_revoked_code(site):
    code = qr_code_create(site=site)
    qr_code_revoke_and_replace(code=code, reason="x")
    code.refresh_from_db()
    with pytest.raises(ValidationError):
        qr_placement_create(code=code, name="x")


@pytest.mark.parametrize(
    "token", ["doesnotexist1234", "short", "bad token!", "x" * 40, "%00%2e%2e", "../../etc"]
)
def test_unknown_or_malformed_token_is_a_clear_404(client, site, token):
    qr_code_create(site=site)
    response = client.get(f"/q/{token}/")
    assert response.status_code == 404
    assert "找不到" in response.text or "not found" in response.text.lower()
    assert client.get(f"/qr/{token}.png").status_code == 404


def test_inactive_target_makes_code_gone(client, site):
    code = qr_code_create(site=site)
    site.is_active = False
    site.save()
    assert client.get(f"/q/{code.token}/").status_code == 410
