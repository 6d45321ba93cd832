"""Hand-made cases for the figures (``quarter_cases``: the ``quarter`` fixture of the reports'
tests and of the briefing journey), each built through intake, then put in the state the test
needs with plain updates (dates, statuses and events are what the definitions read)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from feedback.models import Rating, Submission
from routing.models import Case, CaseEvent
from tests.factories import AreaFactory, HandlingUnitFactory, UserFactory
from tests.routing.helpers import open_case

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def made(area, received: str, *, status="new", channel=None, **fields) -> Case:
    """A case (and its one submission) received at ``received``, then set to ``fields``."""
    case = open_case(area)
    when = at(received)
    Submission.objects.filter(case=case).update(
        created_at=when, **({"channel": channel} if channel else {})
    )
    for key in ("closed_at", "resolve_by"):
        if isinstance(fields.get(key), str):
            fields[key] = at(fields[key])
    Case.objects.filter(pk=case.pk).update(created_at=when, status=status, **fields)
    CaseEvent.objects.filter(case=case).update(created_at=when)
    return Case.objects.get(pk=case.pk)


def event(case, kind: str, when: str, **fields) -> CaseEvent:
    """An event at ``when``; a reply also stamps the case, as ``case_reply`` does."""
    item = CaseEvent.objects.create(case=case, kind=kind, **fields)
    CaseEvent.objects.filter(pk=item.pk).update(created_at=at(when))
    if kind == "reply":
        Case.objects.filter(pk=case.pk).update(replied_at=at(when))
    return item


def rating(case, value: str, when: str, number: int = 1) -> Rating:
    item = Rating.objects.create(case=case, reply_number=number, value=value)
    Rating.objects.filter(pk=item.pk).update(created_at=at(when))
    return item


def quarter_cases(areas):
    """2026Q3 in the street of ``areas``, with one case of each kind the definitions care
    about, and one case in another district that a district-scoped reader must not count."""
    community = areas[3]
    unit = HandlingUnitFactory(name="克拉玛依区住房和城乡建设局")
    cases = {}
    # A: closed on time and rated satisfied.
    cases["A"] = made(
        community,
        "2026-07-05T09:00",
        status="closed",
        route="assign",
        unit=unit,
        closed_at="2026-07-20T09:00",
        resolve_by="2026-07-25T18:00",
    )
    event(cases["A"], "reply", "2026-07-18T10:00", is_public=True)
    rating(cases["A"], "satisfied", "2026-07-19T10:00")
    # B: replied late, rated "basically", reopened once (a redo), closed later.
    cases["B"] = made(
        community,
        "2026-07-10T09:00",
        status="closed",
        route="assign",
        unit=unit,
        closed_at="2026-08-30T09:00",
        resolve_by="2026-08-01T18:00",
    )
    event(cases["B"], "reply", "2026-08-20T10:00", is_public=True)
    event(cases["B"], "transition", "2026-08-21T10:00", to_status="reopened")
    rating(cases["B"], "basically", "2026-08-29T10:00")
    # C: still with the unit, past its deadline; was returned once; reopened by a dissatisfied
    # rating earlier.
    cases["C"] = made(
        community,
        "2026-08-01T09:00",
        status="in_progress",
        route="assign",
        unit=unit,
        resolve_by="2026-08-15T18:00",
    )
    event(cases["C"], "return", "2026-08-02T10:00")
    rating(cases["C"], "dissatisfied", "2026-09-01T10:00")
    # The dissatisfied rating reopened it, as case_rate does: a rating event to "reopened".
    event(cases["C"], "rating", "2026-09-01T10:00", to_status="reopened", note="dissatisfied")
    # D: not looked at yet. E: not accepted. F: merged into A (counted there).
    cases["D"] = made(community, "2026-09-01T09:00", status="new", channel="placement")
    cases["E"] = made(community, "2026-09-10T09:00", status="not_accepted", channel="placement")
    cases["F"] = made(community, "2026-09-15T09:00", status="merged", merged_into=cases["A"])
    # G: received in the quarter before, closed in this one, on time.
    cases["G"] = made(
        community,
        "2026-06-30T23:30",
        status="closed",
        route="direct",
        closed_at="2026-07-02T11:30",
        resolve_by="2026-07-05T18:00",
    )
    event(cases["G"], "reply", "2026-07-01T10:00", is_public=True)
    # H: an approved extension moved its deadline (16 → 20 August); replied inside it. It was
    # supervised from triage on, on top of its route (a hand-off).
    cases["H"] = made(
        community,
        "2026-07-20T09:00",
        status="closed",
        route="assign",
        unit=unit,
        closed_at="2026-08-12T09:00",
        resolve_by="2026-08-20T18:00",
        supervision="active",
        supervision_reason="rule",
        supervised_since=at("2026-07-20T10:00"),
        supervisor=UserFactory(username="supervisor"),
    )
    event(cases["H"], "extension", "2026-08-10T09:00", is_public=True)
    event(cases["H"], "reply", "2026-08-10T10:00", is_public=True)
    # Elsewhere: another district's case, in the same quarter.
    other = AreaFactory(code="650204", name="独山子区", level="district", parent=areas[0])
    cases["X"] = made(other, "2026-07-15T09:00", status="closed", closed_at="2026-07-16T09:00")
    # Outside the quarter entirely.
    cases["Y"] = made(community, "2026-10-02T09:00")
    return cases
