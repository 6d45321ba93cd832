"""Cases keep their words for search (routing.search): the column, filled for the cases there
are, and on PostgreSQL a GIN index on its ``tsvector``.

The index is created here rather than declared in ``Case.Meta``: a GIN index does not exist on
SQLite, where search reads the column with LIKE. Its expression is ``routing.search
.SEARCH_VECTOR`` compiled, so that the planner uses it for ``search_q``
(tests/workbench/test_search_index.py asks EXPLAIN).
"""

from functools import lru_cache

from django.db import migrations, models

BATCH = 5000
INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS case_search_words ON routing_case "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_words, '')))"
)


def fill_words(apps, schema_editor):
    """Every case's words from its stored text, in batches (a million cases: a few minutes,
    the texts of copies cut once)."""
    from routing.search import search_words

    words_of = lru_cache(maxsize=100_000)(search_words)
    Case = apps.get_model("routing", "Case")
    rows = Case.objects.using(schema_editor.connection.alias).order_by("pk")
    last = 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            batch = list(rows.filter(pk__gt=last).values_list("pk", "search_text")[:BATCH])
            if not batch:
                break
            cursor.executemany(
                "UPDATE routing_case SET search_words = %s WHERE id = %s",
                [(words_of(text), pk) for pk, text in batch],
            )
            last = batch[-1][0]


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INDEX_SQL)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_search_words")


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0014_attachment_renditions"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="search_words",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_words, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index),
    ]
