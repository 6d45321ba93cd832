"""The routes of routes.csv as policy objects: the one place where routes differ.

A case follows one route for its whole life (``Case.route``: direct, assign, transfer or
report). Everything that differs by route is stated here, once: the deadline level it starts
with, the unit kinds triage may send it to, the body it goes to after committee review, the
bodies a dispatching office may forward it to, and its steps: which action is open at which
status, for which body, and where it leads. Views, services, the deadline sweep, the
classifier and the reports ask ``ROUTES`` (or ``policy_for(case)``); no other module compares
route names (STYLE: one concept, one field; variation in one policy).

Supervision (督办) is not a route. It is an overlay on any route (``Case.supervision``, with
its supervisor, reason and milestones) and the case keeps following its own route's steps: a
supervised transfer still goes through committee review to the city government office, a
supervised report still records its upward submission and the reply. ``SUPERVISION`` holds
the overlay's own policy (its code in the classifier's contract and its deadline level).

``check_against_csv`` runs when the app starts: the routes and the overlay must be exactly
the rows of ``routes.csv``, with the same default deadline levels.
"""

import csv
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from routing.models import CaseStatus, DeadlineLevel, Route, UnitKind
from routing.reference import ROUTES_CSV

S = CaseStatus


class Action(StrEnum):
    """What someone does to move a case along its route (each has a service, a URL and a
    template partial; ``tests/routing/test_routes.py`` checks all three exist)."""

    DIRECT_REPLY = "direct_reply"  # the representative or station answers
    REVIEW = "review"  # the committee approves (sends on) or sends back to triage
    FORWARD = "forward"  # the dispatching office sends the case on to a department
    ACCEPT = "accept"  # the unit takes the case on
    RETURN = "return"  # the unit says "not ours"
    EXTEND = "extend"  # the unit asks for more time
    RESPOND = "respond"  # the unit reports its result
    REPORT_UPWARD = "report_upward"  # the committee records the submission to the higher body
    RECORD_UPWARD_REPLY = "record_upward_reply"  # ... and the higher body's reply
    VERIFY = "verify"  # the committee checks the result and replies to the resident


class Body(StrEnum):
    """Who acts at a step."""

    COMMITTEE = "committee"  # standing-committee staff of the case's area
    RESPONDER = "responder"  # the case's representative or the staff of its site
    UNIT = "unit"  # the handling unit that holds the case
    DISPATCHER = "dispatcher"  # the office that holds it to forward it (city government office)


@dataclass(frozen=True)
class Step:
    status: str  # the case's status when the step is open
    action: Action
    body: Body
    to: str  # the status the step leads to (on its main path)


# Shortest first (a redo has its own level, set when the case is reopened).
LEVELS_BY_DURATION = (
    DeadlineLevel.URGENT,
    DeadlineLevel.IMMEDIATE,
    DeadlineLevel.GENERAL,
    DeadlineLevel.COMPLEX,
    DeadlineLevel.DIFFICULT,
)

# Unit kinds, named once.
STREET_UNITS = frozenset({UnitKind.STREET_OFFICE, UnitKind.TOWNSHIP_GOVERNMENT})
DEPARTMENTS = frozenset(
    {
        UnitKind.CITY_DEPARTMENT,
        UnitKind.SUPERVISORY_COMMISSION,
        UnitKind.COURT,
        UnitKind.PROCURATORATE,
    }
)

# What a unit does with a case it holds, on every route that dispatches to units.
UNIT_STEPS = (
    Step(S.DISPATCHED, Action.ACCEPT, Body.UNIT, S.IN_PROGRESS),
    Step(S.DISPATCHED, Action.RETURN, Body.UNIT, S.RETURNED),
    Step(S.IN_PROGRESS, Action.RETURN, Body.UNIT, S.RETURNED),
    Step(S.DISPATCHED, Action.EXTEND, Body.UNIT, S.DISPATCHED),
    Step(S.IN_PROGRESS, Action.EXTEND, Body.UNIT, S.IN_PROGRESS),
    Step(S.IN_PROGRESS, Action.RESPOND, Body.UNIT, S.RESPONDED),
    Step(S.RESPONDED, Action.VERIFY, Body.COMMITTEE, S.REPLIED),
)


