"""相似意见 on the committee's case page: the panel, the one-click merge, who sees what, and
the households suggestion at triage (decision 0023)."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from feedback.models import Channel, Submission
from feedback.services.cases import case_merge_with_submissions
from feedback.services.submit import IntakeSource, submission_create
from representatives.models import Role
from routing.models import Case, CaseStatus, Route, Supervision, SupervisionReason
from routing.similar import similar_settings
from tests.factories import AreaFactory, make_official
from tests.routing.helpers import TEXT, triage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]

SAME = "北门那边的路灯坏了，一直不亮，晚上老人出门很不安全。"
OTHER = "楼上邻居每天晚上十一点以后还在装修，噪音太大，影响休息。"


def said(response, text, **values) -> bool:
    with translation.override("zh-hans"):
        wanted = translation.gettext(text) % values if values else translation.gettext(text)
        return escape(wanted) in response.content.decode()


def url(case, action=""):
    return f"/work/cases/{case.pk}/{action + '/' if action else ''}"


def opinion(area, *, text=TEXT, phone="") -> Case:
    submission, _created = submission_create(
        key=uuid.uuid4(),
        source=IntakeSource(channel=Channel.STAFF_ENTRY),
        area_id=area.pk,
        text=text,
        request_type="help",
        contact_name="王秀兰" if phone else "",
        contact_phone=phone,
        contact_preference="phone" if phone else "none",
        consent=bool(phone),
    )
    return Case.objects.get(pk=submission.case_id)


def similar_panel(response) -> str:
    html = response.content.decode()
    match = re.search(r'<section[^>]*id="similar".*?</section>', html, re.S)
    return match.group(0) if match else ""


@pytest.fixture
def clerk(committee_staff, categories):
    return committee_staff  # the city's committee: sees every street


@pytest.fixture
def community(areas):
    return areas[3]


@pytest.fixture
def other_street(areas):
    street = AreaFactory(code="650203005", name="昆仑路街道", level="street", parent=areas[1])
    AreaFactory(code="650203005001", name="昆仑路第一社区", level="community", parent=street)
    return street


def test_the_panel_lists_similar_open_cases_with_a_one_click_merge(client, clerk, community):
    first = opinion(community, text=TEXT, phone="13900000001")
    opinion(community, text=OTHER)
    new = opinion(community, text=SAME)
    client.force_login(clerk)
    response = client.get(url(new))
    panel = similar_panel(response)
    assert said(response, "Similar opinions")
    assert first.reference in panel
    assert "装修" not in panel  # the unrelated opinion
    assert "向阳北社区" in panel and "银河路街道" in panel
    assert "%" in panel and "13900000001" not in panel
    assert f'action="{url(new, "merge")}"' in panel
    assert f'name="merge-into" value="{first.reference}"' in panel
    with translation.override("zh-hans"):
        button = translation.gettext("Merge this case into %(reference)s") % {
            "reference": first.reference
        }
    assert button in panel

    merged = client.post(url(new, "merge"), {"merge-into": first.reference})
    assert merged.status_code == 302
    new.refresh_from_db()
    first.refresh_from_db()
    assert new.status == CaseStatus.MERGED and new.merged_into == first
    assert Submission.objects.filter(case=new).count() == 0
    assert Submission.objects.filter(case=first).count() == 2
    assert first.submission_count == 2
    # The merged case has no panel any more (merging is over for it).
    assert similar_panel(client.get(url(new))) == ""


def test_nothing_similar_says_so_and_a_routed_case_has_no_panel(client, clerk, community):
    new = opinion(community, text=SAME)
    client.force_login(clerk)
    response = client.get(url(new))
    assert said(response, "No open case of the same street reads like this one.")
    Case.objects.filter(pk=new.pk).update(status=CaseStatus.IN_PROGRESS)
    assert similar_panel(client.get(url(new))) == ""


def test_another_streets_case_never_shows(client, clerk, community, other_street):
    there = opinion(other_street.children.get(), text=TEXT)
    new = opinion(community, text=TEXT)
    client.force_login(clerk)
    assert there.reference not in similar_panel(client.get(url(new)))


def test_staff_see_only_the_cases_in_their_scope(client, areas, categories, community):
    neighbour = AreaFactory(
        code="650203004002", name="向阳南社区", level="community", parent=areas[2]
    )
    there = opinion(neighbour, text=TEXT)
    here = opinion(community, text=TEXT)
    new = opinion(community, text=SAME)
    street_clerk = make_official(Role.COMMITTEE_STAFF, username="street", area=areas[2])
    community_clerk = make_official(Role.COMMITTEE_STAFF, username="community", area=community)
    client.force_login(street_clerk)
    panel = similar_panel(client.get(url(new)))
    assert there.reference in panel and here.reference in panel
    client.force_login(community_clerk)
    panel = similar_panel(client.get(url(new)))
    assert here.reference in panel and there.reference not in panel
    # Merging into a case outside one's scope is refused like an unknown reference.
    refused = client.post(url(new, "merge"), {"merge-into": there.reference})
    assert refused.status_code == 400
    assert said(refused, "No case with this reference in your area.")
    new.refresh_from_db()
    assert new.status == CaseStatus.NEW


def test_staff_of_another_street_get_404(client, categories, community, other_street):
    first = opinion(community, text=TEXT)
    new = opinion(community, text=SAME)
    stranger = make_official(Role.COMMITTEE_STAFF, username="stranger", area=other_street)
    client.force_login(stranger)
    assert client.get(url(new)).status_code == 404
    assert client.post(url(new, "merge"), {"merge-into": first.reference}).status_code == 404
    new.refresh_from_db()
    assert new.status == CaseStatus.NEW


def test_merging_into_itself_or_a_closed_case_is_refused_next_to_the_field(
    client, clerk, community
):
    closed = opinion(community, text=TEXT)
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.CLOSED)
    new = opinion(community, text=SAME)
    client.force_login(clerk)
    itself = client.post(url(new, "merge"), {"merge-into": new.reference})
    assert itself.status_code == 400
    assert said(itself, "A case cannot be merged into itself.")
    assert f'value="{new.reference}"' in itself.content.decode()
    into_closed = client.post(url(new, "merge"), {"merge-into": closed.reference})
    assert into_closed.status_code == 400
    assert said(into_closed, "Merge into a case that is still open.")
    new.refresh_from_db()
    assert new.status == CaseStatus.NEW and new.merged_into is None
    assert Submission.objects.filter(case=new).count() == 1


def test_the_merge_is_post_only(client, clerk, community):
    first = opinion(community, text=TEXT)
    new = opinion(community, text=SAME)
    client.force_login(clerk)
    assert client.get(url(new, "merge"), {"merge-into": first.reference}).status_code == 405


# --- households -----------------------------------------------------------------------------


def supervise_ticked(response) -> bool:
    html = response.content.decode()
    tag = re.search(r'<input[^>]*name="triage-supervise"[^>]*>', html).group(0)
    return "checked" in tag


def test_many_households_suggest_supervision_from_the_threshold(client, clerk, community):
    at = similar_settings().households_supervise_at
    case = opinion(community, phone="13900000000")
    # The same number again is the same household.
    case_merge_with_submissions(
        case_id=opinion(community, phone="13900000000").pk, into=case, actor=clerk
    )
    for n in range(1, at - 1):
        joining = opinion(community, phone=f"139000000{n:02d}")
        case_merge_with_submissions(case_id=joining.pk, into=case, actor=clerk)
    client.force_login(clerk)
    below = client.get(url(case))
    assert below.context["households"] == at - 1
    assert not below.context["households_suggest_supervision"]
    assert not supervise_ticked(below)

    # One opinion more, without a number: a household of its own, merged in.
    case_merge_with_submissions(case_id=opinion(community).pk, into=case, actor=clerk)
    at_threshold = client.get(url(case))
    assert at_threshold.context["households"] == at
    assert at_threshold.context["households_suggest_supervision"]
    assert supervise_ticked(at_threshold)
    with translation.override("zh-hans"):
        note = translation.ngettext(
            "%(counter)s household wrote about this case: supervised follow-up is suggested "
            "(many households). Name a supervisor to confirm it.",
            "%(counter)s households wrote about this case: supervised follow-up is suggested "
            "(many households). Name a supervisor to confirm it.",
            at,
        ) % {"counter": at}
    assert note in at_threshold.content.decode()
    case.refresh_from_db()
    assert case.supervision == Supervision.NONE  # a suggestion, not a start

    # Staff confirm it with triage's own supervision: the rules' reason.
    confirmed = client.post(
        url(case, "triage"),
        {
            "triage-expected_status": "new",
            "triage-route": "transfer",
            "triage-category": at_threshold.context["triage_form"].initial["category"],
            "triage-supervise": "on",
            "triage-supervisor": clerk.pk,
        },
    )
    assert confirmed.status_code == 302, (
        confirmed.context and confirmed.context["failed_form"].errors
    )
    case.refresh_from_db()
    assert case.supervision == Supervision.ACTIVE
    assert case.supervision_reason == SupervisionReason.RULE


def test_households_brought_by_merges_after_routing_open_the_supervise_form(
    client, clerk, community
):
    # The usual way a case reaches the threshold: duplicates come in after it was routed and
    # are merged into it in one click. Triage is over; the supervise form says why it opened.
    at = similar_settings().households_supervise_at
    case = triage(opinion(community), clerk, route=Route.TRANSFER)
    for _n in range(at - 1):
        case_merge_with_submissions(case_id=opinion(community).pk, into=case, actor=clerk)
    client.force_login(clerk)
    page = client.get(url(case))
    html = page.content.decode()
    assert page.context["households"] == at and page.context["households_suggest_supervision"]
    form = re.search(
        r'<details class="desk-action" open>\s*<summary>([^<]*)</summary>(.*?)</details>',
        html,
        re.S,
    )
    assert form and "supervise" in form.group(2)
    assert f"本案件已有{at}户居民反映，建议督办" in form.group(2)  # the note, in Chinese
    assert f"{at}户居民反映此案件（涉及多户居民）。" in form.group(2)  # the reason, filled in
    case.refresh_from_db()
    assert case.supervision == Supervision.NONE  # still only a suggestion
    # Confirmed with that reason: the note is gone.
    client.post(
        url(case, "supervise"),
        {
            "supervise-supervisor": clerk.pk,
            "supervise-reason": page.context["supervise_form"].initial["reason"],
        },
    )
    after = client.get(url(case))
    assert not after.context["households_suggest_supervision"]
    assert "建议督办" not in after.content.decode()


def test_a_supervised_case_is_not_suggested_again(client, clerk, community):
    at = similar_settings().households_supervise_at
    case = opinion(community)
    for _n in range(at - 1):
        case_merge_with_submissions(case_id=opinion(community).pk, into=case, actor=clerk)
    client.force_login(clerk)
    client.post(
        url(case, "supervise"), {"supervise-supervisor": clerk.pk, "supervise-reason": "多户反映"}
    )
    response = client.get(url(case))
    assert response.context["households"] == at
    assert not response.context["households_suggest_supervision"]


def test_the_panel_costs_the_same_queries_for_more_similar_cases(client, clerk, community, queries):
    new = opinion(community, text=SAME)
    for _n in range(2):
        opinion(community, text=TEXT)
    client.force_login(clerk)
    client.get(url(new))
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url(new)).context["similar_cases"]) == 2
    for _n in range(6):
        opinion(community, text=TEXT)
    with queries(len(few)):
        assert len(client.get(url(new)).context["similar_cases"]) == similar_settings().top
