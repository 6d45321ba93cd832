"""Factories for tests: one place, realistic Chinese data."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from representatives.models import (
    Area,
    LiaisonSite,
    Official,
    QRCode,
    QRPlacement,
    Representative,
)
from routing.models import HandlingUnit

# Every test user's password (the sign-in pages are tested with it).
PASSWORD = "correct-horse-battery"


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9{n:05d}")
    name = factory.Sequence(lambda n: f"测试区域{n}")
    level = Area.Level.CITY
    parent = None


def area_tree():
    """A city with one district, one street and one community (returns them as a tuple)."""
    city = AreaFactory(code="650200", name="克拉玛依市", level=Area.Level.CITY)
    district = AreaFactory(code="650203", name="克拉玛依区", level=Area.Level.DISTRICT, parent=city)
    street = AreaFactory(
        code="650203004", name="银河路街道", level=Area.Level.STREET, parent=district
    )
    community = AreaFactory(
        code="650203004001", name="向阳北社区", level=Area.Level.COMMUNITY, parent=street
    )
    return city, district, street, community


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiaisonSite

    name = factory.Sequence(lambda n: f"测试社区{n}人大代表联络点")
    kind = LiaisonSite.Kind.POINT
    area = factory.SubFactory(AreaFactory)
    address = "党群服务中心"
    reception_day = 10
    reception_rule = "每月10日 上午"


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    name = factory.Sequence(lambda n: f"测试代表{n}")
    level = Representative.Level.CITY
    delegation = "克拉玛依区代表团"


class QRCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QRCode

    site = factory.SubFactory(SiteFactory)


class QRPlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QRPlacement

    code = factory.SubFactory(QRCodeFactory)
    name = "网格公示栏"


class HandlingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingUnit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = HandlingUnit.Kind.CITY_DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


def make_official(role, *, username=None, area=None, site=None, unit=None, **user_kwargs):
    """A user with a role group and an Official profile."""
    user = UserFactory(
        username=username or f"{role}-{UserFactory._meta.model.objects.count()}", **user_kwargs
    )
    # get_or_create: transactional tests flush the tables, groups from the migration included.
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    Official.objects.create(user=user, role=role, area=area, site=site, unit=unit)
    return user
