"""Filling a new column from another one in batches, for data migrations of large tables."""

from collections.abc import Callable
from functools import lru_cache

BATCH = 5000


def column_fill(
    schema_editor, model, *, source: str, target: str, compute: Callable[[str], str]
) -> None:
    """Set ``target`` to ``compute(source)`` on every row of ``model`` (a historical model), in
    primary-key batches of ``BATCH``, each a single ``executemany`` (psycopg 3 pipelines it).
    Equal sources are computed once: copies repeat texts."""
    compute = lru_cache(maxsize=100_000)(compute)
    table = schema_editor.connection.ops.quote_name(model._meta.db_table)
    column = schema_editor.connection.ops.quote_name(model._meta.get_field(target).column)
    rows = model.objects.using(schema_editor.connection.alias).order_by("pk")
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while batch := list(rows.filter(pk__gt=last).values_list("pk", source)[:BATCH]):
            cursor.executemany(
                f"UPDATE {table} SET {column} = %s WHERE id = %s",  # noqa: S608 (quoted names)
                [(compute(value), pk) for pk, value in batch],
            )
            last = batch[-1][0]
