"""An optional read replica for the heavy read-only work: dashboards, exports, the briefing's
figures, the audit export (decision 0018).

``DATABASE_REPLICA_URL`` adds the ``replica`` alias; ``ReplicaRouter`` sends reads there only
inside ``replica_reads()`` (a context manager and a decorator), and never inside a
transaction on the primary, so a page or task that has just written reads what it wrote.
Writes and migrations always go to the primary. Without the alias everything reads the
primary, as before.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads():
    """Within this block (or this decorated view), reads may go to the replica."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def has_replica() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _replica_reads.get() or not has_replica():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # it may have written in this transaction: read the primary
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA
