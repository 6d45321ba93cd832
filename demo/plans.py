"""Plans of synthetic cases: who wrote what, where and when, and every step of its handling,
drawn from a seeded random generator. A plan says what people do; the services do it
(``demo.replay``). The story of each route follows its policy (``routing.routes``): a step
is planned where the route's policy has it.

``Network.load`` reads everything a plan refers to (areas, sites, representatives, codes,
units, categories, the demo accounts) with a fixed number of queries.
"""

from __future__ import annotations

import functools
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.keys import demo_key
from demo.texts import (
    CATEGORY_WEIGHTS,
    CLOSERS,
    DIRECT_REPLIES,
    DISSATISFIED_COMMENTS,
    ESCALATION_REASON,
    EXTENSION_REASONS,
    LITIGATION_REPLIES,
    MILESTONES,
    OK_COMMENTS,
    OPENERS,
    PHRASES,
    PLACES,
    PROGRESS_NOTES,
    REPLIES,
    RESULTS,
    RETURN_REASONS,
    ROADS,
    SEND_BACK_REASONS,
)
from feedback.models import Channel, ContactPreference, RequestType, Satisfaction
from representatives.models import (
    Area,
    LiaisonSite,
    Official,
    QRCode,
    QRPlacement,
    ReceptionDay,
    Representative,
    Role,
    TokenStatus,
)
from routing.models import CaseStatus, Category, DeadlineLevel, HandlingUnit, UnitKind
from routing.reference import city_unit_names
from routing.routes import ROUTES, STREET_UNITS, Action
from routing.workdays import add_working_days, deadlines_for

HISTORY_USERNAME = "demo_history"
SPAN_DAYS = 365
# The share of cases from the communities where the demo accounts work (``Network.focus``).
FOCUS_SHARE = 0.1
S = CaseStatus

# Final states and how often they occur, by the route they need (None: any route).
OUTCOMES: list[tuple[str, float]] = [
    ("closed", 62),
    ("closed_redo", 3),
    ("closed_bounced", 3),
    ("reopened", 1.5),
    ("replied", 6),
    ("responded", 2),
    ("in_progress", 5),
    ("overdue", 3),
    ("dispatched", 3),
    ("under_review", 2),
    ("triaged", 1.5),
    ("new", 3),
    ("returned", 1),
    ("merged", 2.5),
    ("not_accepted", 1.5),
]
OPEN_OUTCOMES = {
    "reopened",
    "replied",
    "responded",
    "in_progress",
    "dispatched",
    "under_review",
    "triaged",
    "returned",
}


def _route_that(does) -> str:
    return next(p.route for p in ROUTES.values() if does(p))


# The routes the story chooses, named by what they do (routing.routes says which is which).
ON_SITE = _route_that(lambda p: p.needs_responder)  # answered by the representative or site
TO_STREET = _route_that(lambda p: p.triage_unit_kinds == STREET_UNITS)  # handed to the street
TO_DEPARTMENT = _route_that(lambda p: bool(p.forward_kinds))  # on to a city department

# The status an outcome stops at, and the outcomes to try, nearest first, when a route cannot
# reach it (a direct reply is never "in progress" at a unit).
OUTCOME_STATUS = {
    "triaged": S.TRIAGED,
    "under_review": S.UNDER_REVIEW,
    "dispatched": S.DISPATCHED,
    "in_progress": S.IN_PROGRESS,
    "overdue": S.IN_PROGRESS,
    "responded": S.RESPONDED,
    "returned": S.RETURNED,
    "closed_bounced": S.RETURNED,
}
NEAREST = {
    "triaged": ["triaged", "under_review", "dispatched"],
    "under_review": ["under_review", "triaged", "dispatched"],
    "dispatched": ["dispatched", "triaged"],
    "in_progress": ["in_progress", "triaged"],
    "overdue": ["overdue", "triaged"],
    "responded": ["responded", "replied"],
    "returned": ["returned", "closed"],
    "closed_bounced": ["closed_bounced", "closed"],
}


def reaches(policy, outcome: str) -> bool:
    """Whether a case on ``policy``'s route can stop at ``outcome``'s status."""
    status = OUTCOME_STATUS.get(outcome)
    return status is None or status in {policy.after_triage} | {s.to for s in policy.steps}


