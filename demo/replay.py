"""Synthetic cases written by the real services: every planned step runs through the service
a person would use (``submission_create``, ``case_triage``, ``case_review_approve``,
``case_forward``, ``case_accept``, ``case_progress``, ``case_respond``,
``case_verify_publish``, ``case_rate``, extensions, supervision, ``case_merge``…), in time
order, with the clock set to the step's planned time (``time_machine``): the services stamp
their rows, compute deadlines and check dates as they did on that day. Nothing here writes a
case, an event or a rating itself.

One transaction: either all the cases appear or none. Notifications the services write while
replaying history are deleted before commit, so no notice or e-mail goes out and no inbox
fills with last year's events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import time_machine
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from demo.plans import CasePlan, Network, Step, milestone_due, new_deadline, reception_days
from feedback.services.cases import case_merge_with_submissions, submission_case_open
from feedback.services.rate import case_rate
from feedback.services.submit import IntakeSource, submission_create
from notifications.models import Notification
from representatives.reference import city_name
from routing.models import Case, CaseEvent, ExtensionRequest
from routing.services import extension, supervision, upward, workflow


@dataclass
class DemoResult:
    cases: int = 0
    submissions: int = 0
    events: int = 0
    path: str = ""
    by_status: dict = field(default_factory=dict)
    case_ids: list[int] = field(default_factory=list)


class _Replay:
    """Who does each step, and the cases and submissions made so far."""

    def __init__(self, net: Network, plans: list[CasePlan]):
        from django.contrib.auth import get_user_model

        self.net = net
        self.users = {u.pk: u for u in get_user_model().objects.filter(pk__in=net.actor_ids())}
        self.committee = net.committee
        self.supervisor = self.users.get(net.supervisor.pk, net.committee)
        self.committee_name = f"{city_name()}人大常委会"
        self.reception = reception_days(
            {
                (p.reception_site.pk, timezone.localtime(p.at).date())
                for p in plans
                if p.reception_site is not None
            }
        )
        self.case_of: dict[int, int] = {}
        self.submission_of: dict = {}
        self.milestones: dict[int, list[int]] = {}

    def user(self, pk):
        return self.users.get(pk) if pk else None

    def intake(self, plan: CasePlan) -> None:
        day = None
        if plan.reception_site is not None:
            day = self.reception[(plan.reception_site.pk, timezone.localtime(plan.at).date())]
        source = IntakeSource(
            channel=plan.channel,
            qr_code=plan.qr_code,
            placement=plan.placement,
            site=plan.site,
            representative=plan.representative,
            reception_day=day,
            logged_by=self.user(plan.logged_by_id),
        )
        submission, _created = submission_create(
            key=plan.key,
            source=source,
            area_id=plan.area.pk,
            text=plan.text,
            request_type=plan.request_type,
            category_id=plan.resident_category_id,
            address_line=plan.address_line,
            contact_name=plan.contact_name,
            contact_phone=plan.contact_phone,
            contact_preference=plan.contact_preference,
            consent=bool(plan.contact_phone),
            collected_on=plan.collected_on,
        )
        case = submission.case or submission_case_open(submission.pk)
        if case is None:
            submission.refresh_from_db(fields=["case"])
            case = submission.case
        self.case_of[plan.index] = case.pk
        self.submission_of[plan.index] = submission

    def step(self, plan: CasePlan, step: Step) -> None:  # noqa: C901 (one branch per verb)
        net, committee, args, verb = self.net, self.committee, step.args, step.verb
        case_id = self.case_of[plan.index]
        if verb == "triage":
            unit = net.units.get(args["unit_id"]) if args["unit_id"] else None
            workflow.case_triage(
                case_id=case_id,
                actor=committee,
                route=args["route"],
                category=net.categories[args["category"]],
                unit=unit,
                urgent=args["urgent"],
                deadline_level=args["level"],
                supervise=args["supervise"],
                supervisor=self.supervisor if args["supervise"] else None,
            )
        elif verb == "review_approve":
            workflow.case_review_approve(case_id=case_id, actor=committee)
        elif verb == "review_send_back":
            workflow.case_review_send_back(case_id=case_id, actor=committee, reason=args["reason"])
        elif verb == "forward":
            workflow.case_forward(
                case_id=case_id,
                actor=self.user(net.unit_account.get(net.gov_office.pk)),
                unit=net.units[args["unit_id"]],
            )
        elif verb in ("accept", "progress", "respond", "return", "ext_request"):
            self._unit_step(case_id, verb, args)
        elif verb == "ext_decide":
            request = ExtensionRequest.objects.filter(case_id=case_id).order_by("-pk").first()
            extension.extension_request_decide(
                request_id=request.pk, actor=committee, approve=args["approve"], note=args["note"]
            )
        elif verb == "verify_publish":
            workflow.case_verify_publish(
                case_id=case_id,
                actor=committee,
                reply=args["reply"],
                public_actor=self.committee_name,
            )
        elif verb in ("direct_reply", "not_accept"):
            case = Case.objects.get(pk=case_id)
            actor, public_actor = self.net.responder(case)
            reply = (
                workflow.case_direct_reply if verb == "direct_reply" else workflow.case_not_accept
            )
            reply(
                case_id=case_id,
                actor=self.user(actor),
                reply=args["reply"],
                public_actor=public_actor,
            )
        elif verb == "report_upward":
            upward.case_report_upward(
                case_id=case_id,
                actor=committee,
                body=args["body"],
                reference_number=args["reference"],
                reported_on=timezone.localdate(),
            )
        elif verb == "upward_reply":
            upward.case_upward_reply_record(
                case_id=case_id,
                actor=committee,
                reply=args["reply"],
                replied_on=timezone.localdate(),
            )
        elif verb == "rate":
            submission = self.submission_of[plan.index]
            submission.refresh_from_db(fields=["case"])
            case_rate(submission=submission, value=args["value"], comment=args["comment"])
        elif verb == "supervise":
            supervision.case_supervise(
                case_id=case_id, actor=committee, supervisor=self.supervisor, reason=args["reason"]
            )
        elif verb == "milestone_add":
            milestone = supervision.milestone_add(
                case_id=case_id,
                actor=committee,
                title=args["title"],
                due_on=milestone_due(step.at, args["due_days"]),
            )
            self.milestones.setdefault(plan.index, []).append(milestone.pk)
        elif verb == "milestone_done":
            supervision.milestone_done(
                milestone_id=self.milestones[plan.index][args["milestone"]],
                actor=committee,
                done_on=timezone.localdate(),
            )
        elif verb == "follow_up":
            supervision.case_follow_up(case_id=case_id, actor=committee, note=args["note"])
        elif verb == "merge":
            target = Case.objects.get(pk=self.case_of[args["into"]])
            case_merge_with_submissions(case_id=case_id, into=target, actor=committee)
        else:
            raise ValueError(verb)

    def _unit_step(self, case_id: int, verb: str, args: dict) -> None:
        case = Case.objects.select_related("unit").get(pk=case_id)
        actor = self.user(self.net.unit_account.get(case.unit_id))
        if verb == "accept":
            workflow.case_accept(case_id=case_id, actor=actor)
        elif verb == "progress":
            workflow.case_progress(
                case_id=case_id,
                actor=actor,
                note=args["note"],
                is_public=args["public"],
                public_actor=case.unit.name if case.unit else "",
            )
        elif verb == "respond":
            workflow.case_respond(case_id=case_id, actor=actor, result=args["result"])
        elif verb == "return":
            workflow.case_return(
                case_id=case_id, actor=actor, reason=args["reason"], expected_status=case.status
            )
        else:
            extension.extension_request_create(
                case_id=case_id,
                actor=actor or self.committee,
                unit=case.unit,
                reason=args["reason"],
                new_resolve_by=new_deadline(case.resolve_by),
            )


def demo_cases_replay(plans, *, network: Network | None = None, log=None) -> DemoResult:
    """Run the plans through the services, every step at its planned time.

    Steps of all the plans run in time order (a duplicate is merged into a case that is
    still open then). Called by ``demo.cases.demo_cases_add``.
    """
    net = network or Network.load()
    plans = list(plans)
    by_index = {p.index: p for p in plans}
    timeline = sorted(
        [(p.at, p.index, -1, None) for p in plans]
        + [(s.at, p.index, i, s) for p in plans for i, s in enumerate(p.steps)],
        key=lambda t: (t[0], t[1], t[2]),
    )
    with transaction.atomic():
        notifications_before = (
            Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )
        replay = _Replay(net, plans)
        for at, index, _i, step in timeline:
            # The clock stands still during a step: its rows share the step's time (and
            # keep their order by primary key), as a case's rows of one request would.
            with time_machine.travel(at, tick=False):
                if step is None:
                    replay.intake(by_index[index])
                else:
                    replay.step(by_index[index], step)
        # Nothing from the replayed history is delivered: the rows go before commit, and the
        # on-commit deliveries then find nothing to claim.
        Notification.objects.filter(pk__gt=notifications_before).filter(
            Q(case_id__in=replay.case_of.values()) | Q(submission__in=replay.submission_of.values())
        ).delete()
    case_ids = list(replay.case_of.values())
    result = DemoResult(
        path="services",
        cases=len(plans),
        submissions=len(plans),
        events=CaseEvent.objects.filter(case_id__in=case_ids).count(),
        case_ids=case_ids,
    )
    for status in Case.objects.filter(pk__in=case_ids).values_list("status", flat=True):
        result.by_status[status] = result.by_status.get(status, 0) + 1
    if log:
        log(result)
    return result
