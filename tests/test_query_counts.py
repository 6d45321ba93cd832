"""What every list page and every main action costs in queries, as absolute counts (the
``queries`` fixture of tests/conftest.py lists the queries of a count that changed).

Each row runs on the same small world with at least three cases (or items) of every kind a
page lists, so a query run once per row (an N+1) would show as a changed count. Pages are
read once before they are counted (the process caches of units, categories and deadline rules
are warm, as they are in production); an action is counted after its page was read."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import Submission
from notifications.models import Notification
from reports.periods import Period
from reports.services import briefing as briefings
from reports.services import suggestions
from representatives.models import ReceptionDay
from representatives.services.qr import qr_code_create
from routing.models import Route, SupervisionReason
from routing.services.extension import extension_request_create
from routing.services.supervision import case_supervise, case_supervision_request
from routing.services.workflow import (
    case_accept,
    case_progress,
    case_respond,
    case_return,
    case_verify_publish,
)
from tests.factories import (
    AreaFactory,
    HandlingUnitFactory,
    RepresentativeFactory,
    SiteFactory,
)
from tests.feedback.helpers import form_data
from tests.routing.helpers import estate, open_case, triage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]

N = 3  # cases (or items) of each kind; at least three, so that an N+1 shows


@dataclass
class World:
    """Everything the rows point at (``Row.args`` reads it)."""

    personas: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.objects[key]


def _quarter_of(day) -> Period:
    return Period.quarter(day.year, (day.month - 1) // 3 + 1)


@pytest.fixture
def world(
    areas,
    site,
    representative,
    representative_user,
    committee_staff,
    unit_staff,
    leader,
    categories,
    rep_code,
    site_code,
):
    w = World(
        personas={
            "committee": committee_staff,
            "unit": unit_staff,
            "leader": leader,
            "representative": representative_user,
            "resident": None,
        }
    )
    clerk, unit = committee_staff, unit_staff.official.unit
    HandlingUnitFactory(
        name="克拉玛依市人民政府办公室", kind="city_government_office", area=areas[0]
    )
    w.objects["site_code"] = site_code
    w.objects["rep_code"] = rep_code

    def opened(n=N, **kwargs):
        return [open_case(site.area, site=site, **kwargs) for _ in range(n)]

    def assigned(n=N):
        return [triage(c, clerk, route=Route.ASSIGN, unit=unit) for c in opened(n)]

    def accepted(n=N):
        return [case_accept(case_id=c.pk, actor=unit_staff) for c in assigned(n)]

    def responded(n=N):
        return [
            case_respond(case_id=c.pk, actor=unit_staff, result="路灯已更换，恢复照明。")
            for c in accepted(n)
        ]

    new = opened()
    dispatched = assigned()
    in_progress = accepted()
    to_verify = responded()
    replied = [
        case_verify_publish(
            case_id=c.pk, actor=clerk, reply="路灯已修好。", public_actor="银河路街道办事处"
        )
        for c in responded()
    ]
    under_review = [triage(c, clerk, route=Route.TRANSFER) for c in opened()]
    returned = [
        case_return(
            case_id=c.pk, actor=unit_staff, reason="不归我们管。", expected_status="dispatched"
        )
        for c in assigned()
    ]
    direct = [
        triage(open_case(site.area, representative=representative), clerk, route=Route.DIRECT)
        for _ in range(N)
    ]
    # Queues that are columns rather than statuses: overdue, due soon, supervision, extensions.
    now = timezone.now()
    for case in dispatched:
        case_supervision_request(
            case_id=case.pk, reason=SupervisionReason.INSTRUCTION, note="请督促。", actor=leader
        )
        type(case).objects.filter(pk=case.pk).update(resolve_by=now - timedelta(days=1))
    for case in in_progress:
        case_supervise(case_id=case.pk, actor=clerk, supervisor=clerk, reason="群众反映集中")
        extension_request_create(
            case_id=case.pk,
            actor=unit_staff,
            unit=unit,
            reason="需要协调供电公司。",
            new_resolve_by=timezone.localdate() + timedelta(days=60),
        )
        type(case).objects.filter(pk=case.pk).update(resolve_by=now + timedelta(days=1))
    # The case everyone opens: a timeline of several events, public and internal.
    busy = in_progress[0]
    for n in range(N):
        case_progress(case_id=busy.pk, actor=unit_staff, note=f"进展{n}", is_public=bool(n % 2))
    for case in new:
        Notification.objects.create(
            channel=Notification.Channel.IN_APP,
            template="case_supervised",
            user=clerk,
            case=case,
            state=Notification.State.SENT,
        )
    w.objects.update(
        new=new[0],
        dispatched=dispatched[0],
        in_progress=busy,
        responded=to_verify[0],
        replied=replied[0],
        tracked=Submission.objects.filter(case=busy).get(),
        rated=Submission.objects.filter(case=replied[0]).get(),
        under_review=under_review[0],
        returned=returned[0],
        direct=direct[0],
    )

    # The public pages: a site with several representatives and reception days, a
    # representative at several sites, and more sites in the directory.
    for n in range(N):
        RepresentativeFactory().sites.add(site)
        ReceptionDay.objects.create(site=site, date=timezone.localdate() - timedelta(days=30 * n))
        other = SiteFactory(area=AreaFactory(level="community", parent=areas[2]))
        representative.sites.add(other)
        qr_code_create(site=other)
    w.objects["site"] = site
    w.objects["city"] = areas[0]
    w.objects["representative"] = representative

    # Reports: a suggestion with its cases and representatives, a motion from two streets,
    # briefings for several quarters, a version with the leader's instructions.
    quarter = _quarter_of(timezone.localdate())
    w.objects["quarter"] = quarter
    other_street = AreaFactory(code="650203005", name="昆仑路街道", level="street", parent=areas[1])
    elsewhere = AreaFactory(level="community", parent=other_street)
    triage(open_case(elsewhere), clerk, route=Route.ASSIGN, unit=unit)
    drafted = [
        suggestions.suggestion_from_cluster(
            street=street, category=estate(), period=quarter, actor=clerk
        )
        for street in (areas[2], areas[2], other_street)
    ]
    representatives = RepresentativeFactory.create_batch(10)
    submitted = suggestions.suggestion_submit(
        suggestion_id=drafted[0].pk, actor=clerk, representatives=representatives[:N], unit=unit
    )
    motion = suggestions.motion_draft(
        suggestions=[submitted, drafted[2]],
        subject="关于统筹解决老旧小区路灯维护问题的议案",
        grounds="两个街道反映集中。",
        proposal="统筹路灯维护经费。",
        actor=clerk,
    )
    suggestions.motion_submit(motion_id=motion.pk, actor=clerk, co_signers=representatives)
    w.objects.update(suggestion=submitted, motion=motion)
    period, issued = quarter, []
    for _ in range(N):
        compiled = briefings.briefing_compile(period=period, area=areas[0], at=timezone.now())
        issued.append(briefings.briefing_issue(briefing_id=compiled.pk, actor=clerk))
        period = period.previous()
    version = issued[0]
    for n in range(N):
        briefings.instruction_create(author=leader, text=f"请抓好落实{n}。", version=version)
    w.objects["version"] = version
    return w


@dataclass(frozen=True)
class Row:
    persona: str
    name: str
    args: Callable[[World], tuple] = lambda w: ()
    count: int = 0
    query: Callable[[World], str] | str = ""
    post: Callable[[World], dict] | None = None  # the form data of an action
    page: Callable[[World], str] | None = None  # the page read before the action
    label: str = ""  # what the test id says of the URL's arguments

    def url(self, w: World) -> str:
        query = self.query(w) if callable(self.query) else self.query
        return reverse(self.name, args=self.args(w)) + (f"?{query}" if query else "")

    def __str__(self):
        label = self.label or ("" if callable(self.query) else self.query)
        return f"{self.persona}-{'POST ' if self.post else ''}{self.name}{'?' + label if label else ''}"


def pk(key):
    return lambda w: (w[key].pk,)


def tracking(key):
    return lambda w: (w[key].tracking_code, w[key].secret)


def case_page(key):
    return lambda w: reverse("workbench:case-detail", args=(w[key].pk,))


def desk_page(key):
    return lambda w: reverse("workbench:desk-case", args=(w[key].pk,))


QUEUES = [
    "to_classify",
    "to_review",
    "to_verify",
    "overdue",
    "due_soon",
    "to_supervise",
    "supervised",
    "returned",
    "awaiting_rating",
    "extensions",
    "all",
]

ROWS = [
    # The committee's workbench: every queue, the search and each filter.
    *[Row("committee", "workbench:workbench", query=f"queue={q}", count=11) for q in QUEUES],
    # A search that could be a name reads that name's cases first (selectors_work.NAME).
    Row("committee", "workbench:workbench", query="queue=all&q=路灯", count=12, label="search"),
    Row("committee", "workbench:workbench", query="queue=all&route=assign", count=11),
    Row("committee", "workbench:workbench", query="queue=all&status=in_progress", count=11),
    Row(
        "committee",
        "workbench:workbench",
        query=lambda w: f"queue=all&unit={w['dispatched'].unit_id}",
        count=12,
        label="queue=all&unit",
    ),
    Row(
        "committee",
        "workbench:workbench",
        query=lambda w: f"queue=all&area={w['site'].area.street_id}",
        count=12,
        label="queue=all&area",
    ),
    Row(
        "committee",
        "workbench:workbench",
        query=lambda w: f"queue=all&category={w['dispatched'].category_id}",
        count=12,
        label="queue=all&category",
    ),
    Row(
        "committee",
        "workbench:workbench",
        query=lambda w: f"queue=all&since={timezone.localdate().isoformat()}",
        count=11,
        label="queue=all&since",
    ),
    # + the households on the case.
    Row("committee", "workbench:case-detail", pk("in_progress"), count=18, label="in_progress"),
    # With the triage form's choices; the committee staff are read twice (queries 22, 24);
    # 相似意见: the street's open cases, their words, the households of those listed (the
    # world's open cases all say the same, so five are listed).
    Row("committee", "workbench:case-detail", pk("new"), count=24, label="new"),
    # The unit's desk: every tab and the case page.
    Row("unit", "workbench:desk", query="tab=to_accept", count=7),
    Row("unit", "workbench:desk", query="tab=in_progress", count=7),
    Row("unit", "workbench:desk", query="tab=reported", count=7),
    Row("unit", "workbench:desk-case", pk("in_progress"), count=9),
    # The representative's page, the inbox.
    # + own QR code, reception days; the sites they receive at, then one query per way an
    # opinion reaches them (three)
    Row("representative", "feedback:rep-home", count=11),
    Row("committee", "notifications:inbox", count=5),
    # Reports.
    Row(
        "committee",
        "reports:dashboard",
        query=lambda w: f"period={w['quarter'].key}&area={w['city'].pk}",
        count=23,  # the area choices are read twice (queries 22 and 23)
    ),
    Row("committee", "reports:briefing-list", count=8),  # the area choices read twice
    Row("leader", "reports:briefing-list", count=6),
    Row("leader", "reports:briefing-version", lambda w: (w["version"].briefing_id, 1), count=7),
    Row("committee", "reports:suggestion-list", count=7),
    Row("committee", "reports:suggestion-detail", pk("suggestion"), count=8),
    Row("committee", "reports:motion-detail", pk("motion"), count=7),
    # The public site.
    Row("resident", "representatives:site-directory", count=2),
    Row(
        "resident", "representatives:site-detail", pk("site"), count=6
    ),  # scheduled days + who receives, recorded days
    Row("resident", "representatives:representative-detail", pk("representative"), count=4),
    Row("resident", "feedback:track", tracking("tracked"), count=4),
    # The intake page reads its code, categories and areas from the process caches.
    Row("resident", "feedback:intake", lambda w: (w["site_code"].token,), count=0),
    # The main actions.
    Row(
        "committee",
        "workbench:case-triage",
        pk("new"),
        count=23,
        page=case_page("new"),
        post=lambda w: {
            "triage-expected_status": "new",
            "triage-route": "assign",
            "triage-category": estate().pk,
            "triage-unit": w["dispatched"].unit_id,
        },
    ),
    Row(
        "unit",
        "workbench:desk-accept",
        pk("dispatched"),
        count=12,
        page=desk_page("dispatched"),
        post=lambda w: {},
    ),
    Row(
        "unit",
        "workbench:desk-progress",
        pk("in_progress"),
        count=9,
        page=desk_page("in_progress"),
        post=lambda w: {"progress-note": "已联系供电公司。", "progress-is_public": "on"},
    ),
    Row(
        "unit",
        "workbench:desk-respond",
        pk("in_progress"),
        count=15,
        page=desk_page("in_progress"),
        post=lambda w: {"result-result": "路灯已更换，恢复照明。"},
    ),
    Row(
        "resident",
        "feedback:rate",
        tracking("rated"),
        count=11,
        page=lambda w: reverse("feedback:track", args=tracking("rated")(w)),
        post=lambda w: {"value": "satisfied"},
    ),
    Row(
        "resident",
        "feedback:intake",
        lambda w: (w["site_code"].token,),
        count=10,
        page=lambda w: w["site_code"].get_absolute_url(),
        post=lambda w: form_data(w["site"].area),
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=str)
def test_query_count(client, world, queries, row):
    user = world.personas[row.persona]
    if user is not None:
        client.force_login(user)
    url = row.url(world)
    if row.post is None:
        assert client.get(url).status_code == 200, url
        with queries(row.count):
            response = client.get(url)
        assert response.status_code == 200, url
    else:
        assert client.get(row.page(world)).status_code == 200
        data = row.post(world)
        with queries(row.count):
            response = client.post(url, data)
        assert response.status_code == 302, (url, getattr(response, "context", None))