# ---------------------------------------------------------------------------------------------
# The network: everything a plan refers to, loaded with a fixed number of queries.
# ---------------------------------------------------------------------------------------------
@dataclass
class Network:
    communities: list
    streets: dict
    point_of_area: dict
    code_of_site: dict
    placements_of_code: dict
    reps_of_site: dict
    code_of_rep: dict
    categories: dict
    street_office_of: dict
    departments: list
    unit_by_name: dict
    units: dict
    gov_office: HandlingUnit
    higher_congress: HandlingUnit
    committee: object
    supervisor: object
    unit_account: dict
    rep_user: dict
    station_user: dict
    # The communities where the demo's representative and station staff work: a share of the
    # cases comes from there, so that their desks have something on them.
    focus: list

    @classmethod
    def load(cls) -> Network:
        areas = {a.pk: a for a in Area.objects.all()}
        communities = sorted(
            (a for a in areas.values() if a.tier == 4 and a.street_id), key=lambda a: a.path
        )
        if not communities:
            raise ValueError("Load the network first (seed_demo without --cases).")
        sites = list(LiaisonSite.objects.filter(is_active=True))
        point_of_area = {s.area_id: s for s in sites if s.kind == LiaisonSite.Kind.POINT}
        site_by_id = {s.pk: s for s in sites}
        codes = list(QRCode.objects.filter(status=TokenStatus.ACTIVE))
        code_of_site = {c.site_id: c for c in codes if c.site_id}
        code_of_rep = {c.representative_id: c for c in codes if c.representative_id}
        placements = defaultdict(list)
        for p in QRPlacement.objects.filter(status=TokenStatus.ACTIVE).order_by("pk"):
            placements[p.code_id].append(p)
        reps = {r.pk: r for r in Representative.objects.filter(is_active=True)}
        reps_of_site = defaultdict(list)
        links = Representative.sites.through.objects.order_by("pk")
        for link in links.values_list("representative_id", "liaisonsite_id"):
            if link[0] in reps and link[1] in site_by_id:
                reps_of_site[link[1]].append(reps[link[0]])
        units = {u.pk: u for u in HandlingUnit.objects.filter(is_active=True)}
        street_office_of = {
            u.area_id: u
            for u in units.values()
            if u.kind in (UnitKind.STREET_OFFICE, UnitKind.TOWNSHIP_GOVERNMENT)
        }
        judicial = (UnitKind.SUPERVISORY_COMMISSION, UnitKind.COURT, UnitKind.PROCURATORATE)
        departments = sorted(
            (u for u in units.values() if u.kind == UnitKind.CITY_DEPARTMENT or u.kind in judicial),
            key=lambda u: u.pk,
        )

        def first(kind):
            return min((u for u in units.values() if u.kind == kind), key=lambda u: u.pk)

        committee, supervisor, unit_account, station_user = _accounts()
        rep_user = {r.pk: r.user_id for r in reps.values() if r.user_id}
        focus_sites = set(station_user) | {
            site for site, site_reps in reps_of_site.items() for r in site_reps if r.pk in rep_user
        }
        focus = sorted(
            (areas[site_by_id[s].area_id] for s in focus_sites if s in site_by_id),
            key=lambda a: a.path,
        )
        return cls(
            communities=communities,
            streets={a.pk: a for a in areas.values() if a.tier == 3},
            point_of_area=point_of_area,
            code_of_site=code_of_site,
            placements_of_code=dict(placements),
            reps_of_site=dict(reps_of_site),
            code_of_rep=code_of_rep,
            categories={c.slug: c for c in Category.objects.all()},
            street_office_of=street_office_of,
            departments=departments,
            unit_by_name={u.name: u for u in units.values()},
            units=units,
            gov_office=first(UnitKind.CITY_GOVERNMENT_OFFICE),
            higher_congress=first(UnitKind.HIGHER_CONGRESS),
            committee=committee,
            supervisor=supervisor,
            unit_account=unit_account,
            rep_user=rep_user,
            focus=[a for a in focus if a.tier == 4 and a.street_id],
            station_user=station_user,
        )

    def actor_ids(self) -> set[int]:
        """The users who act in the synthetic history."""
        return (
            {self.committee.pk, self.supervisor.pk}
            | set(self.unit_account.values())
            | set(self.rep_user.values())
            | set(self.station_user.values())
        )

    @functools.cached_property
    def _names(self) -> dict:
        reps = {r.pk: r.name for reps in self.reps_of_site.values() for r in reps}
        sites = {s.pk: s.name for s in self.point_of_area.values()}
        return {"rep": reps, "site": sites}

    def responder(self, case) -> tuple[int | None, str]:
        """Who signs a direct reply (user id, public name): the case's representative, or
        the staff of its site."""
        if case.representative_id:
            return self.rep_user.get(case.representative_id), self._names["rep"].get(
                case.representative_id, ""
            )
        return self.station_user.get(case.site_id), self._names["site"].get(case.site_id, "")

    def department_for(self, category: Category, rng: random.Random) -> HandlingUnit:
        """The city department named first among the category's typical units."""
        for name in city_unit_names(category.typical_units):
            unit = self.unit_by_name.get(name)
            if unit is not None and unit in self.departments:
                return unit
        return rng.choice(self.departments)


