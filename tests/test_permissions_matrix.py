"""Who may open which page or act through which URL: every persona × every URL.

Visibility equals existence: a page or case a persona may not see is a 404, the anonymous
visitor is sent to sign in. To add URLs, append ``Page`` rows to ``PAGES`` with the audience
that may use them (add an audience to ``AUDIENCES`` if none fits).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from representatives.models import Role
from routing.models import Route
from routing.services.extension import extension_request_create
from routing.services.supervision import milestone_add
from routing.services.workflow import case_accept
from tests.factories import AreaFactory, HandlingUnitFactory, RepresentativeFactory, make_official
from tests.routing.helpers import SUGGESTION, estate, open_case

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
    # A case's page and actions: committee staff whose area contains the case.
    "committee_case": {"committee_city", "committee_street"},
    "signed_in": set(ROLES) - {"anonymous"},
    # The handling units' desk: any unit's staff; a case on it: the unit it was sent to.
    "unit": {"unit_of_the_case", "unit_other"},
    "unit_case": {"unit_of_the_case"},
    # A case that came in through a representative's code (or their station's): the
    # representative and the station's staff.
    "representative_case": {"representative_own", "station_staff"},
}


@dataclass(frozen=True)
class Page:
    name: str
    method: str = "GET"
    args: Callable = field(default=lambda w: [])
    audience: str = "committee_case"

    @property
    def id(self):
        return f"{self.method} {self.name}"


def _case(w):
    return [w.case.pk]


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
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Ten personas per test: the production hasher would spend seconds on their passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    representative's code at the site, with a pending extension and a milestone."""
    from routing.services.workflow import case_triage

    unit = unit_staff.official.unit
    case = open_case(site.area, site=site, representative=representative)
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
    return World(case=case, extension=extension, milestone=milestone, users=users)


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
            response = client.get(target) if page.method == "GET" else client.post(target, {})
            if user is None:
                assert response.status_code == 302
                assert response.url.startswith(reverse("representatives:login"))
            elif role in AUDIENCES[page.audience]:
                # Allowed: the page, a redirect after acting, or the empty form refused (400).
                assert response.status_code in (200, 302, 400), response.status_code
            else:
                assert response.status_code == 404, response.status_code
