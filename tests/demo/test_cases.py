"""Synthetic demo cases (``seed_demo --cases``): both ways of writing them give consistent,
identical histories, and ``--cases-at-least`` is idempotent."""

import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from common import crypto
from demo.cases import demo_case_count, demo_cases_add, demo_submissions
from demo.network import network_seed
from feedback.models import Rating, Submission
from feedback.services.submit import IntakeSource, submission_create
from representatives.models import QRCode
from routing.models import (
    OPEN_STATUSES,
    TRANSITIONS,
    Case,
    CaseEvent,
    CaseStatus,
    ExtensionRequest,
    Route,
    SupervisionMilestone,
)

pytestmark = pytest.mark.django_db

MAIN_STATES = {
    CaseStatus.NEW,
    CaseStatus.UNDER_REVIEW,
    CaseStatus.DISPATCHED,
    CaseStatus.IN_PROGRESS,
    CaseStatus.REPLIED,
    CaseStatus.CLOSED,
    CaseStatus.MERGED,
}


@pytest.fixture
def network(db):
    network_seed(with_accounts=True, password="demo-password-for-tests")


def _demo_cases():
    return Case.objects.filter(pk__in=demo_submissions().values("case_id")) | Case.objects.filter(
        merged_into__isnull=False
    )


def assert_consistent(now):
    cases = list(_demo_cases().prefetch_related("events", "ratings"))
    assert {c.route for c in cases} >= set(Route.values)
    assert {c.status for c in cases} >= MAIN_STATES
    counts = {}
    for case_id in Submission.objects.values_list("case_id", flat=True):
        counts[case_id] = counts.get(case_id, 0) + 1
    overdue = 0
    for case in cases:
        events = sorted(case.events.all(), key=lambda e: (e.created_at, e.pk))
        assert events[0].kind == CaseEvent.Kind.RECEIVED and events[0].to_status == "new"
        status = CaseStatus.NEW
        for event in events[1:]:
            if not event.to_status or event.from_status == event.to_status:
                continue
            assert event.from_status == status, (case.pk, event)
            assert event.to_status in TRANSITIONS[status], (case.pk, status, event.to_status)
            status = event.to_status
        assert status == case.status
        assert all(e.created_at <= now for e in events)
        assert case.submission_count == counts.get(case.pk, 0)
        if case.status == CaseStatus.CLOSED:
            assert any(e.kind == CaseEvent.Kind.REPLY for e in events)
            last = max(case.ratings.all(), key=lambda r: r.reply_number)
            assert last.reply_number == case.reply_count and last.value != "dissatisfied"
            assert case.closed_at and case.created_at < case.closed_at <= now
            # The last reply's time is kept on the case, as the reply service does.
            last_reply = max(e.created_at for e in events if e.kind == CaseEvent.Kind.REPLY)
            assert case.replied_at == last_reply
        if case.status == CaseStatus.MERGED:
            assert case.merged_into.status in {*OPEN_STATUSES, CaseStatus.CLOSED}
        if case.is_overdue(now):
            overdue += 1
            assert case.status in OPEN_STATUSES and case.resolve_by < now
    assert overdue
    span = max(c.created_at for c in cases) - min(c.created_at for c in cases)
    assert span > timedelta(days=300)
    assert ExtensionRequest.objects.filter(state="approved").exists()
    assert SupervisionMilestone.objects.exists()
    # Supervision sits on top of a real route.
    supervised = Case.objects.filter(supervision="active", supervisor__isnull=False)
    assert supervised.exists()
    assert set(supervised.values_list("route", flat=True)) <= set(Route.values)
    for sub in demo_submissions():
        # The tracking code carries the month of the (historical) intake.
        assert sub.tracking_code[3:7] == f"{timezone.localtime(sub.created_at):%y%m}"
        assert sub.contact_preference != "sms"
        if sub.contact_phone_masked:
            phone = crypto.decrypt(sub.contact_phone_encrypted)
            assert phone not in sub.contact_phone_encrypted and len(phone) == 11


def test_through_the_services(network):
    now = timezone.now()
    result = demo_cases_add(160, seed=11, through_services=True, now=now)
    assert result.cases == demo_case_count() == 160
    assert_consistent(timezone.now())


def test_in_bulk(network):
    now = timezone.now()
    result = demo_cases_add(600, seed=12, now=now)
    assert result.cases == demo_case_count() == 600
    assert_consistent(timezone.now())