def _accounts():
    """Who acts in the synthetic history: the demo accounts where they exist; otherwise one
    inactive ``demo_history`` user (it cannot sign in and is never notified)."""
    User = get_user_model()
    demo = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    committee = demo.get("demo_committee")
    if committee is None:
        committee = demo.get(HISTORY_USERNAME)
        if committee is None:
            committee = User(username=HISTORY_USERNAME, is_active=False)
            committee.set_unusable_password()
            committee.save()
    supervisor = demo.get("demo_street") or committee
    unit_account, station_user = {}, {}
    officials = Official.objects.filter(
        user__username__startswith="demo_", role__in=[Role.UNIT_STAFF, Role.STATION_STAFF]
    )
    for official in officials.order_by("pk"):
        if official.role == Role.UNIT_STAFF:
            unit_account.setdefault(official.unit_id, official.user_id)
        else:
            station_user.setdefault(official.site_id, official.user_id)
    return committee, supervisor, unit_account, station_user


# ---------------------------------------------------------------------------------------------
# Classification, cached: templates repeat, and unit_for depends on the area only through its
# street (a street office) or not at all.
# ---------------------------------------------------------------------------------------------
class Classifier:
    def __init__(self):
        from routing import classifier

        self._module = classifier
        self._classify = functools.lru_cache(maxsize=200_000)(classifier.classify)
        self._units: dict = {}

    def suggestion(self, text: str, area) -> dict:
        """The same dict as ``routing.services.opening.case_suggestion``."""
        s = self._classify(text)
        key = (s.route, s.category, s.unit_names, area.pk)
        if key not in self._units:
            self._units[key] = self._module.unit_for(s, area)
        unit = self._units[key]
        return {
            "route": s.route,
            "supervise": s.supervise,
            "category": s.category,
            "urgent": s.urgent,
            "deadline_level": s.deadline_level,
            "unit": unit.name if unit else None,
            "unit_id": unit.pk if unit else None,
            "confidence": round(s.confidence, 2),
            "needs_review": s.needs_review,
            "model_version": s.model_version,
            "model_words": list(s.model_words),
            "reasons": list(s.reasons),
        }


@functools.lru_cache(maxsize=20_000)
def _deadlines_for_day(level: str, day: date) -> tuple[datetime, datetime]:
    return deadlines_for(level, timezone.make_aware(datetime.combine(day, time(12, 0))))


def cached_deadlines(level: str, start: datetime) -> tuple[datetime, datetime]:
    """``deadlines_for``, cached per (level, local date): only urgent depends on the hour."""
    if level == DeadlineLevel.URGENT:
        return deadlines_for(level, start)
    return _deadlines_for_day(level, timezone.localtime(start).date())


# ---------------------------------------------------------------------------------------------
# Plans
# ---------------------------------------------------------------------------------------------
@dataclass
class Step:
    at: datetime
    verb: str
    args: dict = field(default_factory=dict)


@dataclass
class CasePlan:
    index: int
    key: uuid.UUID
    at: datetime
    text: str
    request_type: str
    channel: str
    area: Area
    site: LiaisonSite | None
    representative: Representative | None
    qr_code: QRCode | None
    placement: QRPlacement | None
    reception_site: LiaisonSite | None
    logged_by_id: int | None
    collected_on: date | None
    address_line: str
    resident_category_id: int | None
    contact_name: str
    contact_phone: str
    contact_preference: str
    suggestion: dict
    outcome: str
    steps: list[Step] = field(default_factory=list)
    # The matter the text tells (its phrase-bank template and the slots filled in): a
    # duplicate tells the same matter in its own words.
    matter: tuple[str, str, dict] = ("", "", {})


