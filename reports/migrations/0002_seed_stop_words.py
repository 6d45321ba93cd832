from pathlib import Path

from django.db import migrations

WORDS = Path(__file__).resolve().parent.parent / "data" / "stopwords.txt"


def seed(apps, schema_editor):
    StopWord = apps.get_model("reports", "StopWord")
    words = [
        line.strip()
        for line in WORDS.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    StopWord.objects.bulk_create([StopWord(word=w) for w in dict.fromkeys(words)], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_briefings")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
