"""The outbox: claimed once, retried, failed for good, re-queued by the sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import delivery as notify
from notifications.delivery import notification_deliver, notification_ids_to_resend
from notifications.models import Notification
from tests.feedback.helpers import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms(client, site_code, site):
    data = form_data(site.area, contact_phone="13912345678", consent="on", contact_preference="sms")
    client.post(site_code.get_absolute_url(), data)
    return Notification.objects.get()


class FailingBackend:
    def send(self, notification):
        raise ConnectionError("gateway down")


def test_a_row_is_sent_once(sms):
    assert notification_deliver(sms.pk) is True
    assert notification_deliver(sms.pk) is False  # already sent: nothing happens
    sms.refresh_from_db()
    assert sms.state == "sent" and sms.attempts == 1 and sms.sent_at


def test_failures_go_back_to_pending_then_fail_for_good(sms, settings, monkeypatch):
    settings.SMS_BACKEND = "tests.notifications.test_outbox.FailingBackend"
    for attempt in range(1, notify.MAX_ATTEMPTS + 1):
        with pytest.raises(ConnectionError):
            notification_deliver(sms.pk)
        sms.refresh_from_db()
        assert sms.attempts == attempt and sms.last_error == "ConnectionError"
        assert sms.state == ("failed" if attempt == notify.MAX_ATTEMPTS else "pending")
    assert notification_deliver(sms.pk) is False


def test_resend_sweep_finds_lost_and_stuck_rows(sms):
    Notification.objects.filter(pk=sms.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert notification_ids_to_resend() == [sms.pk]
    Notification.objects.filter(pk=sms.pk).update(
        state="sending", claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert notification_ids_to_resend() == [sms.pk]
    sms.refresh_from_db()
    assert sms.state == "pending"
