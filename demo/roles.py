"""Something on every demo account's desk after seeding, done through the real services: a
transfer waiting at the city government office (the demo's transfers pass it quickly), and
the leader's issued briefing of the last complete quarter, with one instruction that the
committee has followed up. Idempotent: what is there already is left alone."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.plans import TO_DEPARTMENT
from reports.models import BriefingVersion, Instruction
from reports.periods import Period
from reports.services.briefing import (
    briefing_compile,
    briefing_issue,
    instruction_create,
    instruction_follow_up,
)
from representatives.models import Area
from routing.models import Case, CaseStatus, HandlingUnit, UnitKind
from routing.services.workflow import case_review_approve


def _user(username):
    return get_user_model().objects.filter(username=username).select_related("official").first()


def demo_roles_fill() -> list[str]:
    """Fill the empty desks; returns what was done (for the command's output)."""
    done = []
    committee, leader = _user("demo_committee"), _user("demo_leader")
    if committee is None:
        return done  # no demo accounts (seed_demo --no-accounts)
    office = HandlingUnit.objects.filter(kind=UnitKind.CITY_GOVERNMENT_OFFICE).first()
    held = Case.objects.filter(unit=office, status=CaseStatus.DISPATCHED).exists()
    waiting = (
        # A route that goes on to a department after review passes the government office.
        Case.objects.filter(route=TO_DEPARTMENT, status=CaseStatus.UNDER_REVIEW)
        .order_by("created_at")
        .first()
    )
    if office is not None and not held and waiting is not None:
        case_review_approve(
            case_id=waiting.pk, actor=committee, note="同意转办，请市政府办公室分派。"
        )
        done.append(f"{waiting.reference} approved: it waits at the city government office")
    if leader is None:
        return done
    city = Area.objects.get(level=Area.Level.CITY)
    period = Period.last_complete_quarter(timezone.localdate())
    if not BriefingVersion.objects.filter(
        briefing__period=period.key, briefing__area=city
    ).exists():
        briefing = briefing_compile(period=period, area=city, actor=committee)
        version = briefing_issue(briefing_id=briefing.pk, actor=committee)
        done.append(f"briefing {period.key} issued")
        topics = version.figures.get("hot_topics") or []
        item = f"热点：{topics[0]['word']}" if topics else ""
        instruction = instruction_create(
            author=leader,
            version=version,
            item=item,
            text="请常委会联络工委牵头，会同有关部门研究解决，下季度专报反映进展。",
        )
        instruction_follow_up(
            instruction_id=instruction.pk,
            actor=committee,
            text="已召开推进会，相关部门明确了整改时限，下季度专报将报告结果。",
        )
        instruction_create(
            author=leader,
            version=version,
            text="对群众反映集中的问题要逐件跟踪，办理结果及时向群众反馈。",
        )
        done.append("the leader's instructions (one followed up)")
    elif not Instruction.objects.filter(author=leader).exists():
        done.append("the briefing was there already; no instruction added")
    return done
