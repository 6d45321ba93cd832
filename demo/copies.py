"""Copies of cases the services wrote, for demo volumes the services would take an hour to
write (100,000 cases at about 30 a second).

A pattern is a case as ``demo.replay`` left it, with the duplicates merged into it: its
submissions, events, classification decisions, ratings, extension requests, upward report and
supervision milestones. A copy is every one of those rows again, with new keys (primary key,
tracking code, secret, idempotency key) and moved in time by whole weeks, so that deadlines
stay on the same weekday and hour. Nothing here knows what a status, a route or a step means:
the rows are what the services wrote, field by field (``COPIED`` lists the models; a test
fails when a model that belongs to a case is added and not listed).

How far a copy may move keeps what its deadlines say: a closed case anywhere in the last
twelve months; an open case only as far back as its next deadline allows (an open case that
is not overdue stays not overdue) and only as far forward as its passed deadlines allow (an
overdue one stays overdue); a case without deadlines yet (new,
under review) not at all.
"""

from __future__ import annotations

import contextlib
import copy
import random
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.base import ModelState
from django.utils import timezone

from demo.keys import demo_key
from demo.plans import SPAN_DAYS, reception_days
from demo.replay import DemoResult
from feedback.models import CODE_ALPHABET, Rating, Submission, new_secret
from routing.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    ClassificationDecision,
    ExtensionRequest,
    SupervisionMilestone,
    UpwardReport,
)

WEEK = timedelta(weeks=1)
# The rows of a case, besides the case and its submissions, copied with it.
COPIED = (
    CaseEvent,
    ClassificationDecision,
    Rating,
    ExtensionRequest,
    UpwardReport,
    SupervisionMilestone,
)
# Rows that refer to a case or a submission but are not copied: no synthetic case has them
# (photos, corrections, deadline actions, meeting decisions, suggestions and instructions are
# not part of the demo's story; notifications are deleted after the replay; 公示
# publications and announcements are made after the copies, by ``demo.gongshi``).
NOT_COPIED = {
    "feedback.SubmissionCorrection",
    "feedback.SubmissionPhoto",
    "notices.Announcement",
    "notices.CasePublication",
    "reports.Instruction",
    "reports.Suggestion",
    "routing.DeadlineAction",
    "routing.MeetingDecision",
}
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


@dataclass
class Pattern:
    cases: list[Case]  # the surviving case first, then the duplicates merged into it
    submissions: list[Submission]
    rows: dict  # model -> list of its rows for these cases
    earliest: datetime  # the first intake
    latest: datetime  # the last thing that happened
    back: int  # how many weeks a copy may move into the past
    forward: int  # ... and towards now

    @property
    def size(self) -> int:
        return len(self.cases)


