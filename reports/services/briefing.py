"""Compiling, editing and issuing the quarterly briefing (民情民意专报, DESIGN section 8), and
leaders' instructions (批示) on it or on a case."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.crypto import redact_numbers
from common.replica import replica_reads
from feedback.models import Submission
from reports.context import signed
from reports.dashboard import dashboard_figures
from reports.models import Briefing, BriefingVersion, Instruction
from reports.periods import Period
from reports.topics import hot_topics
from routing.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
    Supervision,
    SupervisionReason,
)
from routing.services.supervision import case_instruction_record, case_supervision_request

logger = logging.getLogger(__name__)

APPENDIX_ROWS = 500
CLUSTER_AT_LEAST = 3  # opinions on one matter in one street make a recurring issue
MOTION_STREETS = 3  # a matter raised in this many streets is a regional common issue
COMPILE_RETRY_AFTER = Briefing.COMPILE_RETRY_AFTER


def _case_row(case: Case) -> dict:
    """A case as the briefing shows it: no names or contact details; of free text only the
    summary, with any phone or identity number in it masked."""
    return {
        "ref": case.reference,
        "received": timezone.localtime(case.created_at).date().isoformat(),
        "street": case.area.street.name if case.area.street else case.area.name,
        "category": case.category.name if case.category else "",
        "route": case.get_route_display() if case.route else "",
        "supervised": case.is_supervised,
        "status": case.get_status_display(),
        "unit": case.unit.name if case.unit else "",
        "summary": redact_numbers(case.summary),
    }


def _cases(area):
    return Case.objects.filter(area__path__startswith=area.path).select_related(
        "area__street", "category", "unit"
    )


def _typical(period: Period, area) -> list[dict]:
    """Cases escalated, supervised or reopened in the period: the difficult ones."""
    start, end = period.bounds()
    kinds = [CaseEvent.Kind.ESCALATED, CaseEvent.Kind.SUPERVISION]
    hard = (
        _cases(area)
        .filter(
            Q(events__kind__in=kinds) | Q(events__to_status=CaseStatus.REOPENED),
            events__created_at__gte=start,
            events__created_at__lt=end,
        )
        .distinct()
        .order_by("-created_at")[:10]
    )
    return [_case_row(c) for c in hard]


def _proposals(period: Period, area, at: datetime) -> dict:
    start, end = period.bounds()
    overdue = (
        _cases(area)
        .filter(
            status__in=[CaseStatus.DISPATCHED, CaseStatus.IN_PROGRESS],
            resolve_by__lt=at,
        )
        .filter(supervision=Supervision.NONE)
        .order_by("resolve_by")[:20]
    )
    supervision = [{**_case_row(c), "days_overdue": (at - c.resolve_by).days} for c in overdue]
    opinions = Submission.objects.filter(
        created_at__gte=start,
        created_at__lt=end,
        area__path__startswith=area.path,
        case__category__isnull=False,
    )
    clusters = list(
        opinions.values(
            "area__street_id", "area__street__name", "case__category_id", "case__category__name"
        )
        .annotate(count=Count("id"), cases=Count("case", distinct=True))
        .filter(count__gte=CLUSTER_AT_LEAST)
        .order_by("-count", "area__street__name")[:15]
    )
    motions = list(
        opinions.values("case__category__name")
        .annotate(count=Count("id"), streets=Count("area__street", distinct=True))
        .filter(streets__gte=MOTION_STREETS)
        .order_by("-streets", "-count")[:5]
    )
    return {
        "supervision": supervision,
        "suggestions": [
            {
                "street": c["area__street__name"] or "",
                "street_id": c["area__street_id"],
                "category": c["case__category__name"],
                "category_id": c["case__category_id"],
                "count": c["count"],
                "cases": c["cases"],
            }
            for c in clusters
        ],
        "motions": [
            {"category": m["case__category__name"], "count": m["count"], "streets": m["streets"]}
            for m in motions
        ],
    }


def _instructions(area, before: datetime) -> list[dict]:
    """Instructions written before this compile on briefings of this area or its cases, with
    what was done: the next briefing reports their follow-up."""
    rows = (
        Instruction.objects.filter(
            Q(version__briefing__area__path__startswith=area.path)
            | Q(case__area__path__startswith=area.path),
            created_at__lt=before,
        )
        .select_related("version", "case")
        .order_by("-created_at")[:30]
    )
    return [
        {
            "date": timezone.localtime(i.created_at).date().isoformat(),
            "on": i.version.title if i.version else i.case.reference if i.case else "",
            "item": i.item,
            "text": i.text,
            "follow_up": i.follow_up,
            "done": bool(i.follow_up),
        }
        for i in rows
    ]


def briefing_figures(period: Period, area, *, at: datetime | None = None) -> dict:
    """Everything a briefing states, as plain values in Chinese, computed from the cases.
    A fixed number of queries; the hot topics read the period's texts once."""
    at = at or timezone.now()
    start, end = period.bounds()
    with translation.override(settings.LANGUAGE_CODE):
        # Counted from the rows, not the roll-up: a document of record states the figures as
        # of its compilation (a few seconds more at a million cases, in a background task).
        figures = dashboard_figures(period, area, at=at, live=True)
        figures["period"].update(
            start=period.start.isoformat(),
            end=(period.end - timedelta(days=1)).isoformat(),
        )
        figures["hot_topics"] = hot_topics(period, area)
        figures["typical"] = _typical(period, area)
        figures["proposals"] = _proposals(period, area, at)
        figures["instructions"] = _instructions(area, at)
        opened = _cases(area).filter(created_at__gte=start, created_at__lt=end)
        figures["appendix"] = {
            "total": opened.count(),
            "rows": [_case_row(c) for c in opened.order_by("created_at")[:APPENDIX_ROWS]],
        }
    figures["compiled_at"] = timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
    return figures


