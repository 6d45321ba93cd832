import contextlib
import os

import pytest
from django.conf import settings

from representatives.models import Role
from representatives.services.qr import qr_code_create
from representatives.services.reference import LoadReport
from routing.services.reference import categories_load
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
def _embedded_celery(request):
    """Tasks run in-process, as in embedded mode, except where a test runs a real worker."""
    from liaison.celery import app

    if "celery_worker" in request.keywords:
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from common.cache import TTLCache

    cache.clear()
    # Reference data, QR tokens, units, deadline rules, the classifier model in use: each
    # test reads its own (the classifier's baseline, trained from files, stays).
    TTLCache.clear_all()
    yield


@pytest.fixture
def fixed_suggestion(monkeypatch):
    """The classifier is not under test: cases open with a fixed suggestion, as staff would
    see it at triage (``tests.routing.helpers.SUGGESTION``)."""
    from tests.routing.helpers import SUGGESTION

    monkeypatch.setattr(
        "routing.services.opening.case_suggestion", lambda text, area: dict(SUGGESTION)
    )


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


@pytest.fixture
def categories(db):
    categories_load(LoadReport())


@pytest.fixture
def site_code(site, categories):
    return qr_code_create(site=site)


@pytest.fixture
def rep_code(representative, categories):
    return qr_code_create(representative=representative)


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


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Debian's Chromium (SETUP-NOTES "Browser tests"); session-scoped like pytest-playwright's."""
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


def pytest_sessionfinish(session, exitstatus):
    """Django removes the SQLite test database but not its WAL side files."""
    name = settings.DATABASES["default"].get("TEST", {}).get("NAME") or ""
    if name and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(name + suffix)
