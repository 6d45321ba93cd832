"""The beat sweeps that tidy up: opening the cases of new submissions, purging abandoned
photo uploads."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import PendingPhoto, Submission
from feedback.photos import clean_photo
from feedback.services.housekeeping import pending_photos_purge
from feedback.tasks import open_pending_cases_task
from tests.feedback.helpers import form_data, jpeg_with_gps

pytestmark = pytest.mark.django_db


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
    from feedback import tasks

    real = tasks.submission_case_open

    def flaky(submission_id):
        if submission_id == second.pk:
            raise RuntimeError("bad row")
        return real(submission_id)

    monkeypatch.setattr(tasks, "submission_case_open", flaky)
    assert open_pending_cases_task() == 2
    monkeypatch.setattr(tasks, "submission_case_open", real)
    assert open_pending_cases_task() == 1
    assert open_pending_cases_task() == 0
    assert Submission.objects.filter(case__isnull=True).count() == 0


def test_abandoned_pending_photos_are_purged(site):
    photo = PendingPhoto.objects.create(
        form_key="3f6b0b8e-5a0b-4f59-9a43-2b1f3f0e9b11", image=clean_photo(jpeg_with_gps())
    )
    path = photo.image.path
    assert pending_photos_purge() == 0
    PendingPhoto.objects.filter(pk=photo.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert pending_photos_purge() == 1
    assert not PendingPhoto.objects.exists()
    assert not os.path.exists(path)