def _title(period: Period, area) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("%(area)s people's opinions briefing, %(period)s") % {
            "area": area.name,
            "period": period.label,
        }


def _overview(figures: dict) -> str:
    """The first paragraph of a new draft; staff rewrite it as they see fit."""
    v, h = figures["volume"], figures["handling"]

    def pct(value):
        return "—" if value is None else f"{value}%"

    def change(value):
        return "—" if value is None else f"{signed(value)}%"

    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "In %(period)s, %(total)s opinions were received (%(prev)s on the previous "
            "period, %(year)s on a year earlier) and %(opened)s cases opened. Response rate "
            "%(response)s, resolution rate %(resolution)s, satisfaction rate %(satisfaction)s, "
            "closed on time %(on_time)s."
        ) % {
            "period": figures["period"]["label"],
            "total": v["total"],
            "prev": change(v["change_previous"]),
            "year": change(v["change_year"]),
            "opened": h["opened"],
            "response": pct(h["response_rate"]),
            "resolution": pct(h["resolution_rate"]),
            "satisfaction": pct(h["satisfaction_rate"]),
            "on_time": pct(h["on_time_rate"]),
        }


def briefing_compile(*, period: Period, area, actor=None, at: datetime | None = None) -> Briefing:
    """Compile (or recompile) the draft of ``period`` for ``area``: the figures are replaced,
    the narrative staff wrote is kept (a new draft starts with a generated overview).
    Called by the quarterly beat task (``actor`` None), staff and ``compile_briefing``."""
    at = at or timezone.now()
    with replica_reads():  # read-only, outside any transaction: the replica may answer
        figures = briefing_figures(period, area, at=at)
    with transaction.atomic():
        briefing, created = Briefing.objects.select_for_update().get_or_create(
            period=period.key,
            area=area,
            defaults={
                "title": _title(period, area),
                "figures": figures,
                "overview_text": _overview(figures),
                "compiled_at": at,
                "compiled_by": actor,
            },
        )
        if not created:
            if briefing.compiled_at is None and not briefing.overview_text:
                briefing.overview_text = _overview(figures)  # the first compile of a request
            briefing.figures = figures
            briefing.compiled_at = at
            briefing.compiled_by = actor
            briefing.save(
                update_fields=[
                    "figures",
                    "overview_text",
                    "compiled_at",
                    "compiled_by",
                    "updated_at",
                ]
            )
    logger.info("briefing %s compiled for %s (area %s)", briefing.pk, period.key, area.pk)
    return briefing


