"""Cases keep their words for search (routing.search): the column, filled for the cases there
are, and on PostgreSQL a GIN index on its ``tsvector``.

The index is created here rather than declared in ``Case.Meta``: a GIN index does not exist on
SQLite, where search reads the column with LIKE. Its expression is ``routing.search
.SEARCH_VECTOR`` compiled, so that the planner uses it for ``search_q``
(tests/workbench/test_search_index.py asks EXPLAIN).
"""

from django.db import migrations, models

from common.backfill import column_fill

INDEX_SQL = (
    "CREATE INDEX IF NOT EXISTS case_search_words ON routing_case "
    "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_words, '')))"
)


def fill_words(apps, schema_editor):
    """Every case's words from its stored text (a million cases: minutes)."""
    from routing.search import search_words

    column_fill(
        schema_editor,
        apps.get_model("routing", "Case"),
        source="search_text",
        target="search_words",
        compute=search_words,
    )


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
