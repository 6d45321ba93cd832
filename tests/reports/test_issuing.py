"""Issuing a briefing (issue 14, point 4): the issue button belongs to the edit form, so what
is typed is what is issued; it asks for a confirmation and refuses an empty required section
with the edits kept; a corrected version supersedes the current one with a reason, and
leaders see which version is current."""

import re

import pytest
from django.utils import timezone

from reports.forms import recent_quarters
from reports.forms_briefing import CompileForm
from reports.models import Briefing, BriefingVersion
from reports.periods import Period
from reports.services.briefing import briefing_compile, briefing_issue
from representatives.models import Role
from tests.factories import make_official

Q3 = Period.parse("2026Q3")
TYPED = {
    "title": "三季度专报",
    "overview_text": "刚写好的概述，还没有保存。",
    "hot_text": "供热准备是热点。",
    "proposals_text": "建议督办供热。",
}


@pytest.fixture
def draft(areas):
    return briefing_compile(period=Q3, area=areas[0])


def _issue(client, briefing, **data):
    return client.post(f"/reports/briefings/{briefing.pk}/issue/", data)


def _field_error(html: str, name: str) -> bool:
    """The field ``name`` is shown with its error (partials/field.html marks it)."""
    match = re.search(
        rf'<div class="field[^"]*field-error[^"]*">(?:(?!</div>).)*?id="id_{name}"', html, re.S
    )
    return match is not None


def test_issuing_saves_what_was_typed_first(client, committee_staff, draft):
    client.force_login(committee_staff)
    response = _issue(client, draft, **TYPED, confirm="on")
    version = BriefingVersion.objects.get()
    assert response.status_code == 302 and response["Location"].endswith("/v1/")
    assert version.overview_text == TYPED["overview_text"]
    assert (version.hot_text, version.proposals_text) == (
        TYPED["hot_text"],
        TYPED["proposals_text"],
    )
    draft.refresh_from_db()
    assert draft.overview_text == TYPED["overview_text"]  # the draft holds it too
    assert version.issued_by == committee_staff and version.is_current


def test_issuing_asks_for_a_confirmation_and_keeps_the_edits(client, committee_staff, draft):
    client.force_login(committee_staff)
    before = draft.overview_text
    response = _issue(client, draft, **TYPED)  # the box is not ticked
    assert response.status_code == 400
    assert _field_error(response.text, "confirm")
    assert TYPED["overview_text"] in response.text  # what was typed is still in the form
    assert not BriefingVersion.objects.exists()
    draft.refresh_from_db()
    assert draft.overview_text == before  # nothing saved either


def test_an_empty_required_section_is_refused_next_to_it(client, committee_staff, draft):
    client.force_login(committee_staff)
    response = _issue(client, draft, **{**TYPED, "overview_text": "  "}, confirm="on")
    assert response.status_code == 400
    assert _field_error(response.text, "overview_text")
    assert TYPED["hot_text"] in response.text
    assert not BriefingVersion.objects.exists()
    draft.refresh_from_db()
    assert draft.hot_text == ""  # refused as a whole: the other edits were not saved


def test_the_draft_form_carries_both_buttons_and_the_confirmation(client, committee_staff, draft):
    client.force_login(committee_staff)
    page = client.get(f"/reports/briefings/{draft.pk}/").text
    form = page[page.index('class="briefing-text"') :]
    form = form[: form.index("</form>")]
    assert 'name="overview_text"' in form and 'name="confirm"' in form
    assert f'formaction="/reports/briefings/{draft.pk}/issue/"' in form
    assert 'name="reason"' not in form  # nothing to correct yet
    # No other form posts to the issue URL (the one that dropped the edits is gone).
    assert page.count(f"/reports/briefings/{draft.pk}/issue/") == 1