def _signature():
    """Everything about the demo cases except keys, codes, secrets and primary keys."""
    rows = []
    for case in _demo_cases().prefetch_related(
        "events", "decisions", "ratings", "extension_requests", "milestones", "submissions"
    ):
        upward = getattr(case, "upward_report", None)
        rows.append(
            (
                case.created_at,
                case.summary,
                case.status,
                case.route,
                case.category_id,
                case.unit_id,
                case.urgent,
                case.deadline_level,
                case.acknowledge_by,
                case.resolve_by,
                case.acknowledged_at,
                case.closed_at,
                case.supervisor_id,
                case.merged_into.created_at if case.merged_into else None,
                case.submission_count,
                case.reply_count,
                case.site_id,
                case.representative_id,
                tuple(sorted(case.suggestion.items(), key=str)),
                tuple(
                    (
                        e.kind,
                        e.from_status,
                        e.to_status,
                        e.actor_id,
                        e.public_actor,
                        e.is_public,
                        "" if e.kind == "merged" else e.note,
                        e.created_at,
                    )
                    for e in sorted(case.events.all(), key=lambda e: (e.created_at, e.pk))
                ),
                tuple(
                    (d.route, d.category_id, d.unit_id, d.urgent, d.deadline_level, d.changed)
                    + (d.suggested_route, d.suggested_category, d.actor_id, d.created_at)
                    for d in sorted(case.decisions.all(), key=lambda d: d.created_at)
                ),
                tuple(
                    (r.reply_number, r.value, r.comment, r.created_at, r.submission.text)
                    for r in sorted(case.ratings.all(), key=lambda r: r.reply_number)
                ),
                tuple(
                    (x.state, x.new_resolve_by, x.created_at, x.decided_at, x.requested_by_id)
                    for x in sorted(case.extension_requests.all(), key=lambda x: x.created_at)
                ),
                tuple((m.title, m.due_on, m.done_on) for m in case.milestones.all()),
                (upward.body, upward.reference_number, upward.reported_on, upward.replied_on)
                if upward
                else None,
                tuple(
                    sorted(
                        (
                            s.text,
                            s.channel,
                            s.area_id,
                            s.site_id,
                            s.representative_id,
                            s.qr_code_id,
                            s.placement_id,
                            s.reception_day.date if s.reception_day else None,
                            s.logged_by_id,
                            s.collected_on,
                            s.request_type,
                            s.category_id,
                            s.contact_phone_masked,
                            crypto.decrypt(s.contact_name_encrypted),
                            s.contact_preference,
                            s.consent_at,
                            s.created_at,
                            s.tracking_code[:8],
                        )
                        for s in case.submissions.all()
                    )
                ),
            )
        )
    return sorted(rows, key=lambda r: (r[0], r[1]))


class _Rollback(Exception):
    pass


def test_both_ways_write_the_same_cases(network):
    now = timezone.now()
    try:
        with transaction.atomic():
            demo_cases_add(150, seed=5, through_services=True, now=now)
            through_services = _signature()
            raise _Rollback
    except _Rollback:
        pass
    assert demo_case_count() == 0
    demo_cases_add(150, seed=5, now=now)
    in_bulk = _signature()
    assert len(in_bulk) == len(through_services) == 150
    for a, b in zip(through_services, in_bulk, strict=True):
        assert a == b


def test_cases_at_least_adds_only_what_is_missing(network):
    call_command("seed_demo", "--no-accounts", "--cases-at-least", "40", "--bulk")
    assert demo_case_count() == 40
    call_command("seed_demo", "--no-accounts", "--cases-at-least", "40")
    assert demo_case_count() == 40
    call_command("seed_demo", "--no-accounts", "--cases-at-least", "55")
    assert demo_case_count() == 55
    # A resident's real submission is not a demo one.
    site_code = QRCode.objects.filter(site__isnull=False).select_related("site").first()
    submission_create(
        key=uuid.uuid4(),
        source=IntakeSource(channel="site_qr", qr_code=site_code, site=site_code.site),
        area_id=site_code.site.area_id,
        text="小区门口的路灯不亮了。",
        request_type="help",
    )
    assert Submission.objects.count() == 56 and demo_case_count() == 55


def test_bulk_queries_do_not_grow_with_the_cases(network, django_assert_max_num_queries):
    demo_cases_add(10, seed=1)  # warm the per-process caches (units, classifier rules)
    with django_assert_max_num_queries(80):
        result = demo_cases_add(2000, seed=3)
    assert result.cases == 2000
    assert Rating.objects.count() > 1000
