"""Operational tasks of the project itself."""

from celery import shared_task
from django.db import connection


@shared_task
def ping_task() -> dict:
    """Answer from a worker with a database round trip; used by CI and operators.

    Called by anyone; no side effects. Returns the worker's view of the database.
    """
    from representatives.models import Area

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"pong": True, "areas": Area.objects.count()}
