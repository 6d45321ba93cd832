"""Reopenings by a resident's 不满意 rating are now counted (they were left out of 重办件数):
the roll-up's event rows miss them, so the next refresh recounts every month (the dashboards
count from the cases until it has)."""

from django.db import migrations


def recount(apps, schema_editor):
    apps.get_model("reports", "RollupState").objects.update(refreshed_at=None)


class Migration(migrations.Migration):
    dependencies = [("reports", "0005_recount_supervision")]

    operations = [migrations.RunPython(recount, migrations.RunPython.noop)]
