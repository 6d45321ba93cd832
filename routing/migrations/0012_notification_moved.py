"""The outbox now belongs to the notifications app (its 0001): routing forgets the model; the
table and its rows are not touched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('routing', '0011_classifier_models'),
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name='notification', name='notification_state_time'),
                migrations.DeleteModel(name='Notification'),
            ],
            database_operations=[],
        ),
    ]
