"""Opinions keep their words in order for hot topics (reports.topics): the column, filled for
the opinions there are."""

from django.db import migrations, models

from common.backfill import column_fill


def fill_words(apps, schema_editor):
    from routing.search import clause_words

    column_fill(
        schema_editor,
        apps.get_model("feedback", "Submission"),
        source="text",
        target="words",
        compute=clause_words,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0009_photo_renditions"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="words",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_words, migrations.RunPython.noop, elidable=True),
    ]