class Planner:
    """Draws case plans: who wrote what, where, when, and every step of its handling."""

    def __init__(self, network: Network, classifier: Classifier, *, seed: int, salt: str, now):
        self.net = network
        self.classifier = classifier
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not security)
        self.salt = salt
        self.now = now
        self.templates = [(slug, rt, text) for slug, rows in PHRASES.items() for rt, text in rows]
        self.by_slug = defaultdict(list)
        for slug, rt, text in self.templates:
            if slug in network.categories:
                self.by_slug[slug].append((rt, text))
        self.slugs = [s for s in CATEGORY_WEIGHTS if s in self.by_slug]
        self.slug_weights = [CATEGORY_WEIGHTS[s] for s in self.slugs]

    # -- the resident's side ------------------------------------------------------------------
    def _text(
        self, slug: str, community: Area, like: CasePlan | None = None
    ) -> tuple[str, str, tuple[str, str, dict]]:
        """What the resident writes, its request type and the matter it tells. A duplicate
        (``like``) is another household telling the same matter (the same template, building
        and place) with its own greeting and closing words: what staff merge in real life."""
        rng = self.rng
        if like is not None and like.matter[1]:
            request_type, template, slots = like.matter
        else:
            request_type, template = rng.choice(self.by_slug[slug])
            street = self.net.streets.get(community.street_id)
            slots = {
                "community": community.name.removesuffix("（演示）"),
                "street": street.name if street else "",
                "place": rng.choice(PLACES),
                "n": rng.randint(1, 36),
                "u": rng.randint(1, 6),
                "days": rng.choice(["两", "三", "四", "五", "七", "十几"]),
                "road": rng.choice(ROADS),
            }
        text = rng.choice(OPENERS) + template + rng.choice(CLOSERS)
        return text.format(**slots), request_type, (request_type, template, slots)

    def _representative(self, reps: list) -> Representative:
        """One of a site's representatives; the one with an account more often than not."""
        signed_up = [r for r in reps if r.pk in self.net.rep_user]
        if signed_up and self.rng.random() < 0.6:
            return self.rng.choice(signed_up)
        return self.rng.choice(reps)

    def _source(self, community: Area) -> dict:
        """The channel and the code, site or representative behind it."""
        rng, net = self.rng, self.net
        site = net.point_of_area.get(community.pk)
        reps = net.reps_of_site.get(site.pk, []) if site else []
        code = net.code_of_site.get(site.pk) if site else None
        roll = rng.random()
        source = {
            "site": None,
            "representative": None,
            "qr_code": None,
            "placement": None,
            "reception_site": None,
            "logged_by_id": None,
            "collected_on": False,
        }
        if reps and roll < 0.25:
            rep = self._representative(reps)
            if rep.pk in net.code_of_rep:
                source.update(
                    channel=Channel.REPRESENTATIVE_QR,
                    representative=rep,
                    qr_code=net.code_of_rep[rep.pk],
                )
                return source
        if reps and roll < 0.33:
            rep = self._representative(reps)
            source.update(
                channel=Channel.RECEPTION_DAY,
                site=site,
                representative=rep,
                reception_site=site,
                logged_by_id=net.rep_user.get(rep.pk),
                collected_on=True,
            )
            return source
        if reps and roll < 0.38:
            rep = self._representative(reps)
            source.update(
                channel=Channel.ON_DUTY,
                representative=rep,
                logged_by_id=net.rep_user.get(rep.pk),
                collected_on=True,
            )
            return source
        placements = net.placements_of_code.get(code.pk, []) if code else []
        if placements and roll < 0.58:
            source.update(
                channel=Channel.PLACEMENT,
                site=site,
                qr_code=code,
                placement=rng.choice(placements),
            )
            return source
        if code is not None:
            source.update(channel=Channel.SITE_QR, site=site, qr_code=code)
            return source
        # A community without a point: the street's station code.
        raise ValueError(f"no liaison point with a code in {community}")

    def _intake_time(self, slug: str, earliest_days: float, latest_days: float) -> datetime:
        rng = self.rng
        for _attempt in range(20):
            at = self.now - timedelta(days=rng.uniform(earliest_days, latest_days))
            local = timezone.localtime(at)
            # Heating complaints come in the heating season (mid-October to mid-April).
            if slug == "heating" and local.month in (5, 6, 7, 8, 9):
                continue
            # Residents write in the day and the evening, rarely at night.
            hour = rng.choices(range(24), weights=HOUR_WEIGHTS)[0]
            moved = local.replace(hour=hour, minute=rng.randint(0, 59), second=rng.randint(0, 59))
            return moved if moved < self.now - timedelta(minutes=30) else at
        return at

    # -- the plan -----------------------------------------------------------------------------
    def plan(self, index: int) -> list[CasePlan]:
        """One case, or two for a merged duplicate (the surviving case first)."""
        rng = self.rng
        outcome = rng.choices([o for o, _w in OUTCOMES], weights=[w for _o, w in OUTCOMES])[0]
        if outcome == "merged":
            target = self._plan(index, rng.choice(["closed", "closed", "in_progress"]))
            if target.request_type == RequestType.REPORT:
                return [target]  # a report of wrongdoing is never merged (its reporter's own)
            dup = self._plan(index + 1, "merged", like=target)
            return [target, dup]
        return [self._plan(index, outcome)]

    def _plan(self, index: int, outcome: str, like: CasePlan | None = None) -> CasePlan:
        rng, net = self.rng, self.net
        if like is not None:
            community = like.area
            slug = like.suggestion.get("category") or "estate-property"
            slug = slug if slug in self.by_slug else "estate-property"
        else:
            focused = net.focus and rng.random() < FOCUS_SHARE
            community = rng.choice(net.focus if focused else net.communities)
            if outcome == "not_accepted":
                slug = "litigation-petition"
            else:
                slug = rng.choices(self.slugs, weights=self.slug_weights)[0]
        text, request_type, matter = self._text(slug, community, like)
        source = self._source(community)
        has_contact = rng.random() < 0.2
        plan = CasePlan(
            index=index,
            key=demo_key(self.salt, index),
            at=self.now,
            text=text,
            request_type=request_type,
            channel=source["channel"],
            area=community,
            site=source["site"],
            representative=source["representative"],
            qr_code=source["qr_code"],
            placement=source["placement"],
            reception_site=source["reception_site"],
            logged_by_id=source["logged_by_id"],
            collected_on=None,
            address_line=f"{rng.randint(1, 36)}号楼" if rng.random() < 0.3 else "",
            resident_category_id=(
                net.categories[slug].pk if slug in net.categories and rng.random() < 0.15 else None
            ),
            contact_name=rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(["先生", "女士"])
            if has_contact
            else "",
            contact_phone=f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"
            if has_contact
            else "",
            # Never SMS: invented numbers must not get text messages.
            contact_preference=ContactPreference.PHONE if has_contact else ContactPreference.NONE,
            suggestion=self.classifier.suggestion(text, community),
            outcome=outcome,
            matter=matter,
        )
        self._schedule(plan, slug, like)
        if source["collected_on"]:
            plan.collected_on = timezone.localtime(plan.at).date()
        return plan

    # -- handling -----------------------------------------------------------------------------
    def _decision(self, plan: CasePlan, slug: str, *, reopened=False) -> dict:
        """What staff choose at triage: mostly the suggestion; the template's category and its
        default route when the classifier was unsure or wrong."""
        rng, net = self.rng, self.net
        s = plan.suggestion
        route, category = s.get("route"), s.get("category")
        if (
            category not in net.categories
            or route not in ROUTES
            or (category != slug and rng.random() < 0.7)
        ):
            category = slug
            route = net.categories[slug].default_route
        supervise = bool(s.get("supervise"))
        if ROUTES[route].needs_responder and plan.site is None and plan.representative is None:
            route = TO_STREET
        urgent = bool(s.get("urgent"))
        kept = s.get("route") == route and not reopened
        level = s.get("deadline_level") if kept else ""
        if level not in DeadlineLevel.values:
            level = ""  # staff pick a real level where the suggestion has none
        unit = None
        if ROUTES[route].triage_unit_kinds:
            kinds = ROUTES[route].triage_unit_kinds
            unit = net.units.get(s.get("unit_id"))
            if unit is None or unit.kind not in kinds:
                unit = net.street_office_of.get(plan.area.street_id)
            if unit is None:
                route, unit = TO_DEPARTMENT, None
        return {
            "route": route,
            "supervise": supervise,
            "category": category,
            "unit_id": unit.pk if unit else None,
            "urgent": urgent,
            "level": level or "",
        }

    def _schedule(self, plan: CasePlan, slug: str, like: CasePlan | None) -> None:
        """Draw the steps (as offsets in hours), then place them in time."""
        rng = self.rng
        outcome = plan.outcome
        steps: list[tuple[float, str, dict]] = []
        clock = [0.0]

        def add(verb, gap=(1, 24), **args):
            clock[0] += rng.uniform(*gap)
            steps.append((clock[0], verb, args))

        if outcome == "merged":
            add("merge", (0.5, 6), into=like.index)
        elif outcome == "not_accepted":
            decision = self._decision(plan, slug)
            decision.update(route=ON_SITE, unit_id=None)
            add("triage", (0.5, 20), **decision)
            add("not_accept", (1, 30), reply=rng.choice(LITIGATION_REPLIES))
        elif outcome != "new":
            decision = self._decision(plan, slug)
            self._route_story(plan, slug, decision, outcome, add)
        self._place(plan, slug, steps, like)

    def _route_story(self, plan, slug, decision, outcome, add) -> None:
        rng, net = self.rng, self.net
        route = decision["route"]
        policy = ROUTES[route]
        # An outcome the route cannot reach becomes the nearest one it can.
        outcome = next(o for o in NEAREST.get(outcome, [outcome]) if reaches(policy, o))
        plan.outcome = outcome
        stop = {
            "triaged": "triage",
            "under_review": "triage",
            "dispatched": "dispatched",
            "in_progress": "accept",
            "overdue": "accept",
            "responded": "respond",
            "replied": "publish",
            "reopened": "rate",
        }.get(outcome)

        if outcome in ("closed_bounced", "returned"):
            # The first routing was wrong: the committee review or the unit sends it back.
            own_office = net.street_office_of.get(plan.area.street_id)
            if policy.forward_kinds and own_office is not None and rng.random() < 0.5:
                add("triage", (0.5, 20), **decision)
                add("review_send_back", (2, 48), reason=rng.choice(SEND_BACK_REASONS))
                decision = dict(decision, route=TO_STREET, unit_id=own_office.pk, level="")
            else:
                wrong = dict(decision, route=TO_STREET, level="")
                if policy.forward_kinds and own_office is not None:
                    wrong.update(unit_id=own_office.pk)
                else:
                    others = [u for u in net.street_office_of.values() if u is not own_office]
                    wrong.update(unit_id=rng.choice(others).pk)
                add("triage", (0.5, 20), **wrong)
                add("return", (4, 60), reason=rng.choice(RETURN_REASONS))
            if outcome == "returned":
                return
            policy = ROUTES[decision["route"]]

        cycles = 2 if outcome in ("closed_redo",) else 1
        milestones = [0]
        for cycle in range(cycles):
            d = dict(decision)
            if cycle:
                d["level"] = ""
            add("triage", (0.5, 20) if not cycle else (1, 24), reopened=bool(cycle), **d)
            if stop == "triage":
                return
            if policy.needs_responder:
                add("direct_reply", (1, 40), reply=rng.choice(DIRECT_REPLIES))
            else:
                if policy.after_review:
                    add("review_approve", (4, 72))
                if policy.forward_kinds:
                    add("forward", (2, 40), unit_id=self._department(plan, slug).pk)
                if stop == "dispatched":
                    return
                if policy.allows(Action.REPORT_UPWARD, S.DISPATCHED):
                    add(
                        "report_upward",
                        (24, 120),
                        body=net.higher_congress.name,
                        reference=f"克人常报〔{rng.randint(2025, 2026)}〕{rng.randint(1, 400)}号",
                    )
                    if stop == "accept":
                        return
                    add(
                        "progress",
                        (24, 400),
                        note="已向自治区人大常委会报送，等待答复。",
                        public=True,
                    )
                    add("upward_reply", (200, 1200), reply=rng.choice(RESULTS))
                elif self._unit_story(decision, outcome, stop, milestones, add):
                    return
                if stop == "respond":
                    return
                add("verify_publish", (2, 40), reply=rng.choice(REPLIES))
            if stop == "publish":
                return
            if cycle + 1 < cycles or outcome == "reopened":
                add(
                    "rate",
                    (4, 96),
                    value=Satisfaction.DISSATISFIED,
                    comment=rng.choice(DISSATISFIED_COMMENTS),
                )
                if outcome == "reopened":
                    return
            else:
                value = rng.choices(
                    [Satisfaction.SATISFIED, Satisfaction.BASICALLY], weights=[82, 18]
                )[0]
                add("rate", (4, 120), value=value, comment=rng.choice(OK_COMMENTS))

    def _unit_story(self, decision, outcome, stop, milestones, add) -> bool:
        """A handling unit accepts, works (under supervision: milestones), may ask for more
        time, and reports its result. True when the story stops at the unit."""
        rng = self.rng
        add("accept", (1, 30))
        if decision["supervise"]:
            first_milestone = milestones[0]
            for k, title in enumerate(MILESTONES):
                add("milestone_add", (0.2, 2), title=title, due_days=3 + 4 * k)
                milestones[0] += 1
        if rng.random() < 0.12 and outcome not in ("overdue",):
            add("ext_request", (12, 72), reason=rng.choice(EXTENSION_REASONS))
            roll = rng.random()
            if roll < 0.8 or stop != "accept":
                add(
                    "ext_decide",
                    (2, 30),
                    approve=roll < 0.7,
                    note="" if roll < 0.7 else "请按原时限办理。",
                )
        if stop == "accept":
            if rng.random() < 0.6:
                add("progress", (12, 72), note=rng.choice(PROGRESS_NOTES), public=True)
            return True
        for _n in range(rng.choice([0, 1, 1, 2])):
            add("progress", (6, 72), note=rng.choice(PROGRESS_NOTES), public=True)
        if decision["supervise"]:
            add("milestone_done", (2, 24), milestone=first_milestone)
            add("follow_up", (2, 24), note="督办人员到现场查看整改进度。")
        add("respond", (12, 120), result=rng.choice(RESULTS))
        return False

    def _department(self, plan, slug) -> HandlingUnit:
        unit = self.net.units.get(plan.suggestion.get("unit_id"))
        if unit is not None and unit in self.net.departments:
            return unit
        return self.net.department_for(self.net.categories[slug], self.rng)

    def _place(self, plan, slug, steps, like) -> None:
        """Choose the intake time for the outcome and turn offsets into times."""
        rng, outcome = self.rng, plan.outcome
        if plan.reception_site is not None and like is not None:
            self._on_duty(plan)
        span = steps[-1][0] if steps else 0.0
        span_days = span / 24
        if like is not None:
            # A duplicate: sent a little after the case it duplicates, merged soon after.
            plan.at = like.at + timedelta(hours=rng.uniform(1, 18))
            if plan.at + timedelta(days=span_days) >= self.now:
                plan.at = like.at + timedelta(minutes=20)
        elif outcome == "new":
            plan.at = self._intake_time(slug, 0.02, 2)
        elif outcome == "overdue":
            plan.at = self._intake_time(slug, 30, 200)
        elif outcome in OPEN_OUTCOMES:
            plan.at = self._intake_time(slug, span_days + 0.05, span_days + 1.5)
        else:
            plan.at = self._intake_time(slug, max(span_days + 1, 15), SPAN_DAYS)
        if plan.reception_site is not None:
            self._reception_day(plan, allow_days=0 if outcome in OPEN_OUTCOMES else 6)
        latest = self.now - timedelta(minutes=10)
        times = [plan.at + timedelta(hours=offset) for offset, _v, _a in steps]
        if times and times[-1] > latest:
            # Squeeze the story in before now, keeping its order.
            room = max((latest - plan.at).total_seconds(), 60.0)
            scale = room / max((times[-1] - plan.at).total_seconds(), 1.0)
            times = [plan.at + (t - plan.at) * scale for t in times]
        plan.steps = [
            Step(at=t, verb=v, args=a) for t, (_o, v, a) in zip(times, steps, strict=True)
        ]
        if like is not None:
            # The case it duplicates must still be open when they are merged.
            closing = [s.at for s in like.steps if s.verb in ("rate", "not_accept")]
            if closing and plan.steps[-1].at >= min(closing) - timedelta(minutes=5):
                plan.at = like.at + timedelta(minutes=10)
                plan.steps[-1].at = like.at + timedelta(minutes=20)
        if outcome == "overdue" and plan.steps:
            self._escalate(plan)
        self._check_extension(plan)

    def _check_extension(self, plan: CasePlan) -> None:
        """A unit asks for more time before the deadline, or not at all."""
        resolve_by = None
        for i, step in enumerate(plan.steps):
            if step.verb == "triage":
                level = step.args["level"] or ROUTES[step.args["route"]].deadline_level(
                    urgent=step.args["urgent"],
                    reopened=bool(step.args.get("reopened")),
                    supervised=step.args["supervise"],
                )
                resolve_by = cached_deadlines(level, step.at)[1]
            elif step.verb == "ext_request" and (resolve_by is None or step.at >= resolve_by):
                plan.steps = [
                    s
                    for s in plan.steps[:i] + plan.steps[i + 1 :]
                    if s.verb != "ext_decide" or s.at < step.at
                ]
                return

    def _on_duty(self, plan: CasePlan) -> None:
        plan.channel = Channel.ON_DUTY
        plan.site = plan.reception_site = None

    def _reception_day(self, plan: CasePlan, allow_days: int) -> None:
        """A reception-day opinion is written down on the site's reception day: the last
        one before the drawn time, if close enough; otherwise the representative was on duty.
        """
        day = plan.reception_site.reception_day or 10
        local = timezone.localtime(plan.at)
        held = local.date().replace(day=day)
        if held > local.date():
            held = (held.replace(day=1) - timedelta(days=1)).replace(day=day)
        if (local.date() - held).days > allow_days:
            self._on_duty(plan)
            return
        plan.at = local.replace(
            year=held.year, month=held.month, day=held.day, hour=self.rng.randint(9, 11)
        )

    def _escalate(self, plan: CasePlan) -> None:
        """An overdue case: 40% are put under supervision a few days after the deadline."""
        rng = self.rng
        triage = [s for s in plan.steps if s.verb == "triage"][-1]
        level = triage.args["level"] or ROUTES[triage.args["route"]].deadline_level(
            urgent=triage.args["urgent"], reopened=False, supervised=False
        )
        _ack, resolve_by = cached_deadlines(level, triage.at)
        at = resolve_by + timedelta(days=rng.uniform(1, 6))
        if (
            rng.random() < 0.4
            and not triage.args["supervise"]
            and at < self.now - timedelta(days=1)
        ):
            plan.steps.append(Step(at, "supervise", {"reason": ESCALATION_REASON}))
            for k, title in enumerate(MILESTONES[:2]):
                plan.steps.append(
                    Step(
                        at + timedelta(minutes=10 + k),
                        "milestone_add",
                        {"title": title, "due_days": 5 + 7 * k},
                    )
                )