def patterns_load(case_ids: list[int], *, now: datetime) -> list[Pattern]:
    """The cases ``case_ids`` and everything copied with them (a fixed number of queries)."""
    # Survivors first, so that each group starts with its surviving case.
    cases = list(
        Case.objects.filter(Q(pk__in=case_ids) | Q(merged_into_id__in=case_ids)).order_by(
            F("merged_into_id").asc(nulls_first=True), "pk"
        )
    )
    ids = [c.pk for c in cases]
    root = {c.pk: c.merged_into_id or c.pk for c in cases}
    groups: dict[int, dict] = {
        c.pk: {"cases": [], "submissions": [], "rows": {m: [] for m in COPIED}}
        for c in cases
        if not c.merged_into_id
    }
    for case in cases:
        groups[root[case.pk]]["cases"].append(case)
    for submission in (
        Submission.objects.filter(case_id__in=ids).select_related("reception_day").order_by("pk")
    ):
        groups[root[submission.case_id]]["submissions"].append(submission)
    for model in COPIED:
        for row in model.objects.filter(case_id__in=ids).order_by("pk"):
            groups[root[row.case_id]]["rows"][model].append(row)
    start = now - timedelta(days=SPAN_DAYS)
    patterns = []
    for group in groups.values():
        survivor = group["cases"][0]
        earliest = min(s.created_at for s in group["submissions"])
        latest = max(
            [c.updated_at for c in group["cases"]]
            + [e.created_at for e in group["rows"][CaseEvent]]
        )
        back = max((earliest - start) // WEEK, 0)
        forward = max((now - latest) // WEEK, 0)
        if survivor.status in OPEN_STATUSES:
            back = min(back, _weeks_before_deadline(survivor, now))
            forward = min(forward, _weeks_after_deadline(survivor, now))
        patterns.append(
            Pattern(
                cases=group["cases"],
                submissions=group["submissions"],
                rows=group["rows"],
                earliest=earliest,
                latest=latest,
                back=back,
                forward=forward,
            )
        )
    return patterns


def _deadlines(case: Case) -> list[datetime]:
    """The deadlines an open case still has: resolution, and acceptance until accepted."""
    deadlines = [case.resolve_by] + ([case.acknowledge_by] if not case.acknowledged_at else [])
    return [d for d in deadlines if d is not None]


def _weeks_before_deadline(case: Case, now: datetime) -> int:
    """How far an open case may move back: until its next deadline would pass."""
    deadlines = _deadlines(case)
    if not deadlines:
        return 0
    upcoming = [d for d in deadlines if d > now]
    if not upcoming:
        return SPAN_DAYS // 7  # overdue already: it stays overdue
    return (min(upcoming) - now) // WEEK


def _weeks_after_deadline(case: Case, now: datetime) -> int:
    """How far an open case may move forward: a deadline that has passed stays passed (an
    overdue case stays overdue)."""
    passed = [d for d in _deadlines(case) if d <= now]
    if not passed:
        return SPAN_DAYS // 7
    return (now - max(passed)) // WEEK


class TrackingCodes:
    """``KL-<yymm>-XXXX`` in the month of each copy's intake, unique against the database
    (loaded once per month) and within the run."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: dict[str, set[str]] = {}

    def draw(self, at: datetime) -> str:
        prefix = f"KL-{timezone.localtime(at):%y%m}-"
        taken = self.taken.get(prefix)
        if taken is None:
            taken = set(
                Submission.objects.filter(tracking_code__startswith=prefix).values_list(
                    "tracking_code", flat=True
                )
            )
            self.taken[prefix] = taken
        while True:
            code = prefix + "".join(self.rng.choice(CODE_ALPHABET) for _ in range(4))
            if code not in taken:
                taken.add(code)
                return code


def _time_fields(model) -> tuple[list[str], list[str]]:
    """The model's datetime and date fields (a DateTimeField is a DateField too)."""
    datetimes = [
        f.attname for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)
    ]
    dates = [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
    ]
    return datetimes, dates


TIME_FIELDS = {model: _time_fields(model) for model in (Case, Submission, *COPIED)}


def _moved(row, weeks: int, **changes):
    """A new unsaved copy of ``row``, its dates and times ``weeks`` later, with ``changes``."""
    new = copy.copy(row)
    new._state = ModelState()
    new.pk = None
    delta = weeks * WEEK
    datetimes, dates = TIME_FIELDS[type(row)]
    for name in datetimes + dates:
        value = getattr(row, name)
        if value is not None:
            setattr(new, name, value + delta)
    for name, value in changes.items():
        setattr(new, name, value)
    return new


def _moved_note(note: str, weeks: int, references: dict[str, str]) -> str:
    """A note as the services wrote it, with its ISO dates moved and its case references
    (a merge names the case it joined) renamed."""
    if not note:
        return note

    def move(match):
        day = date(*(int(g) for g in match.groups())) + weeks * WEEK
        return day.isoformat()

    note = ISO_DATE.sub(move, note)
    for old, new in references.items():
        note = note.replace(old, new)
    return note


@contextlib.contextmanager
def _own_timestamps():
    """``bulk_create`` stamps ``auto_now``/``auto_now_add`` fields with now; a copy keeps
    its moved times, so the stamping is off while it is written."""
    saved = []
    for model in (Case, Submission, *COPIED):
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@dataclass
class _Copy:
    pattern: Pattern
    weeks: int
    index: int  # of its first submission's idempotency key


def demo_cases_copy(
    patterns: list[Pattern],
    n: int,
    *,
    start: int,
    salt: str,
    seed: int,
    batch_size: int,
    log=None,
) -> DemoResult:
    """``n`` cases copied from ``patterns``, ``batch_size`` cases per transaction; the copies'
    idempotency keys count on from ``start``."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not security)
    codes = TrackingCodes(random.Random(secrets.randbits(32)))  # noqa: S311
    result = DemoResult(path="copies")
    singles = [p for p in patterns if p.size == 1]
    batch: list[_Copy] = []
    size = made = 0
    index = start
    with _own_timestamps():
        while made < n:
            pattern = rng.choice(patterns)
            if made + pattern.size > n:
                pattern = rng.choice(singles)
            weeks = rng.randint(-pattern.back, pattern.forward)
            batch.append(_Copy(pattern, weeks, index))
            index += len(pattern.submissions)
            made += pattern.size
            size += pattern.size
            if size >= batch_size or made >= n:
                _write(batch, codes, salt, result)
                batch, size = [], 0
                if log:
                    log(result)
    return result


@transaction.atomic
def _write(batch: list[_Copy], codes: TrackingCodes, salt: str, result: DemoResult) -> None:
    """One batch of copies: the surviving cases, then their duplicates, then every row that
    belongs to them, each model in one ``bulk_create``."""
    survivors = [_moved(c.pattern.cases[0], c.weeks) for c in batch]
    Case.objects.bulk_create(survivors)
    new_case: list[dict[int, Case]] = []
    duplicates = []
    for item, survivor in zip(batch, survivors, strict=True):
        cases = {item.pattern.cases[0].pk: survivor}
        for dup in item.pattern.cases[1:]:
            cases[dup.pk] = _moved(dup, item.weeks, merged_into_id=survivor.pk)
            duplicates.append(cases[dup.pk])
        new_case.append(cases)
    Case.objects.bulk_create(duplicates)

    days = reception_days(
        {
            (s.reception_day.site_id, s.reception_day.date + item.weeks * WEEK)
            for item in batch
            for s in item.pattern.submissions
            if s.reception_day_id
        }
    )
    submissions, new_submission = [], []
    for item, cases in zip(batch, new_case, strict=True):
        mapping = {}
        for offset, s in enumerate(item.pattern.submissions):
            created = s.created_at + item.weeks * WEEK
            copied = _moved(
                s,
                item.weeks,
                case_id=cases[s.case_id].pk,
                tracking_code=codes.draw(created),
                secret=new_secret(),
                idempotency_key=demo_key(salt, item.index + offset),
            )
            if s.reception_day_id:
                day = (s.reception_day.site_id, s.reception_day.date + item.weeks * WEEK)
                copied.reception_day_id = days[day].pk
            mapping[s.pk] = copied
            submissions.append(copied)
        new_submission.append(mapping)
    Submission.objects.bulk_create(submissions)

    rows: dict = {model: [] for model in COPIED}
    for item, cases, subs in zip(batch, new_case, new_submission, strict=True):
        references = (
            {old.reference: cases[old.pk].reference for old in item.pattern.cases}
            if item.pattern.size > 1
            else {}
        )
        for model, pattern_rows in item.pattern.rows.items():
            for row in pattern_rows:
                copied = _moved(row, item.weeks, case_id=cases[row.case_id].pk)
                if model is Rating and row.submission_id:
                    copied.submission_id = subs[row.submission_id].pk
                if model is CaseEvent:
                    copied.note = _moved_note(row.note, item.weeks, references)
                rows[model].append(copied)
    for model, objs in rows.items():
        model.objects.bulk_create(objs, batch_size=5000)
    result.cases += len(survivors) + len(duplicates)
    result.submissions += len(submissions)
    result.events += len(rows[CaseEvent])
    for case in (*survivors, *duplicates):
        result.by_status[case.status] = result.by_status.get(case.status, 0) + 1
