import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import resolve

from representatives.models import Area, LiaisonSite, QRCode
from representatives.selectors import qr_token_resolve
from tests.factories import AreaFactory, RepresentativeFactory, SiteFactory

pytestmark = pytest.mark.django_db


def test_area_tree_denormalises_district_street_and_path(areas):
    city, district, street, community = areas
    community.refresh_from_db()
    assert community.district == district
    assert community.street == street
    assert community.path == "650200/650203/650203004/650203004001/"
    district.refresh_from_db()
    assert district.district == district and district.street is None
    street.refresh_from_db()
    assert street.street == street and street.district == district
    assert community.is_within(district) and not district.is_within(community)


def test_area_must_sit_under_the_tier_above(areas):
    city, _district, street, _community = areas
    bad = Area(code="1", name="跳级社区", level=Area.Level.COMMUNITY, parent=city)
    with pytest.raises(ValidationError) as exc:
        bad.clean()
    assert "parent" in exc.value.message_dict


def test_area_code_unique(areas):
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(code="650200", name="重复", level=Area.Level.CITY)


def test_site_reception_day_must_be_1_to_28(areas):
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteFactory(area=areas[3], reception_day=31)
    assert LiaisonSite.objects.count() == 0


def test_qr_code_targets_exactly_one(site, representative):
    with pytest.raises(IntegrityError), transaction.atomic():
        QRCode.objects.create(site=site, representative=representative)
    with pytest.raises(IntegrityError), transaction.atomic():
        QRCode.objects.create()


def test_one_active_code_per_target(site):
    QRCode.objects.create(site=site)
    with pytest.raises(IntegrityError), transaction.atomic():
        QRCode.objects.create(site=site)


def test_tokens_are_random_and_not_ids(client, site):
    """The token is all a poster prints: URL-safe, long enough not to be guessed, different for
    every code, not computed from the row's id, and its URL opens the code's own target."""
    reps = [RepresentativeFactory() for _ in range(11)]
    codes = [QRCode.objects.create(site=site)]
    codes += [QRCode.objects.create(representative=rep) for rep in reps]
    tokens = [code.token for code in codes]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{16,32}", token) for token in tokens), tokens
    assert len(set(tokens)) == len(tokens)
    # Codes made one after the other do not get tokens in order (random ones: 1 in 12!).
    assert sorted(tokens) != tokens
    # The same id again gets another token: nothing in it is derived from the id.
    pk = codes[0].pk
    codes[0].delete()
    again = QRCode.objects.create(pk=pk, site=site)
    assert again.token not in tokens
    for code in (again, codes[-1]):
        url = code.get_absolute_url()
        assert url == f"/q/{code.token}/"
        match = resolve(url)
        assert match.view_name == "feedback:intake"
        assert qr_token_resolve(match.kwargs["token"]).code == code
        page = client.get(url)
        assert page.status_code == 200 and code.target.name in page.text


def test_representative_unique_within_delegation():
    RepresentativeFactory(name="王芳（演示）", delegation="克拉玛依区代表团")
    with pytest.raises(IntegrityError), transaction.atomic():
        RepresentativeFactory(name="王芳（演示）", delegation="克拉玛依区代表团")
    RepresentativeFactory(name="王芳（演示）", delegation="独山子区代表团")


def test_area_factory_levels():
    city = AreaFactory(level=Area.Level.CITY)
    assert city.tier == 1
