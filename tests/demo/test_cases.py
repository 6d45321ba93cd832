"""Synthetic demo cases (``seed_demo --cases``): both ways of writing them give consistent,
identical histories, and ``--cases-at-least`` is idempotent."""

import re
import uuid
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from common import crypto
from demo.cases import demo_cases_add
from demo.keys import demo_case_count, demo_submissions
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
from routing.workdays import deadlines_for

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
    assert result.cases == demo_case_count() == 160 and result.path == "services"
    assert_consistent(timezone.now())
    # The services ran at the planned times: deadlines are the ones of the triage's day.
    for case in Case.objects.filter(resolve_by__isnull=False, reply_count=0).exclude(
        supervision="active"
    ):
        triage = case.events.filter(kind=CaseEvent.Kind.TRIAGE).latest("created_at", "pk")
        if not case.extension_requests.filter(state="approved").exists():
            assert case.resolve_by == deadlines_for(case.deadline_level, triage.created_at)[1]


def _normalised(case) -> tuple:
    """A case and its rows with times as offsets from its intake, dates as days from the
    intake's date, and keys left out: a copy moved by whole weeks equals its pattern."""
    start = case.created_at
    day = timezone.localtime(start).date()

    def t(value):
        return None if value is None else value - start

    def d(value):
        return None if value is None else (value - day).days

    def note(event):
        if event.kind == "merged":
            return ""  # names the case it joined
        return re.sub(r"\d{4}-\d{2}-\d{2}", lambda m: f"{d(date.fromisoformat(m[0]))}d", event.note)

    upward = getattr(case, "upward_report", None)
    return (
        case.status,
        case.route,
        case.supervision,
        case.category_id,
        case.unit_id,
        case.area_id,
        case.deadline_level,
        case.summary,
        case.search_text,
        case.submission_count,
        case.reply_count,
        t(case.acknowledge_by),
        t(case.resolve_by),
        t(case.acknowledged_at),
        t(case.closed_at),
        t(case.replied_at),
        t(case.supervised_since),
        case.merged_into_id is not None,
        tuple(
            (e.kind, e.from_status, e.to_status, e.actor_id, e.public_actor, e.is_public)
            + (t(e.created_at), note(e))
            for e in sorted(case.events.all(), key=lambda e: (e.created_at, e.pk))
        ),
        tuple(
            (x.route, x.category_id, x.unit_id, x.deadline_level, t(x.created_at))
            for x in sorted(case.decisions.all(), key=lambda x: x.created_at)
        ),
        tuple(
            (r.reply_number, r.value, r.comment, t(r.created_at), r.submission.text)
            for r in sorted(case.ratings.all(), key=lambda r: r.reply_number)
        ),
        tuple(
            (x.state, d(x.new_resolve_by), t(x.created_at), t(x.decided_at))
            for x in sorted(case.extension_requests.all(), key=lambda x: x.created_at)
        ),
        tuple(sorted((m.title, d(m.due_on), d(m.done_on)) for m in case.milestones.all())),
        (upward.body, upward.reference_number, d(upward.reported_on), d(upward.replied_on))
        if upward
        else None,
        tuple(
            sorted(
                (s.text, s.channel, s.area_id, s.site_id, s.representative_id, s.qr_code_id)
                + (s.placement_id, s.logged_by_id, d(s.collected_on), t(s.created_at))
                + (d(s.reception_day.date) if s.reception_day else None, s.contact_phone_masked)
                for s in case.submissions.all()
            )
        ),
    )


def test_copies_are_what_the_services_wrote_moved_by_whole_weeks(network):
    now = timezone.now()
    result = demo_cases_add(700, seed=12, now=now, patterns=300)
    assert result.cases == demo_case_count() == 700
    assert_consistent(timezone.now())
    patterns = set(result.case_ids)
    cases = _demo_cases().prefetch_related(
        "events",
        "decisions",
        "ratings__submission",
        "extension_requests",
        "milestones",
        "submissions__reception_day",
    )
    original = {}
    copies = []
    for case in cases.select_related("upward_report", "merged_into"):
        if (case.merged_into_id or case.pk) in patterns:
            original.setdefault(_normalised(case), case)
        else:
            copies.append(case)
    assert len(copies) >= 400
    for case in copies:
        signature = _normalised(case)
        pattern = original.get(signature)
        if pattern is None:  # name the first part that differs from the nearest pattern
            nearest = max(
                original, key=lambda o: sum(a == b for a, b in zip(o, signature, strict=True))
            )
            diff = [(a, b) for a, b in zip(nearest, signature, strict=True) if a != b]
            raise AssertionError(f"copy {case.pk} is no pattern moved in time: {diff[:2]}")
        moved = case.created_at - pattern.created_at
        assert moved % timedelta(weeks=1) == timedelta(0)
        # An open case keeps what its deadlines say; a moved note names its own dates.
        assert case.is_overdue(now) == pattern.is_overdue(now)
    codes = list(Submission.objects.values_list("tracking_code", flat=True))
    assert len(codes) == len(set(codes))


def test_every_row_of_a_case_is_copied_or_named_as_not(db):
    from demo.copies import COPIED, NOT_COPIED

    owned = {
        rel.related_model._meta.label
        for model in (Case, Submission)
        for rel in model._meta.related_objects
        if rel.related_model not in (Case, Submission)
    }
    assert owned == {m._meta.label for m in COPIED} | NOT_COPIED


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


def test_copies_cost_queries_per_batch_not_per_case(network, django_assert_max_num_queries):
    from demo.copies import demo_cases_copy, patterns_load

    now = timezone.now()
    replayed = demo_cases_add(80, seed=1, now=now, through_services=True)
    patterns = patterns_load(replayed.case_ids, now=now)
    # A maximum, not the ``queries`` fixture's exact count: a batch writer, whose bulk inserts
    # Django splits by the database's parameter limit (for SQLite, that of the library build in
    # use), so the exact number depends on batch sizes, not on the code (31 when measured, on
    # both SQLite and PostgreSQL).
    with django_assert_max_num_queries(60):
        result = demo_cases_copy(patterns, 3000, start=80, salt="q", seed=3, batch_size=3000)
    assert result.cases == 3000
    assert Rating.objects.count() > 1500
