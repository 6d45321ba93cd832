"""Who may open which page or act through which URL: every persona × every URL.

Visibility equals existence: a page or case a persona may not see is a 404, the anonymous
visitor is sent to sign in. To add URLs, append ``Page`` rows to ``PAGES`` with the audience
that may use them (add an audience to ``AUDIENCES`` if none fits), or, for a page meant for
everybody, add its name to ``PUBLIC``: a named URL in neither fails
``test_every_url_has_a_row_or_is_public``.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from feedback.models import Channel
from feedback.services.submit import IntakeSource, submission_create
from notices.models import Announcement
from notices.services.announcement import announcement_create
from reports.periods import Period
from reports.services.briefing import briefing_compile, briefing_issue, instruction_create
from reports.services.suggestions import motion_draft, suggestion_from_cluster
from representatives.models import Role
from routing.models import Route
from routing.services.extension import extension_request_create
from routing.services.supervision import milestone_add
from routing.services.workflow import case_accept
from tests.factories import (
    AreaFactory,
    HandlingUnitFactory,
    RepresentativeFactory,
    SiteFactory,
    make_official,
)
from tests.feedback.helpers import jpeg_with_gps
from tests.routing.helpers import PHONE, SUGGESTION, TEXT, estate, open_case

pytestmark = pytest.mark.django_db

ROLES = [
    "committee_city",
    "committee_street",
    "committee_other_street",
    "unit_of_the_case",
    "unit_other",
    "representative_own",
    "representative_other",
    "station_staff",
    "leader",
    "anonymous",
]

# Which personas may use a page of each audience (everyone else: 404; anonymous: sign in).
AUDIENCES = {
    # The committee's own pages: any committee staff member.
    "committee": {"committee_city", "committee_street", "committee_other_street"},
    # A case's page and actions, and the street's suggestion and motion: committee staff
    # whose area contains the case (the street).
    "committee_case": {"committee_city", "committee_street"},
    # The district's briefing, its draft and the follow-up of instructions: committee staff
    # whose area contains the district.
    "committee_district": {"committee_city"},
    "signed_in": set(ROLES) - {"anonymous"},
    # The handling units' desk: any unit's staff; a case on it: the unit it was sent to.
    "unit": {"unit_of_the_case", "unit_other"},
    "unit_case": {"unit_of_the_case"},
    # A case that came in through a representative's code (or their station's): the
    # representative and the station's staff.
    "representative_case": {"representative_own", "station_staff"},
    # Where a notice's link opens a case: everyone who may see it, on their role's page.
    "case_any": {
        "committee_city",
        "committee_street",
        "unit_of_the_case",
        "representative_own",
        "station_staff",
    },
    # The liaison side: representatives and station staff (their page, logging an opinion,
    # recording a reception day).
    "representatives": {"representative_own", "representative_other", "station_staff"},
    # An opinion's slip: the official who logged it.
    "logged_by": {"representative_own"},
    # Reports of the reader's own area: committee staff and leaders.
    "readers": {"committee_city", "committee_street", "committee_other_street", "leader"},
    # An issued briefing of the district: readers whose area contains it.
    "readers_district": {"committee_city", "leader"},
    # The street's suggestion and motion: readers whose area contains the street.
    "readers_street": {"committee_city", "committee_street", "leader"},
    # Instructions on an issued briefing: a leader of its area.
    "leader": {"leader"},
}


@dataclass(frozen=True)
class Page:
    name: str
    method: str = "GET"
    args: Callable = field(default=lambda w: [])
    audience: str = "committee_case"
    # POSTs carry no data, except where an empty form is answered by a 404 for everybody
    # (the audience could not be told from the others).
    data: Callable = field(default=lambda w: {})

    @property
    def id(self):
        return f"{self.method} {self.name}"


def _case(w):
    return [w.case.pk]


def _briefing(w):
    return [w.briefing.pk]


def _version(w):
    return [w.briefing.pk, w.version.number]


def _announcement(w):
    """The city committee's announcement to the case's community (made on first use)."""
    found = Announcement.objects.first()
    if found is None:
        author = w.users["committee_city"]
        today = timezone.localdate()
        found = announcement_create(
            actor=author,
            official=author.official,
            area=w.case.area,
            site=None,
            title="北门路灯改造计划",
            body="计划下月施工。",
            opens_on=today,
            closes_on=today,
        )
    return [found.pk]


PAGES = [
    Page("workbench:workbench", audience="committee"),
    Page("workbench:workbench-bulk-accept", "POST", audience="committee"),
    Page("workbench:case-detail", args=_case),
    Page("workbench:case-triage", "POST", _case),
    Page("workbench:case-review-approve", "POST", _case),
    Page("workbench:case-review-send-back", "POST", _case),
    Page("workbench:case-verify-publish", "POST", _case),
    Page("workbench:case-verify-send-back", "POST", _case),
    Page("workbench:case-extension-decide", "POST", lambda w: [w.case.pk, w.extension.pk]),
    Page("workbench:case-supervise", "POST", _case),
    Page("workbench:case-milestone-add", "POST", _case),
    Page("workbench:case-milestone-done", "POST", lambda w: [w.case.pk, w.milestone.pk]),
    Page("workbench:case-follow-up", "POST", _case),
    Page("workbench:case-progress", "POST", _case),
    Page("workbench:case-merge", "POST", _case),
    Page("workbench:case-not-accept", "POST", _case),
    Page("workbench:case-report-upward", "POST", _case),
    Page("workbench:case-upward-reply", "POST", _case),
    Page("workbench:meeting-list", audience="committee"),
    Page("workbench:meeting-new", audience="committee"),
    Page("workbench:meeting-new", "POST", audience="committee"),
    Page("notifications:inbox", audience="signed_in"),
    Page(
        "workbench:case-contact-reveal",
        "POST",
        lambda w: [w.case.pk, w.case.submissions.get().pk],
    ),
    Page(
        "workbench:case-chinese-summary",
        "POST",
        lambda w: [w.case.pk, w.case.submissions.get().pk],
    ),
    Page("workbench:desk", audience="unit"),
    Page("workbench:desk-case", args=_case, audience="unit_case"),
    Page("workbench:desk-accept", "POST", _case, audience="unit_case"),
    Page("workbench:desk-return", "POST", _case, audience="unit_case"),
    Page("workbench:desk-progress", "POST", _case, audience="unit_case"),
    Page("workbench:desk-extension", "POST", _case, audience="unit_case"),
    Page("workbench:desk-respond", "POST", _case, audience="unit_case"),
    Page("workbench:desk-forward", "POST", _case, audience="unit_case"),
    Page("workbench:rep-case", args=_case, audience="representative_case"),
    Page("workbench:rep-case-reply", "POST", _case, audience="representative_case"),
    Page("workbench:rep-case-decline", "POST", _case, audience="representative_case"),
    Page("workbench:case-open", args=_case, audience="case_any"),
    # The resident's photo of the case, served to whoever may see the case.
    Page("workbench:photo", args=lambda w: ["submission", w.photo.pk, "view"], audience="case_any"),
    # feedback: the representatives' and station staff's pages.
    Page("feedback:rep-home", audience="representatives"),
    Page("feedback:log-opinion", audience="representatives"),
    Page("feedback:log-opinion", "POST", audience="representatives"),
    Page("feedback:slip", args=lambda w: [w.slip_code], audience="logged_by"),
    Page(
        "feedback:contact-reveal",
        "POST",
        lambda w: [w.case.submissions.get().tracking_code],
        audience="representative_case",
    ),
    # representatives: reception days, the account and two-factor setup.
    Page("representatives:reception-day-new", audience="representatives"),
    Page("representatives:reception-day-new", "POST", audience="representatives"),
    Page("representatives:reception-day-record", audience="representatives"),
    Page("representatives:reception-day-record", "POST", audience="representatives"),
    Page("representatives:account", audience="signed_in"),
    Page("landing", audience="signed_in"),
    Page("representatives:two-factor-setup", audience="signed_in"),
    Page("representatives:two-factor-setup", "POST", audience="signed_in"),
    # reports: the dashboard, the district's briefing, the street's suggestion and motion.
    Page("reports:dashboard", audience="readers"),
    Page("reports:export", args=lambda w: ["all", "xlsx"], audience="readers"),
    Page("reports:briefing-list", audience="readers"),
    Page("reports:briefing-compile", "POST", audience="committee"),
    Page("reports:briefing-draft", args=_briefing, audience="committee_district"),
    Page("reports:briefing-draft", "POST", _briefing, audience="committee_district"),
    Page("reports:briefing-draft-pdf", args=_briefing, audience="committee_district"),
    Page("reports:briefing-recompile", "POST", _briefing, audience="committee_district"),
    Page("reports:briefing-issue", "POST", _briefing, audience="committee_district"),
    Page("reports:briefing-version", args=_version, audience="readers_district"),
    Page("reports:briefing-version-pdf", args=_version, audience="readers_district"),
    Page("reports:briefing-version-xlsx", args=_version, audience="readers_district"),
    Page("reports:briefing-instruct", "POST", _version, audience="leader"),
    Page(
        "reports:instruction-follow-up",
        "POST",
        lambda w: [w.instruction.pk],
        audience="committee_district",
    ),
    Page("reports:suggestion-list", audience="readers"),
    Page("reports:suggestion-detail", args=lambda w: [w.suggestion.pk], audience="readers_street"),
    Page("reports:suggestion-act", "POST", lambda w: [w.suggestion.pk, "text"]),
    # An empty form is a 404 for everybody ("the buttons post valid values only"): the
    # street's recurring issue, as its button on the briefing's draft posts it.
    Page("reports:suggestion-from-cluster", "POST", data=lambda w: w.cluster),
    Page("reports:motion-new", audience="committee"),
    Page("reports:motion-new", "POST", audience="committee"),
    Page("reports:motion-detail", args=lambda w: [w.motion.pk], audience="readers_street"),
    Page("reports:motion-act", "POST", lambda w: [w.motion.pk, "cosign"]),
    # notices (公示): publishing a case's result, and the committee's announcements.
    Page("notices:case-publication", args=_case),
    Page("notices:case-publish", "POST", _case),
    Page("notices:case-withdraw", "POST", _case),
    Page("notices:announcement-list", audience="committee"),
    Page("notices:announcement-new", audience="committee"),
    Page("notices:announcement-new", "POST", audience="committee"),
    Page("notices:announcement-staff", args=lambda w: _announcement(w)),
    Page("notices:announcement-withdraw", "POST", lambda w: _announcement(w)),
]

# Pages for everybody, signed in or not: the resident's side, the public directory, codes
# and posters, signing in and out, the health check.
PUBLIC = {
    "home",
    "healthz",
    "display",  # the large-text switch (tests/liaison/test_display.py)
    "feedback:intake",
    "feedback:track-lookup",
    # 我的意见: a one-time code to the number (tests/feedback/test_mine.py).
    "feedback:mine",
    "feedback:mine-code",
    "feedback:mine-list",
    "feedback:mine-leave",
    "feedback:track",
    "feedback:receipt",
    "feedback:receipt-sms",  # the tracking key in the URL (tests/feedback/test_receipt_sms.py)
    "feedback:rate",
    # The resident's consent to show the result publicly (tests/notices/test_gongshi.py).
    "feedback:publication-consent",
    # Opened by the tracking key or the form's one-time key in the URL (tests/feedback/
    # test_private_photos.py).
    "feedback:track-photo",
    "feedback:pending-photo",
    "representatives:site-directory",
    "representatives:site-detail",
    "representatives:representative-detail",
    "representatives:qr-image",
    "representatives:poster",
    "representatives:login",
    "representatives:logout",
    # The Open311 API's read side: anonymised by design (tests/open311/test_read.py).
    "open311:discovery",
    "open311:services",
    "open311:service",
    "open311:requests",
    "open311:request",
    "open311:token",
    # 公示: anonymised by design; photos only of a live publication (tests/notices/).
    "notices:community",
    "notices:site",
    "notices:announcement",
    "notices:photo",
}


@pytest.fixture(autouse=True)
def _fixed_suggestion(monkeypatch):
    monkeypatch.setattr(
        "routing.services.opening.case_suggestion", lambda text, area: dict(SUGGESTION)
    )


@dataclass
class World:
    case: object
    extension: object
    milestone: object
    users: dict
    slip_code: str
    briefing: object
    version: object
    instruction: object
    suggestion: object
    motion: object
    cluster: dict
    photo: object


@pytest.fixture
def world(
    areas,
    site,
    representative,
    representative_user,
    committee_staff,
    unit_staff,
    station_staff,
    leader,
    categories,
):
    """A supervised case in progress at the street office, which came in through the
    representative's code at the site, with a pending extension and a milestone; an opinion
    the representative logged in a third street; the district's briefing of this quarter,
    issued once, with a leader's instruction; a suggestion drafted from the street's cases,
    and a motion from it and the third street's."""
    from routing.services.workflow import case_triage

    unit = unit_staff.official.unit
    case = open_case(site.area, site=site, representative=representative, photos=[jpeg_with_gps()])
    case = case_triage(
        case_id=case.pk,
        actor=committee_staff,
        route=Route.ASSIGN,
        category=estate(),
        unit=unit,
        supervise=True,
        supervisor=committee_staff,
    )
    case = case_accept(case_id=case.pk, actor=unit_staff)
    extension = extension_request_create(
        case_id=case.pk,
        actor=unit_staff,
        unit=unit,
        reason="需要采购",
        new_resolve_by=timezone.localdate() + timedelta(days=60),
    )
    milestone = milestone_add(
        case_id=case.pk,
        actor=committee_staff,
        title="完成更换",
        due_on=timezone.localdate() + timedelta(days=7),
    )
    other_street = AreaFactory(code="650203005", name="昆仑路街道", level="street", parent=areas[1])
    other_rep = RepresentativeFactory(name="李四")
    other_rep_user = make_official(Role.REPRESENTATIVE, username="rep-other", area=areas[3])
    other_rep.user = other_rep_user
    other_rep.save(update_fields=["user"])
    # Their own liaison point elsewhere: their reception-day forms are for it.
    other_rep.sites.add(SiteFactory(area=other_street, name="昆仑路联络点"))
    users = {
        "committee_city": committee_staff,
        "committee_street": make_official(
            Role.COMMITTEE_STAFF, username="street-committee", area=areas[2]
        ),
        "committee_other_street": make_official(
            Role.COMMITTEE_STAFF, username="other-street", area=other_street
        ),
        "unit_of_the_case": unit_staff,
        "unit_other": make_official(
            Role.UNIT_STAFF,
            username="other-unit",
            area=areas[0],
            unit=HandlingUnitFactory(name="克拉玛依市水务局"),
        ),
        "representative_own": representative_user,
        "representative_other": other_rep_user,
        "station_staff": station_staff,
        "leader": leader,
        "anonymous": None,
    }
    # The representative logs an opinion from a third street of the district (not the other
    # street's committee's, which must see none of what follows).
    third_street = AreaFactory(code="650203006", name="迎宾路街道", level="street", parent=areas[1])
    logged, _created = submission_create(
        key=uuid.uuid4(),
        source=IntakeSource(
            channel=Channel.ON_DUTY, representative=representative, logged_by=representative_user
        ),
        area_id=third_street.pk,
        text=TEXT,
        request_type="help",
        category_id=case.category_id,
        contact_name="王秀兰",
        contact_phone=PHONE,
        contact_preference="sms",
        consent=True,
        collected_on=timezone.localdate(),
    )
    today = timezone.localdate()
    quarter = Period.quarter(today.year, (today.month - 1) // 3 + 1)
    briefing = briefing_compile(period=quarter, area=areas[1], actor=committee_staff)
    version = briefing_issue(briefing_id=briefing.pk, actor=committee_staff)
    instruction = instruction_create(author=leader, version=version, text="请督促尽快解决。")
    cluster = {"street": areas[2].pk, "category": case.category_id, "period": quarter.key}
    suggestion = suggestion_from_cluster(
        street=areas[2], category=case.category, period=quarter, actor=committee_staff
    )
    motion = motion_draft(
        suggestions=[
            suggestion,
            suggestion_from_cluster(
                street=third_street, category=case.category, period=quarter, actor=committee_staff
            ),
        ],
        subject="关于统筹解决老旧小区路灯维修问题的议案",
        grounds="两个街道反映集中。",
        proposal="统筹安排路灯维修资金。",
        actor=committee_staff,
    )
    return World(
        case=case,
        extension=extension,
        milestone=milestone,
        users=users,
        slip_code=logged.tracking_code,
        briefing=briefing,
        version=version,
        instruction=instruction,
        suggestion=suggestion,
        motion=motion,
        cluster=cluster,
        photo=case.submissions.get().photos.get(),
    )


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, world, role, subtests):
    """One persona against every URL (a subtest each, so that one failure names its URL).

    POSTs carry no data: an allowed persona gets the form refused (400) or, where nothing is
    needed, the action done (302); the case is set up so that no action ends it."""
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    for page in PAGES:
        with subtests.test(msg=page.id):
            target = reverse(page.name, args=page.args(world))
            if page.method == "GET":
                response = client.get(target)
            else:
                response = client.post(target, page.data(world))
            if user is None:
                assert response.status_code == 302
                assert response.url.startswith(reverse("representatives:login"))
            elif role in AUDIENCES[page.audience]:
                # Allowed: the page, a redirect after acting, or the empty form refused (400).
                assert response.status_code in (200, 302, 400), response.status_code
            else:
                assert response.status_code == 404, response.status_code


def _url_names(resolver, namespace=""):
    """Every named URL under ``resolver``, with its namespaces (``feedback:intake``)."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            prefix = f"{namespace}{inner}:" if inner else namespace
            yield from _url_names(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_a_row_or_is_public():
    """A URL added without a row (or a place in ``PUBLIC``) fails here, by name."""
    names = {
        name
        for name in _url_names(get_resolver())
        if not name.startswith("admin:") and name != "set_language"
    }
    covered = {page.name for page in PAGES} | PUBLIC
    missing = sorted(names - covered)
    assert not missing, f"URLs with no row in PAGES and not in PUBLIC: {', '.join(missing)}"
    assert not PUBLIC & {page.name for page in PAGES}, "a public page has a row too"
