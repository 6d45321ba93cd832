import contextlib
import os

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

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


def pytest_collection_modifyitems(config, items):
    if "replica" in settings.DATABASES:
        _allow_the_replica(items)
    if settings.REDIS_URL:
        return
    skip = pytest.mark.skip(reason="needs REDIS_URL; CI's PostgreSQL + Redis run covers it")
    for item in items:
        if "celery_worker" in item.keywords:
            item.add_marker(skip)


def _allow_the_replica(items):
    """With ``DATABASE_REPLICA_URL`` (the same database, a test mirror), every database test
    may read through the ``replica`` alias as the code under test does (common/replica.py)."""
    both = ["default", "replica"]
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and "databases" not in marker.kwargs:
            kwargs = {**marker.kwargs, "databases": both}
            item.add_marker(pytest.mark.django_db(*marker.args, **kwargs), append=False)
        elif marker is None and "transactional_db" in item.fixturenames:
            item.add_marker(pytest.mark.django_db(transaction=True, databases=both))
        elif marker is None and "db" in item.fixturenames:
            item.add_marker(pytest.mark.django_db(databases=both))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Django points a test mirror's connection in this thread at the test database but
    leaves its settings naming the real one, which a live server's threads would open (and
    fail on, where it does not exist): name the test database there too."""
    if "replica" in settings.DATABASES:
        settings.DATABASES["replica"]["NAME"] = settings.DATABASES["default"]["NAME"]
    yield


@pytest.fixture(autouse=True, scope="session")
def _replica_shares_the_test_transaction():
    """A test runs in a transaction of the primary's connection, which another connection
    cannot see: in this thread the replica alias uses that very connection, so reads routed
    to it see the test's rows. (A live server's threads open their own connections and see
    committed rows; tests/test_replica.py opens a separate one to show the routing.)"""
    from django.db import connections

    if "replica" in settings.DATABASES:
        connections["replica"] = connections["default"]
    yield


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SENDFILE_ROOT = str(settings.MEDIA_ROOT)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hashing is Django's, not under test: the production hasher spends about 0.3 s on each
    password, so every persona, demo account and sign-in would cost a third of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


class WorkerRedisCache(RedisCache):
    """One pytest-xdist worker's share of the test Redis: keys under its own prefix, and
    ``clear()`` deletes those only (FLUSHDB would also empty the other workers' rate-limit
    counts and the Celery results their real workers write to the same database)."""

    def clear(self):
        client = self._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        return True


@pytest.fixture(scope="session", autouse=True)
def _worker_cache():
    """Under pytest-xdist (PYTEST_XDIST_WORKER=gw0, gw1…), a Redis cache is shared by the
    workers: each gets a key prefix of its own and clears only that. The file cache (no
    Redis) gets a directory per worker: one worker's ``clear()`` before each test would
    otherwise empty the other's rate-limit counts and cached queue counts mid-test."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    default = settings.CACHES["default"]
    if worker and default["BACKEND"].endswith(".FileBasedCache"):
        location = f"{default['LOCATION']}-{worker}"
        with override_settings(CACHES={"default": {**default, "LOCATION": location}}):
            yield
        return
    if not worker or not default["BACKEND"].endswith(".RedisCache"):
        yield
        return
    prefix = f"{default.get('KEY_PREFIX', '')}-{worker}"
    backend = f"{WorkerRedisCache.__module__}.{WorkerRedisCache.__qualname__}"
    with override_settings(
        CACHES={"default": {**default, "BACKEND": backend, "KEY_PREFIX": prefix}}
    ):
        yield


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
def queries():
    """``with queries(n):`` asserts the block runs exactly ``n`` queries on the default
    database; on a miss it lists every captured query, numbered, so the new one shows. The
    context value is Django's ``CaptureQueriesContext`` (``len()``, ``captured_queries``)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    @contextlib.contextmanager
    def expect(n: int):
        with CaptureQueriesContext(connection) as captured:
            yield captured
        if len(captured) != n:
            listing = "\n".join(
                f"{i}. {q['sql']}" for i, q in enumerate(captured.captured_queries, 1)
            )
            pytest.fail(f"expected {n} queries, ran {len(captured)}:\n{listing}", pytrace=False)

    return expect


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
# One BLAS thread per test process (numpy is not imported yet; subprocesses inherit it): the
# classifier's training spends most of its time in scipy's L-BFGS, and OpenBLAS threads that
# find the other core busy (pytest-xdist's other worker) make it three times slower, not faster.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def pytest_sessionfinish(session, exitstatus):
    """Django removes the SQLite test database but not its WAL side files."""
    name = settings.DATABASES["default"].get("TEST", {}).get("NAME") or ""
    if name and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.remove(name + suffix)
