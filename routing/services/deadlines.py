"""The deadline sweep (催办): remind before, notice at the deadline, flag when overdue, escalate
to supervised follow-up after a grace period. Set-based: each action is a few INSERT … SELECT
statements whatever the number of cases, and a unique constraint makes it happen once per
case and deadline, even with two sweeps running at once.

For a case held by its handling unit (sent to it, or in progress), at the time ``now``:

- ``reminded``: the resolution deadline falls within the next ``DEADLINE_REMIND_WORKING_DAYS``
  working days (default 2); the unit is reminded.
- ``due``: the resolution deadline has passed; the unit is told.
- ``overdue``: the case is still open a full working day after its resolution deadline, or
  was not accepted by its acknowledgement deadline; the unit and the committee are told.
- ``escalated``: still open ``DEADLINE_ESCALATE_AFTER_WORKING_DAYS`` working days after the
  resolution deadline (default 5): supervision is requested (the route and the unit stay;
  the case waits in the workbench's 待督办 queue), and the committee is told to name a
  supervisor. A case already supervised is not escalated.

Each action is a ``DeadlineAction`` row and an event in the case log.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Value
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from representatives.models import Area, Official, Role
from routing.models import (
    Case,
    CaseEvent,
    CaseStatus,
    DeadlineAction,
    Supervision,
    SupervisionReason,
)
from routing.services.officials import committee_public_name
from routing.workdays import add_working_days, end_of_working_day, working_days_before

HELD_BY_UNIT = (CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS)
D, A = DeadlineAction.Deadline, DeadlineAction.Action

# (deadline, action) → the event it writes and who is told.
EVENT = {
    A.REMINDED: CaseEvent.Kind.REMINDER,
    A.DUE: CaseEvent.Kind.DUE,
    A.OVERDUE: CaseEvent.Kind.OVERDUE,
    A.ESCALATED: CaseEvent.Kind.ESCALATED,
}
NOTE = {
    (D.ACKNOWLEDGE, A.OVERDUE): _("Not accepted by the acknowledgement deadline."),
}
TOLD = {
    (D.RESOLVE, A.REMINDED): ("unit",),
    (D.RESOLVE, A.DUE): ("unit",),
    (D.RESOLVE, A.OVERDUE): ("unit", "committee"),
    (D.RESOLVE, A.ESCALATED): ("committee",),
    (D.ACKNOWLEDGE, A.OVERDUE): ("unit", "committee"),
}


@dataclass(frozen=True)
class Window:
    """The instants that decide each action at ``now``."""

    now: datetime
    remind_until: datetime  # deadlines up to here get a reminder
    overdue_before: datetime  # deadlines up to here are a working day late
    escalate_before: datetime  # deadlines up to here are past the grace period

    @classmethod
    def at(cls, now: datetime) -> "Window":
        today = timezone.localtime(now).date()
        grace = settings.DEADLINE_ESCALATE_AFTER_WORKING_DAYS
        return cls(
            now=now,
            remind_until=end_of_working_day(
                add_working_days(today, settings.DEADLINE_REMIND_WORKING_DAYS)
            ),
            # Overdue from the next working day on; escalated ``grace`` working days later.
            overdue_before=end_of_working_day(working_days_before(today, 1)),
            escalate_before=end_of_working_day(working_days_before(today, grace)),
        )


def _candidates(deadline: str, action: str, window: Window) -> QuerySet:
    """The cases that are due ``action`` on ``deadline`` now and have not had it."""
    held = Case.objects.filter(status__in=HELD_BY_UNIT)
    field = "resolve_by" if deadline == D.RESOLVE else "acknowledge_by"
    if deadline == D.ACKNOWLEDGE:
        qs = held.filter(
            status=CaseStatus.DISPATCHED,
            acknowledged_at__isnull=True,
            acknowledge_by__lte=window.now,
        )
    elif action == A.REMINDED:
        qs = held.filter(resolve_by__gt=window.now, resolve_by__lte=window.remind_until)
    elif action == A.DUE:
        qs = held.filter(resolve_by__lte=window.now)
    elif action == A.OVERDUE:
        qs = held.filter(resolve_by__lte=window.overdue_before)
    else:
        qs = held.filter(resolve_by__lte=window.escalate_before, supervision=Supervision.NONE)
    done = DeadlineAction.objects.filter(
        case=OuterRef("pk"), deadline=deadline, action=action, deadline_at=OuterRef(field)
    )
    return qs.filter(~Exists(done)).order_by()


def _sql(qs: QuerySet) -> tuple[str, tuple]:
    return qs.query.get_compiler(connection=connection).as_sql()


def _record(deadline: str, action: str, window: Window, sweep: str) -> int:
    """Insert the action rows of this sweep; a row another sweep wrote meanwhile is skipped."""
    field = "resolve_by" if deadline == D.RESOLVE else "acknowledge_by"
    # Annotations in the INSERT's column order (a values_list of annotations keeps it).
    rows = (
        _candidates(deadline, action, window)
        .annotate(
            c_deadline=Value(deadline),
            c_action=Value(action),
            c_at=F(field),
            c_sweep=Value(sweep),
            c_created=Value(window.now),
        )
        .values_list("pk", "c_deadline", "c_action", "c_at", "c_sweep", "c_created")
    )
    select, params = _sql(rows)
    table = DeadlineAction._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (case_id, deadline, action, deadline_at, sweep, created_at) "
            f"{select} ON CONFLICT DO NOTHING",
            params,
        )
        return cursor.rowcount


def _acted(deadline: str, action: str, sweep: str) -> QuerySet:
    return Case.objects.filter(
        Exists(
            DeadlineAction.objects.filter(
                case=OuterRef("pk"), deadline=deadline, action=action, sweep=sweep
            )
        )
    ).order_by()


def _log(
    deadline: DeadlineAction.Deadline, action: DeadlineAction.Action, window: Window, sweep: str
) -> None:
    """One event per case acted on: internal, except the escalation, which the resident sees
    as the committee taking the case under supervision."""
    public = action == A.ESCALATED
    with translation.override(settings.LANGUAGE_CODE):
        note = str(NOTE.get((deadline, action), ""))
    rows = (
        _acted(deadline, action, sweep)
        .annotate(
            c_kind=Value(EVENT[action]),
            c_from=F("status"),
            c_to=F("status"),
            c_public_actor=Value(committee_public_name() if public else ""),
            c_public=Value(public),
            c_note=Value(note),
            c_created=Value(window.now),
        )
        .values_list(
            "pk", "c_kind", "c_from", "c_to", "c_public_actor", "c_public", "c_note", "c_created"
        )
    )
    select, params = _sql(rows)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {CaseEvent._meta.db_table} "
            "(case_id, kind, from_status, to_status, public_actor, is_public, note, created_at) "
            f"{select}",
            params,
        )


def _tell(
    deadline: DeadlineAction.Deadline, action: DeadlineAction.Action, window: Window, sweep: str
) -> None:
    """In-app notices (and e-mail rows for the outbox sweep to deliver) to the unit's staff
    and to the committee staff whose area contains the case."""
    template = f"deadline_{deadline}_{action}"
    case_t, action_t = Case._meta.db_table, DeadlineAction._meta.db_table
    official_t, area_t = Official._meta.db_table, Area._meta.db_table
    user_t, note_t = get_user_model()._meta.db_table, Notification._meta.db_table
    joins = {
        "unit": (
            f"JOIN {official_t} o ON o.unit_id = c.unit_id AND o.role = %s",
            [Role.UNIT_STAFF],
        ),
        "committee": (
            f"JOIN {area_t} ca ON ca.id = c.area_id "
            f"JOIN {official_t} o ON o.role = %s "
            f"JOIN {area_t} oa ON oa.id = o.area_id AND ca.path LIKE oa.path || '%%'",
            [Role.COMMITTEE_STAFF],
        ),
    }
    for who in TOLD[(deadline, action)]:
        join, join_params = joins[who]
        for channel, state, extra in (
            (Notification.Channel.IN_APP, Notification.State.SENT, ""),
            (Notification.Channel.EMAIL, Notification.State.PENDING, "AND u.email <> ''"),
        ):
            with connection.cursor() as cursor:
                # Table names come from _meta; every value is a parameter.
                cursor.execute(
                    f"INSERT INTO {note_t} (channel, template, user_id, case_id, language, state, "  # noqa: S608
                    "attempts, last_error, created_at) "
                    "SELECT %s, %s, u.id, c.id, %s, %s, 0, '', %s "
                    f"FROM {action_t} a JOIN {case_t} c ON c.id = a.case_id {join} "
                    f"JOIN {user_t} u ON u.id = o.user_id AND u.is_active {extra} "
                    "WHERE a.sweep = %s AND a.deadline = %s AND a.action = %s",
                    [
                        channel,
                        template,
                        settings.LANGUAGE_CODE,
                        state,
                        connection.ops.adapt_datetimefield_value(window.now),
                        *join_params,
                        sweep,
                        deadline,
                        action,
                    ],
                )


STEPS = [
    (D.RESOLVE, A.REMINDED),
    (D.RESOLVE, A.DUE),
    (D.RESOLVE, A.OVERDUE),
    (D.RESOLVE, A.ESCALATED),
    (D.ACKNOWLEDGE, A.OVERDUE),
]
COUNT_KEYS = {
    (D.RESOLVE, A.REMINDED): "reminded",
    (D.RESOLVE, A.DUE): "due",
    (D.RESOLVE, A.OVERDUE): "overdue",
    (D.ACKNOWLEDGE, A.OVERDUE): "overdue",
    (D.RESOLVE, A.ESCALATED): "escalated",
}


def deadline_sweep(*, now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Act on every deadline that needs it at ``now``; the counts per action.

    One transaction per action, so a crash leaves whole actions; a rerun (or a concurrent
    sweep) finds the done ones in ``DeadlineAction`` and skips them.
    """
    window = Window.at(now or timezone.now())
    counts = dict.fromkeys(["reminded", "due", "overdue", "escalated"], 0)
    sweep = uuid.uuid4().hex
    for deadline, action in STEPS:
        key = COUNT_KEYS[(deadline, action)]
        if dry_run:
            counts[key] += _candidates(deadline, action, window).count()
            continue
        with transaction.atomic():
            done = _record(deadline, action, window, sweep)
            if not done:
                continue
            counts[key] += done
            _log(deadline, action, window, sweep)
            _tell(deadline, action, window, sweep)
            if action == A.ESCALATED:
                # Not over a supervision staff started since the candidates were read.
                _acted(deadline, action, sweep).filter(supervision=Supervision.NONE).update(
                    supervision=Supervision.REQUESTED,
                    supervision_reason=SupervisionReason.OVERDUE,
                    supervised_since=window.now,
                    updated_at=window.now,
                )
    return counts
