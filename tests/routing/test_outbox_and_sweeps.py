"""The outbox (claim once, retry, fail for good) and the beat sweeps."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import PendingPhoto, Submission
from feedback.services.housekeeping import pending_photos_purge
from routing.models import Notification
from routing.services import notify
from routing.services.notify import notification_deliver, notification_ids_to_resend
from routing.tasks import open_pending_cases_task
from tests.feedback.conftest import form_data, jpeg_with_gps

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
    settings.SMS_BACKEND = "tests.routing.test_outbox_and_sweeps.FailingBackend"
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


def test_case_sweep_opens_each_case_once_and_skips_a_bad_row(client, site_code, site, monkeypatch):
    from celery import current_app

    current_app.conf.task_always_eager = False
    try:
        for _ in range(3):
            client.post(site_code.get_absolute_url(), form_data(site.area))
    finally:
        current_app.conf.task_always_eager = True
    first, second, third = Submission.objects.order_by("pk")
    assert not any(s.case_id for s in (first, second, third))
    from routing import tasks

    real = tasks.case_open_for_submission

    def flaky(submission_id):
        if submission_id == second.pk:
            raise RuntimeError("bad row")
        return real(submission_id)

    monkeypatch.setattr(tasks, "case_open_for_submission", flaky)
    assert open_pending_cases_task() == 2
    monkeypatch.setattr(tasks, "case_open_for_submission", real)
    assert open_pending_cases_task() == 1
    assert open_pending_cases_task() == 0
    assert Submission.objects.filter(case__isnull=True).count() == 0


def test_abandoned_pending_photos_are_purged(site):
    from feedback.photos import clean_photo

    photo = PendingPhoto.objects.create(
        form_key="3f6b0b8e-5a0b-4f59-9a43-2b1f3f0e9b11", image=clean_photo(jpeg_with_gps())
    )
    path = photo.image.path
    assert pending_photos_purge() == 0
    PendingPhoto.objects.filter(pk=photo.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert pending_photos_purge() == 1
    assert not PendingPhoto.objects.exists()
    import os

    assert not os.path.exists(path)
