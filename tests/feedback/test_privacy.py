"""Contact details: encrypted at rest, masked, rotatable, never in logs; SMS through the outbox."""

import logging

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from common import crypto
from feedback.models import Submission
from notifications.models import Notification
from tests.feedback.helpers import form_data

pytestmark = pytest.mark.django_db


def _submit(client, site_code, site, **extra):
    data = form_data(
        site.area,
        contact_name="刘阿姨",
        contact_phone="13912345678",
        consent="on",
        contact_preference="sms",
    )
    data.update(extra)
    assert client.post(site_code.get_absolute_url(), data).status_code == 302
    return Submission.objects.latest("pk")


def test_contact_is_encrypted_at_rest_and_masked(client, site_code, site):
    submission = _submit(client, site_code, site)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM feedback_submission WHERE id = %s", [submission.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert "13912345678" not in row and "刘阿姨" not in row
    assert crypto.decrypt(submission.contact_phone_encrypted) == "13912345678"
    assert crypto.decrypt(submission.contact_name_encrypted) == "刘阿姨"
    assert submission.contact_phone_masked == "139****5678"
    assert submission.consent_at is not None


def test_anonymous_submission_has_no_contact(client, site_code, site):
    client.post(site_code.get_absolute_url(), form_data(site.area))
    submission = Submission.objects.get()
    assert not submission.has_contact and submission.consent_at is None
    assert not Notification.objects.exists()


def test_key_rotation(client, site_code, site, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CONTACT_ENCRYPTION_KEYS = [old_key]
    submission = _submit(client, site_code, site)
    settings.CONTACT_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_contact_keys")
    settings.CONTACT_ENCRYPTION_KEYS = [new_key]
    submission.refresh_from_db()
    assert crypto.decrypt(submission.contact_phone_encrypted) == "13912345678"


def test_sms_receipt_goes_through_the_outbox_without_personal_data_in_logs(
    client, site_code, site, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        submission = _submit(client, site_code, site)
    notification = Notification.objects.get(submission=submission)
    assert notification.channel == "sms" and notification.template == "submission_received"
    assert (
        notification.state == "sent" and notification.attempts == 1
    )  # eager delivery after commit
    logs = caplog.text
    assert "13912345678" not in logs and "刘阿姨" not in logs and "139****5678" not in logs
    assert f"notification={notification.pk}" in logs


def test_no_sms_when_resident_chose_phone_or_none(client, site_code, site):
    _submit(client, site_code, site, contact_preference="phone")
    assert not Notification.objects.exists()
