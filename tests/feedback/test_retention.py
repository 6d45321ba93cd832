"""Retention: contact details are erased a configurable time after the case ended; the
submission and every figure computed from it stay."""

import logging
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from common import crypto
from feedback.models import Submission
from feedback.services.contact import submission_contact_reveal
from feedback.services.retention import contact_details_purge
from feedback.tasks import contact_details_purge_task
from routing.models import Case, CaseStatus
from tests.routing.helpers import PHONE, TEXT, open_case

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def ended(case, *, status=CaseStatus.CLOSED, days_ago):
    at = NOW - timedelta(days=days_ago)
    Case.objects.filter(pk=case.pk).update(
        status=status, closed_at=at if status == CaseStatus.CLOSED else None, updated_at=at
    )
    return Submission.objects.get(case=case)


def test_contact_goes_two_years_after_closing_and_the_submission_stays(site, committee_staff):
    old = ended(open_case(site.area, site=site), days_ago=731)
    recent = ended(open_case(site.area, site=site), days_ago=729)
    still_open = Submission.objects.get(case=open_case(site.area, site=site))

    assert contact_details_purge(now=NOW) == 1

    old.refresh_from_db()
    assert old.contact_name_encrypted == old.contact_phone_encrypted == ""
    assert old.contact_phone_masked == "" and old.contact_preference == "none"
    assert old.contact_purged_at == NOW
    # What statistics and briefings read is untouched.
    assert (old.text, old.area_id, old.channel, old.case.status) == (
        TEXT,
        site.area_id,
        "site_qr",
        "closed",
    )
    assert Submission.objects.count() == 3
    # Nobody can reveal what is gone; the others still can.
    with pytest.raises(PermissionDenied):
        submission_contact_reveal(submission=old, user=committee_staff)
    for kept in (recent, still_open):
        kept.refresh_from_db()
        assert kept.contact_purged_at is None
        assert crypto.decrypt(kept.contact_phone_encrypted) == PHONE


def test_merged_and_not_accepted_cases_count_from_their_last_change(site):
    merged = ended(open_case(site.area, site=site), status=CaseStatus.MERGED, days_ago=800)
    refused = ended(open_case(site.area, site=site), status=CaseStatus.NOT_ACCEPTED, days_ago=800)
    young = ended(open_case(site.area, site=site), status=CaseStatus.NOT_ACCEPTED, days_ago=10)
    assert contact_details_purge(now=NOW) == 2
    assert {s.pk for s in Submission.objects.filter(contact_purged_at__isnull=False)} == {
        merged.pk,
        refused.pk,
    }
    young.refresh_from_db()
    assert young.contact_phone_encrypted


def test_the_period_is_configurable_and_a_second_run_does_nothing(site, settings):
    settings.CONTACT_RETENTION_DAYS = 30
    for _ in range(3):
        ended(open_case(site.area, site=site), days_ago=31)
    assert contact_details_purge(now=NOW, batch=2) == 3  # two batches
    assert contact_details_purge(now=NOW) == 0


def test_the_task_logs_a_count_and_no_personal_data(site, caplog):
    ended(open_case(site.area, site=site), days_ago=1000)
    with caplog.at_level(logging.INFO, logger="feedback.services.retention"):
        assert contact_details_purge_task.delay().get() == 1
    assert "contact details erased from 1 submissions" in caplog.text
    assert PHONE not in caplog.text and "王秀兰" not in caplog.text


def test_the_daily_purge_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-contact-details"]
    assert entry["task"] == "feedback.tasks.contact_details_purge_task"
    assert settings.CONTACT_RETENTION_DAYS == 730
