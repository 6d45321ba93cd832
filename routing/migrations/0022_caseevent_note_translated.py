from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("routing", "0021_street_queue_indexes")]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="note_language",
            field=models.CharField(blank=True, db_default="", default="", max_length=10),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="note_translated",
            field=models.TextField(blank=True, db_default="", default=""),
        ),
    ]