HOUR_WEIGHTS = [1, 1, 1, 1, 1, 1, 2, 4, 6, 9, 10, 10, 8, 7, 8, 9, 9, 9, 8, 9, 10, 9, 6, 3]


def milestone_due(at: datetime, days: int) -> date:
    return add_working_days(timezone.localtime(at).date(), days)


def new_deadline(resolve_by: datetime) -> date:
    """The date a unit asks for: a week of working days after the current deadline."""
    return add_working_days(timezone.localtime(resolve_by).date(), 5)


def reception_days(wanted: set[tuple[int, date]]) -> dict[tuple[int, date], ReceptionDay]:
    """The reception days ``(site id, date)`` opinions were collected at, created where
    missing (a synthetic reception day: 15 visitors, no notes)."""
    if not wanted:
        return {}
    ReceptionDay.objects.bulk_create(
        [ReceptionDay(site_id=s, date=d, visitors=15, notes="") for s, d in wanted],
        ignore_conflicts=True,
    )
    sites = {s for s, _d in wanted}
    days = {d for _s, d in wanted}
    return {
        (r.site_id, r.date): r
        for r in ReceptionDay.objects.filter(site_id__in=sites, date__in=days)
    }


def draw_plans(
    n: int, *, seed: int, salt: str, start: int, now=None, network=None, classifier=None
) -> Iterator[CasePlan]:
    """``n`` case plans (a merged duplicate counts as one case), indices from ``start``."""
    now = now or timezone.now()
    network = network or Network.load()
    planner = Planner(network, classifier or Classifier(), seed=seed, salt=salt, now=now)
    index, made = start, 0
    while made < n:
        group = planner.plan(index)
        if made + len(group) > n:
            group = planner.plan(index)
            if made + len(group) > n:
                continue
        index += len(group)
        made += len(group)
        yield from group
