"""The audit log as one table for an auditor: case events, contact reveals, sign-ins (and
failed ones), admin changes, in time order (``manage.py export_audit_log``).

Each source is read in time order in chunks and the four are merged as they stream
(``heapq.merge``): any period costs a fixed number of queries per 2,000 rows and constant
memory. Residents' contact details are never in it: a reveal names the opinion's tracking
code, not what was seen. Retention: ``representatives.services.audit``.
"""

import heapq
from collections.abc import Iterator
from datetime import datetime

from axes.models import AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import ContactAccess
from routing.models import CaseEvent, CaseStatus

CHUNK = 2000


def audit_headers() -> list[str]:
    return [_("Time"), _("Kind"), _("Account"), _("Object"), _("Detail"), _("IP address")]


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _case_events(since, until) -> Iterator[tuple]:
    kind_label = {value: str(label) for value, label in CaseEvent.Kind.choices}
    status_label = {value: str(label) for value, label in CaseStatus.choices}
    rows = (
        CaseEvent.objects.filter(created_at__gte=since, created_at__lt=until)
        .select_related("actor")
        .only(
            "created_at", "case_id", "kind", "from_status", "to_status", "note", "actor__username"
        )
        .order_by("created_at", "pk")
    )
    for e in rows.iterator(chunk_size=CHUNK):
        change = ""
        if e.from_status or e.to_status:
            change = f"{status_label.get(e.from_status, '')} → {status_label.get(e.to_status, '')}"
        detail = "；".join(
            part for part in (kind_label.get(e.kind, e.kind), change, e.note) if part
        )
        actor = e.actor.username if e.actor else _("(the system)")
        yield (e.created_at, _("Case event"), actor, f"C-{e.case_id:06d}", detail, "")


def _contact_reveals(since, until) -> Iterator[tuple]:
    rows = (
        ContactAccess.objects.filter(created_at__gte=since, created_at__lt=until)
        .select_related("user", "submission")
        .only("created_at", "user__username", "submission__tracking_code", "submission__case_id")
        .order_by("created_at", "pk")
    )
    for r in rows.iterator(chunk_size=CHUNK):
        case = f"C-{r.submission.case_id:06d} " if r.submission.case_id else ""
        yield (
            r.created_at,
            _("Contact details viewed"),
            r.user.username,
            f"{case}{r.submission.tracking_code}",
            "",
            "",
        )


def _sign_ins(since, until) -> Iterator[tuple]:
    rows = (
        AccessLog.objects.filter(attempt_time__gte=since, attempt_time__lt=until)
        .only("attempt_time", "logout_time", "username", "ip_address", "user_agent")
        .order_by("attempt_time", "pk")
    )
    for r in rows.iterator(chunk_size=CHUNK):
        out = _("signed out %(time)s") % {"time": _local(r.logout_time)} if r.logout_time else ""
        detail = "；".join(part for part in (out, r.user_agent[:200]) if part)
        yield (r.attempt_time, _("Sign-in"), r.username or "", "", detail, r.ip_address or "")


def _failed_sign_ins(since, until) -> Iterator[tuple]:
    rows = (
        AccessFailureLog.objects.filter(attempt_time__gte=since, attempt_time__lt=until)
        .only("attempt_time", "username", "ip_address", "user_agent", "locked_out")
        .order_by("attempt_time", "pk")
    )
    for r in rows.iterator(chunk_size=CHUNK):
        locked = _("locked out") if r.locked_out else ""
        detail = "；".join(part for part in (locked, r.user_agent[:200]) if part)
        yield (
            r.attempt_time,
            _("Failed sign-in"),
            r.username or "",
            "",
            detail,
            r.ip_address or "",
        )


def _admin_changes(since, until) -> Iterator[tuple]:
    rows = (
        LogEntry.objects.filter(action_time__gte=since, action_time__lt=until)
        .select_related("user", "content_type")
        .order_by("action_time", "pk")
    )
    action = {1: _("added"), 2: _("changed"), 3: _("deleted")}
    for r in rows.iterator(chunk_size=CHUNK):
        what = f"{r.content_type.app_label}.{r.content_type.model} #{r.object_id}: {r.object_repr}"
        detail = "；".join(p for p in (action.get(r.action_flag, ""), r.get_change_message()) if p)
        yield (r.action_time, _("Admin change"), r.user.username, what, detail, "")


def audit_rows(since: datetime, until: datetime) -> Iterator[list]:
    """Every audit record written in [since, until), oldest first, as table rows."""
    sources = (_case_events, _contact_reveals, _sign_ins, _failed_sign_ins, _admin_changes)
    merged = heapq.merge(*(source(since, until) for source in sources), key=lambda r: r[0])
    for moment, *rest in merged:
        yield [_local(moment), *rest]