@dataclass(frozen=True)
class RoutePolicy:
    route: str  # a Route value
    code_zh: str  # as staff say it (直办 …), also in the classifier's reasons
    default_level: str  # a DeadlineLevel value, from routes.csv
    # The status triage moves the case to, and who is told then.
    after_triage: str
    # Unit kinds triage sends the case to (empty: none at triage).
    triage_unit_kinds: frozenset = frozenset()
    # The unit kind committee review sends the case to (None: no review).
    after_review: str | None = None
    # Unit kinds the dispatcher may forward the case to (empty: no forwarding).
    forward_kinds: frozenset = frozenset()
    # Whether the case needs a representative or site to answer it.
    needs_responder: bool = False
    steps: tuple[Step, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return str(Route(self.route).label)

    def steps_at(self, status: str, body: Body | None = None) -> list[Step]:
        return [s for s in self.steps if s.status == status and (body is None or s.body == body)]

    def allows(self, action: Action, status: str, body: Body | None = None) -> bool:
        """Whether ``action`` is open at ``status`` (for ``body``, when given)."""
        return any(s.action == action for s in self.steps_at(status, body))

    def actions_at(self, status: str, body: Body) -> list[Action]:
        return list(dict.fromkeys(s.action for s in self.steps_at(status, body)))

    def deadline_level(self, *, urgent: bool, reopened: bool, supervised: bool) -> str:
        """The level triage sets when staff do not pick one: urgent first, then a redo, then
        the supervision overlay's (never shorter than the route's), else the route's own."""
        if urgent:
            return DeadlineLevel.URGENT
        if reopened:
            return DeadlineLevel.REDO
        if supervised:
            return SUPERVISION.level_for(self.default_level)
        return self.default_level

    def first_body(self) -> Body:
        """Who acts first once the case is routed (told at triage)."""
        return self.steps_at(self.after_triage)[0].body


DIRECT = RoutePolicy(
    route=Route.DIRECT,
    code_zh="直办",
    default_level=DeadlineLevel.IMMEDIATE,
    after_triage=S.TRIAGED,
    needs_responder=True,
    steps=(Step(S.TRIAGED, Action.DIRECT_REPLY, Body.RESPONDER, S.REPLIED),),
)
ASSIGN = RoutePolicy(
    route=Route.ASSIGN,
    code_zh="交办",
    default_level=DeadlineLevel.GENERAL,
    after_triage=S.DISPATCHED,
    triage_unit_kinds=STREET_UNITS,
    steps=UNIT_STEPS,
)
TRANSFER = RoutePolicy(
    route=Route.TRANSFER,
    code_zh="转办",
    default_level=DeadlineLevel.COMPLEX,
    after_triage=S.UNDER_REVIEW,
    after_review=UnitKind.CITY_GOVERNMENT_OFFICE,
    forward_kinds=DEPARTMENTS,
    steps=(
        Step(S.UNDER_REVIEW, Action.REVIEW, Body.COMMITTEE, S.DISPATCHED),
        # At the city government office: it forwards to the department, or returns it.
        Step(S.DISPATCHED, Action.FORWARD, Body.DISPATCHER, S.DISPATCHED),
        Step(S.DISPATCHED, Action.RETURN, Body.DISPATCHER, S.RETURNED),
        Step(S.DISPATCHED, Action.EXTEND, Body.DISPATCHER, S.DISPATCHED),
        *UNIT_STEPS,
    ),
)
REPORT = RoutePolicy(
    route=Route.REPORT,
    code_zh="报办",
    default_level=DeadlineLevel.DIFFICULT,
    after_triage=S.UNDER_REVIEW,
    after_review=UnitKind.HIGHER_CONGRESS,
    steps=(
        Step(S.UNDER_REVIEW, Action.REVIEW, Body.COMMITTEE, S.DISPATCHED),
        # The higher body does not use the portal: the committee records both ends.
        Step(S.DISPATCHED, Action.REPORT_UPWARD, Body.COMMITTEE, S.IN_PROGRESS),
        Step(S.IN_PROGRESS, Action.RECORD_UPWARD_REPLY, Body.COMMITTEE, S.RESPONDED),
        Step(S.RESPONDED, Action.VERIFY, Body.COMMITTEE, S.REPLIED),
    ),
)

ROUTES: dict[str, RoutePolicy] = {p.route: p for p in (DIRECT, ASSIGN, TRANSFER, REPORT)}


@dataclass(frozen=True)
class SupervisionPolicy:
    """The 督办 row of routes.csv: an overlay, not a route."""

    code: str  # what the classifier answers as ``route`` when supervision is called for
    code_zh: str
    default_level: str

    @property
    def label(self) -> str:
        return str(_("Supervised follow-up"))

    def level_for(self, route_level: str) -> str:
        """The deadline level of a case supervised from triage on: at least the overlay's
        (supervised matters are the hard ones), never shorter than its route's."""
        return max(route_level, self.default_level, key=LEVELS_BY_DURATION.index)


SUPERVISION = SupervisionPolicy(
    code="supervise", code_zh="督办", default_level=DeadlineLevel.COMPLEX
)
# The classifier's words for the five codes of its contract.
ROUTE_CODES_ZH = {**{p.route: p.code_zh for p in ROUTES.values()}, SUPERVISION.code: "督办"}


def policy_for(case) -> RoutePolicy | None:
    """The policy of the case's route; None before triage."""
    return ROUTES.get(case.route)


def holder_body(case) -> Body:
    """Who holds a dispatched case: the dispatching office, or a handling unit."""
    if case.unit is not None and case.unit.kind == UnitKind.CITY_GOVERNMENT_OFFICE:
        return Body.DISPATCHER
    return Body.UNIT


def check_against_csv(path: Path = ROUTES_CSV) -> None:
    """The routes and the overlay are exactly routes.csv's rows, with its deadline levels.

    Raises ImproperlyConfigured naming the difference (called when the app starts)."""
    with Path(path).open(encoding="utf-8") as f:
        # The first and the last column only: the free-text "meaning" column holds unquoted
        # commas in some rows.
        rows = {row[0]: row[-1] for row in list(csv.reader(f))[1:] if row}
    ours = {r: p.default_level for r, p in ROUTES.items()}
    ours[SUPERVISION.code] = SUPERVISION.default_level
    if set(rows) != set(ours):
        raise ImproperlyConfigured(
            f"routing.routes: routes.csv has {sorted(rows)}, the policies {sorted(ours)}"
        )
    for code, level in ours.items():
        if rows[code] != level:
            raise ImproperlyConfigured(
                f"routing.routes: {code} starts at {level!r}, routes.csv says {rows[code]!r}"
            )
    for policy in ROUTES.values():
        if not policy.steps_at(policy.after_triage):
            raise ImproperlyConfigured(
                f"routing.routes: {policy.route} has no step at {policy.after_triage}"
            )