def briefing_compile_request(*, period: Period, area, actor) -> tuple[Briefing, bool]:
    """Staff ask for the draft of ``period`` for ``area`` to be compiled (again). The draft is
    created if need be and marked; ``briefings_compile_requested`` (the reports queue) does
    the work. Returns the draft and whether this asked anew (False: a compile asked for less
    than ``COMPILE_RETRY_AFTER`` ago is still waiting or running)."""
    now = timezone.now()
    with transaction.atomic():
        briefing, created = Briefing.objects.select_for_update().get_or_create(
            period=period.key,
            area=area,
            defaults={
                "title": _title(period, area),
                "compile_requested_at": now,
                "compile_requested_by": actor,
            },
        )
        if created:
            return briefing, True
        if briefing.compiling:
            return briefing, False
        briefing.compile_requested_at = now
        briefing.compile_requested_by = actor
        briefing.save(update_fields=["compile_requested_at", "compile_requested_by"])
    return briefing, True


def briefings_compile_requested(*, limit: int = 5) -> int:
    """Compile the drafts staff asked for, oldest request first. One worker at a time per
    draft (a lock in the cache for as long as a request counts as under way); a compile that
    fails is logged and left for the next round, the others go on. A request made again while
    its compile ran stays for the next round; compiling one draft twice is harmless."""
    requested = Briefing.objects.filter(compile_requested_at__isnull=False).select_related(
        "area", "compile_requested_by"
    )
    done = 0
    for briefing in requested.order_by("compile_requested_at")[:limit]:
        lock = f"briefing-compile:{briefing.pk}"
        if not cache.add(lock, 1, timeout=int(COMPILE_RETRY_AFTER.total_seconds())):
            continue  # another worker compiles it
        try:
            briefing_compile(
                period=Period.parse(briefing.period),
                area=briefing.area,
                actor=briefing.compile_requested_by,
            )
        except Exception:
            logger.exception("briefing %s: the compile staff asked for failed", briefing.pk)
            continue
        finally:
            cache.delete(lock)
        Briefing.objects.filter(
            pk=briefing.pk, compile_requested_at=briefing.compile_requested_at
        ).update(compile_requested_at=None, compile_requested_by=None)
        done += 1
    return done


EDITABLE = ("title", "overview_text", "hot_text", "proposals_text")


def _apply_texts(briefing: Briefing, texts: dict) -> None:
    if set(texts) - set(EDITABLE):
        raise ValueError(f"not editable: {sorted(set(texts) - set(EDITABLE))}")
    for name, value in texts.items():
        setattr(briefing, name, value.strip())
    if not briefing.title:
        raise ValidationError({"title": _("A briefing needs a title.")})


def briefing_edit(*, briefing_id: int, actor, **texts) -> Briefing:
    """Staff edit the narrative of a draft (overview, hot issues, proposals, title)."""
    with transaction.atomic():
        briefing = Briefing.objects.select_for_update().get(pk=briefing_id)
        _apply_texts(briefing, texts)
        briefing.save(update_fields=[*texts, "updated_at"])
    return briefing