def test_a_corrected_version_supersedes_the_current_one(client, committee_staff, leader, draft):
    first = briefing_issue(briefing_id=draft.pk, actor=committee_staff)
    client.force_login(committee_staff)
    page = client.get(f"/reports/briefings/{draft.pk}/").text
    assert 'name="reason"' in page
    # A correction without a reason is refused next to the field, the edits kept.
    refused = _issue(client, draft, **TYPED, confirm="on")
    assert refused.status_code == 400 and _field_error(refused.text, "reason")
    assert TYPED["overview_text"] in refused.text
    assert BriefingVersion.objects.count() == 1
    done = _issue(client, draft, **TYPED, reason="第二部分数字有误，已更正。", confirm="on")
    assert done.status_code == 302 and done["Location"].endswith("/v2/")
    first.refresh_from_db()
    second = BriefingVersion.objects.get(number=2)
    assert first.superseded_by == second and first.superseded_reason == "第二部分数字有误，已更正。"
    assert first.superseded_at == second.issued_at and not first.is_current and second.is_current

    # Leaders: the list marks the current version; the old one stays readable, says by which
    # version, when and why it was superseded, and links to the current one.
    client.force_login(leader)
    listing = client.get("/reports/briefings/").text
    listing = listing[listing.index('<ul class="version-list">') :]
    items = re.findall(r"<li( class=\"is-current\")?><a href=\"([^\"]+)\"", listing)
    assert items == [
        (' class="is-current"', f"/reports/briefings/{draft.pk}/v2/"),
        ("", f"/reports/briefings/{draft.pk}/v1/"),
    ]
    old = client.get(f"/reports/briefings/{draft.pk}/v1/")
    assert old.status_code == 200
    assert "第二部分数字有误，已更正。" in old.text and 'class="superseded-note"' in old.text
    note = old.text[old.text.index('class="superseded-note"') :]
    assert f'href="/reports/briefings/{draft.pk}/v2/"' in note[: note.index("</div>")]
    assert timezone.localtime(first.superseded_at).strftime("%Y-%m-%d %H:%M") in note
    new = client.get(f"/reports/briefings/{draft.pk}/v2/").text
    assert 'class="corrects-note"' in new and "第二部分数字有误，已更正。" in new
    assert 'class="superseded-note"' not in new
    assert client.get(f"/reports/briefings/{draft.pk}/v1.pdf").status_code == 200


def test_only_staff_of_the_area_issue_or_correct(client, leader, areas, draft, committee_staff):
    briefing_issue(briefing_id=draft.pk, actor=committee_staff)
    data = {**TYPED, "reason": "更正", "confirm": "on"}
    client.force_login(leader)
    assert _issue(client, draft, **data).status_code == 404
    client.force_login(make_official(Role.COMMITTEE_STAFF, username="street", area=areas[2]))
    assert _issue(client, draft, **data).status_code == 404
    assert BriefingVersion.objects.count() == 1


def test_the_version_lists_are_items_with_date_and_state(client, committee_staff, draft):
    briefing_issue(briefing_id=draft.pk, actor=committee_staff)
    briefing_issue(briefing_id=draft.pk, actor=committee_staff, reason="更正错字")
    client.force_login(committee_staff)
    for url in ("/reports/briefings/", f"/reports/briefings/{draft.pk}/"):
        html = client.get(url).text
        block = html[html.index('<ul class="version-list">') :]
        block = block[: block.index("</ul>")]
        items = re.findall(r"<li.*?</li>", block, re.S)
        assert len(items) == 2, url
        today = timezone.localdate().isoformat()
        assert all(today in item for item in items)
        assert "tag-current" in items[0] and "tag-superseded" in items[1]


def test_the_quarter_choice_puts_the_newest_first(areas):
    form = CompileForm(scope=areas[0])
    keys = [key for key, _label in form.fields["period"].widget.choices]
    quarters = [p.key for p in recent_quarters(timezone.localdate())]
    assert keys == quarters  # this quarter first, then back in time
    assert form.fields["period"].initial == quarters[1]  # the quarter that ended is chosen
    assert Briefing.objects.count() == 0
