import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_chinese_catalog_is_complete():
    """Every source string has a Chinese translation and none is fuzzy."""
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    stats = result.stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, stats


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_on_request(client, site):
    zh = client.get("/stations/")
    assert "联络站" in zh.text and 'lang="zh-CN"' in zh.text
    client.post("/i18n/setlang/", {"language": "en", "next": "/stations/"})
    en = client.get("/stations/")
    assert "Liaison sites" in en.text and 'lang="en"' in en.text
