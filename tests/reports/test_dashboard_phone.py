"""The dashboard on a phone and the sign of change figures (issue 14, point 17): the filter is
folded into a <details> that says what is shown (open when the form has errors), and every
change is written with its sign, on the dashboard, the briefing and its PDF."""

import re

import pytest
from django.template.loader import render_to_string

from reports.context import briefing_context, signed
from reports.periods import Period
from reports.services.briefing import briefing_compile, briefing_issue

Q3 = Period.parse("2026Q3")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (121.2, "+121.2"),
        (-5.0, "\u22125.0"),
        (0.0, "0.0"),
        (-0.0, "0.0"),
        (700, "+700.0"),
        (None, None),
    ],
)
def test_a_change_is_written_with_its_sign(value, text):
    assert signed(value) == text


def _filter(html: str) -> str:
    start = html.index('<details class="report-filter-box"')
    return html[start : html.index("</details>", start)]


def test_the_filter_is_folded_and_says_what_is_shown(client, leader, quarter, areas):
    client.force_login(leader)
    html = client.get("/reports/", {"period": "2026Q3", "area": areas[0].pk}).text
    box = _filter(html)
    opening = box[: box.index(">") + 1]
    assert " open" not in opening  # folded: the figures come first on a phone
    summary = box[box.index("<summary>") : box.index("</summary>")]
    assert "2026年第3季度" in summary and areas[0].name in summary
    assert 'name="period"' in box and 'name="area"' in box  # the form is inside


def test_the_filter_opens_when_the_form_has_errors(client, leader, areas):
    client.force_login(leader)
    response = client.get("/reports/", {"period": "custom", "area": areas[0].pk})
    assert response.status_code == 400
    box = _filter(response.text)
    assert " open" in box[: box.index(">") + 1]


def test_the_dashboard_signs_its_changes(client, leader, quarter, areas):
    client.force_login(leader)
    html = client.get("/reports/", {"period": "2026Q3", "area": areas[0].pk}).text
    values = re.findall(r'<span class="kpi-value">([^<]*)</span>', html)
    assert values[1] == "+700.0%"  # 8 opinions against 1 the quarter before


def test_the_briefing_and_its_pdf_sign_their_changes(quarter, areas, committee_staff):
    briefing = briefing_compile(period=Q3, area=areas[0])
    assert "+700.0%" in briefing.overview_text  # the generated paragraph
    version = briefing_issue(briefing_id=briefing.pk, actor=committee_staff)
    for printing in (False, True):
        context = briefing_context(version, printing=printing)
        html = render_to_string("reports/_briefing_body.html", context)
        kpis = html[html.index('class="figures bf-kpis"') :]
        assert "+700.0%" in kpis[: kpis.index("</table>")]
        for topic in context["hot_topics"]:
            assert topic["change"] is None or topic["change"][0] in "+\u22120"
