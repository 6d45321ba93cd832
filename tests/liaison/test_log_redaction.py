"""No tracking key, name or phone number in the logs of a served run (issue 15.3): gunicorn
started with the shipped command's options (deploy/Procfile), a resident's submission, receipt,
tracking page and look-up; then every line it wrote is searched. Local mode's runserver lines
go through the same redacting handler."""

import logging
import re
import shlex
from pathlib import Path

import pytest

from feedback.models import Submission
from tests.processes import process_env
from tests.web import Web

ROOT = Path(__file__).resolve().parents[2]
NAME, PHONE = "欧阳秀珍", "13655554444"


def _shipped_options() -> list[str]:
    """gunicorn's options on the Procfile's web line, without the bind (the test binds)."""
    line = next(
        line
        for line in (ROOT / "deploy/Procfile").read_text().splitlines()
        if line.startswith("web:")
    )
    words = shlex.split(line.removeprefix("web:"))
    options = words[words.index("liaison.wsgi") + 1 :]
    at = options.index("--bind")
    del options[at : at + 2]
    return [*options, "--workers", "1"]


def test_the_shipped_command_is_the_one_tested():
    assert "-c" in _shipped_options() and "deploy/gunicorn.conf.py" in _shipped_options()
    unit = (ROOT / "deploy/systemd/liaison-web.service").read_text()
    assert "-c deploy/gunicorn.conf.py" in unit


@pytest.mark.django_db(transaction=True)
def test_a_served_run_logs_no_key_name_or_phone(site, site_code, categories):
    web = Web(process_env(REDIS_URL=None), options=_shipped_options())
    try:
        status, _page = web.post_form(
            site_code.get_absolute_url(),
            {
                "text": "小区门口的井盖松了，踩上去晃动，晚上很危险。",
                "request_type": "help",
                "area": str(site.area_id),
                "category": "estate-property",
                "contact_name": NAME,
                "contact_phone": PHONE,
                "contact_preference": "sms",
                "consent": "on",
                "website": "",
            },
        )
        assert status == 200  # followed to the receipt
        submission = Submission.objects.get()
        track = f"/track/{submission.tracking_code}/{submission.secret}/"
        assert web.get(track)[0] == 200
        assert web.get(track + "receipt/")[0] == 200
        assert web.get(f"/track/{submission.tracking_code}/WRONG2/")[0] == 404
    finally:
        output = web.stop()
    assert f"/track/{submission.tracking_code}/******/" in output  # the lines are there
    for secret in (submission.secret, NAME, PHONE, PHONE[-4:] + " "):
        assert secret not in output, secret
    stray = re.findall(rf".*{submission.tracking_code}/(?!\*).*", output)
    assert not stray, stray


def test_runserver_lines_are_redacted():
    """Local mode: ``django.server`` (runserver's request lines) uses the redacting handler."""
    logger = logging.getLogger("django.server")
    assert not logger.propagate
    filters = [f for handler in logger.handlers for f in handler.filters]
    assert any(type(f).__name__ == "RedactTrackingKeys" for f in filters)
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        "",
        0,
        '"%s" %s %s',
        ("GET /track/KL-2612-7Q4M/ABC234/ HTTP/1.1", 200, 512),
        None,
    )
    for f in filters:
        f.filter(record)
    assert "ABC234" not in record.getMessage()