def briefing_issue(
    *, briefing_id: int, actor, texts: dict | None = None, reason: str = ""
) -> BriefingVersion:
    """Freeze the draft as the next issued version: its figures and text are copied, so later
    changes to cases or to the draft never alter what was issued.

    ``texts`` are what the edit form holds: saved with the issue, in one transaction, so
    what staff typed is what is issued. A required section left empty refuses the whole
    (nothing saved). When a version is current, the new one is a correction that
    supersedes it: ``reason`` (why) is required, and the old one records by which version,
    when and why; it stays readable."""
    reason = (reason or "").strip()
    with transaction.atomic():
        briefing = Briefing.objects.select_for_update().get(pk=briefing_id)
        errors = {}
        try:
            _apply_texts(briefing, texts or {})
        except ValidationError as exc:
            errors.update(exc.error_dict)
        for name in Briefing.REQUIRED_TO_ISSUE:
            if name not in errors and not getattr(briefing, name).strip():
                errors[name] = [ValidationError(_("Write this section before issuing."))]
        current = (
            briefing.versions.select_for_update()
            .filter(superseded_at__isnull=True)
            .order_by("-number")
            .first()
        )
        if current is not None and not reason:
            errors["reason"] = [
                ValidationError(
                    _("Say why version %(number)s is corrected.") % {"number": current.number}
                )
            ]
        if briefing.compiled_at is None or briefing.compiling:
            errors[NON_FIELD_ERRORS] = [
                ValidationError(_("The figures are being compiled; issue once they are ready."))
            ]
        if errors:
            raise ValidationError(errors)
        if texts:
            briefing.save(update_fields=[*texts, "updated_at"])
        last = briefing.versions.aggregate(last=Max("number"))["last"] or 0
        now = timezone.now()
        version = BriefingVersion.objects.create(
            briefing=briefing,
            number=last + 1,
            title=briefing.title,
            figures=briefing.figures,
            overview_text=briefing.overview_text,
            hot_text=briefing.hot_text,
            proposals_text=briefing.proposals_text,
            issued_at=now,
            issued_by=actor,
        )
        if current is not None:
            current.superseded_by = version
            current.superseded_at = now
            current.superseded_reason = reason
            current.save(update_fields=["superseded_by", "superseded_at", "superseded_reason"])
    if current is not None:
        logger.info(
            "briefing %s issued as version %s by user %s, superseding version %s",
            briefing.pk,
            version.number,
            actor.pk,
            current.number,
        )
    else:
        logger.info(
            "briefing %s issued as version %s by user %s", briefing.pk, version.number, actor.pk
        )
    return version


def instruction_create(
    *,
    author,
    text: str,
    version: BriefingVersion | None = None,
    case: Case | None = None,
    item: str = "",
    supervise: bool = False,
) -> Instruction:
    """A leader's instruction on an issued briefing (or one of its items) or on a case. On an
    open case it may ask for supervision: the case waits in the workbench's 待督办 queue
    (whatever its route and whoever holds it), the committee staff of its area are told, and
    they name a supervisor."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the instruction.")})
    if supervise and (case is None or case.status not in OPEN_STATUSES):
        raise ValidationError({"supervise": _("Only an open case can be put under supervision.")})
    with transaction.atomic():
        instruction = Instruction.objects.create(
            author=author, text=text, version=version, case=case, item=item, supervise=supervise
        )
        note = _("Leader's instruction: %(text)s") % {"text": text}
        if supervise and case is not None:
            case_supervision_request(
                case_id=case.pk, reason=SupervisionReason.INSTRUCTION, actor=author, note=note
            )
        elif case is not None:
            case_instruction_record(case_id=case.pk, actor=author, note=note)
    return instruction


def instruction_follow_up(*, instruction_id: int, actor, text: str) -> Instruction:
    """Staff record what was done on an instruction; the next briefing reports it."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"follow_up": _("Say what was done.")})
    with transaction.atomic():
        instruction = Instruction.objects.select_for_update().get(pk=instruction_id)
        instruction.follow_up = text
        instruction.followed_up_at = timezone.now()
        instruction.followed_up_by = actor
        instruction.save(update_fields=["follow_up", "followed_up_at", "followed_up_by"])
    return instruction
