"""The read replica (issue 16.4): dashboards, exports, the briefing's figures and the audit
export read through the ``replica`` alias when ``DATABASE_REPLICA_URL`` is set; writes,
migrations and reads inside a transaction stay on the primary. CI's PostgreSQL run points the
alias at the same database; without it everything reads the primary."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import CaptureQueriesContext

from common.replica import REPLICA, ReplicaRouter, has_replica, replica_reads
from reports.periods import Period
from reports.services.briefing import briefing_compile
from routing.models import Case

needs_replica = pytest.mark.skipif(
    not has_replica(), reason="needs DATABASE_REPLICA_URL (CI's PostgreSQL run sets it)"
)


def test_without_the_alias_every_read_is_the_primarys():
    if has_replica():
        pytest.skip("the replica is configured in this run")
    with replica_reads():
        assert Case.objects.all().db == DEFAULT_DB_ALIAS


@needs_replica
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_reads_go_to_the_replica_only_where_asked_and_never_in_a_transaction():
    assert Case.objects.all().db == DEFAULT_DB_ALIAS
    with replica_reads():
        assert Case.objects.all().db == REPLICA
        assert ReplicaRouter().db_for_write(Case) == DEFAULT_DB_ALIAS
        with transaction.atomic():  # it may have written: read what it wrote
            assert Case.objects.all().db == DEFAULT_DB_ALIAS


def test_migrations_stay_on_the_primary():
    router = ReplicaRouter()
    assert router.allow_migrate(REPLICA, "routing") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "routing") is True


@needs_replica
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_the_dashboard_and_export_read_the_replica_and_a_write_reads_the_primary(
    client, areas, committee_staff
):
    """Committed rows and a real second connection to the same database: the dashboard's and
    the export's queries run on the replica's connection; inside a transaction that wrote,
    reads stay on the primary."""
    client.force_login(committee_staff)
    shared = connections[REPLICA]
    replica = connections.create_connection(REPLICA)  # a second connection, as in production
    replica.settings_dict["NAME"] = connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
    connections[REPLICA] = replica
    try:
        _reads_on(replica, client, areas)
    finally:
        connections[REPLICA] = shared
        replica.close()


def _reads_on(replica, client, areas):
    assert replica is not connections[DEFAULT_DB_ALIAS]
    for url in ("/reports/", "/reports/export/all.xlsx"):
        with CaptureQueriesContext(replica) as on_replica:
            assert client.get(url).status_code == 200
        assert len(on_replica) > 3, url
    with CaptureQueriesContext(replica) as on_replica:
        briefing = briefing_compile(period=Period.quarter(2026, 4), area=areas[0])
    assert len(on_replica) > 3 and briefing.pk  # figures read there, the draft written here
    with replica_reads(), transaction.atomic():
        Case.objects.none().exists()
        assert Case.objects.all().db == DEFAULT_DB_ALIAS
    with replica_reads():
        assert Case.objects.all().db == REPLICA
