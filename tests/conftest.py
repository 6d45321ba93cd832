import os

import pytest
from django.conf import settings

from representatives.models import Role
from tests.factories import (
    HandlingUnitFactory,
    RepresentativeFactory,
    SiteFactory,
    area_tree,
    make_official,
)

PASSWORD = "correct-horse-battery"


def pytest_collection_modifyitems(config, items):
    if settings.REDIS_URL:
        return
    skip = pytest.mark.skip(reason="needs REDIS_URL; CI's PostgreSQL + Redis run covers it")
    for item in items:
        if "celery_worker" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def areas(db):
    return area_tree()


@pytest.fixture
def site(areas):
    return SiteFactory(area=areas[3], name="向阳北社区人大代表联络点")


@pytest.fixture
def representative(site):
    rep = RepresentativeFactory(name="张建国（演示）")
    rep.sites.add(site)
    return rep


# Personas (STYLE.md: one of each kind, and an unrelated one).
@pytest.fixture
def committee_staff(areas):
    return make_official(Role.COMMITTEE_STAFF, username="committee", area=areas[0])


@pytest.fixture
def unit_staff(areas):
    unit = HandlingUnitFactory(name="银河路街道办事处", kind="street_office", area=areas[2])
    return make_official(Role.UNIT_STAFF, username="unit", area=areas[2], unit=unit)


@pytest.fixture
def leader(areas):
    return make_official(Role.LEADER, username="leader", area=areas[0])


@pytest.fixture
def administrator(areas):
    return make_official(
        Role.ADMINISTRATOR, username="admin", area=areas[0], is_staff=True, is_superuser=True
    )


@pytest.fixture
def station_staff(site):
    return make_official(Role.STATION_STAFF, username="station", area=site.area, site=site)


@pytest.fixture
def representative_user(representative, areas):
    user = make_official(Role.REPRESENTATIVE, username="rep", area=areas[3])
    representative.user = user
    representative.save(update_fields=["user"])
    return user


@pytest.fixture
def browser_type_launch_args():
    return {
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
