from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("feedback", "0012_phone_lookup")]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="chinese_summary",
            field=models.TextField(blank=True, max_length=1000, verbose_name="Chinese summary"),
        ),
    ]
