"""Supervision is now counted apart from the route (routing 0010): the roll-up's rows have no
such figure yet, so the next refresh recounts every month (the dashboards count from the
cases until it has)."""

from django.db import migrations


def recount(apps, schema_editor):
    apps.get_model("reports", "RollupState").objects.update(refreshed_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_monthly_counts"),
        ("routing", "0010_supervision_overlay"),
    ]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
