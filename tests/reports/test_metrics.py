"""Every figure's definition (docs/reports.md) on hand-made cases, including the edge cases:
merged and reopened cases, an extension, a case crossing quarters, another district."""

import pytest

from feedback.models import Submission
from reports import metrics
from reports.dashboard import dashboard_figures
from reports.periods import Period
from tests.reports.helpers import at, made

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2026Q3")
NOW = at("2026-11-28T12:00")


def test_periods_parse_shape_and_neighbours():
    assert (Q3.start.isoformat(), Q3.end.isoformat()) == ("2026-07-01", "2026-10-01")
    assert Q3.previous().key == "2026Q2" and Q3.year_before().key == "2025Q3"
    assert Period.parse("2026Q1").previous().key == "2025Q4"
    assert Period.parse("2026-02").key == "2026-02" and Period.parse("2026-02").days == 28
    custom = Period.parse("2026-07-15..2026-07-24")
    assert custom.days == 10 and custom.previous().key == "2026-07-05..2026-07-14"
    # A year earlier keeps the days (it once fell back to whole months).
    assert custom.year_before().key == "2025-07-15..2025-07-24"
    assert Period.last_complete_quarter(at("2026-11-28T00:00").date()).key == "2026Q3"
    assert Period.last_complete_quarter(at("2026-01-02T00:00").date()).key == "2025Q4"
    for bad in ("2026Q5", "2026-13", "Q3", "2026-07-10..2026-07-01", ""):
        with pytest.raises(ValueError):
            Period.parse(bad)


def test_volume_counts_opinions_of_the_area_in_the_period(quarter, areas):
    volume = metrics.volume(Q3, areas[1])
    assert volume["total"] == 7  # A B C D E F H; G was June, Y October, X another district
    assert (volume["previous"], volume["year_before"]) == (1, 0)
    assert volume["change_previous"] == 600.0 and volume["change_year"] is None
    channels = {r["key"]: r["count"] for r in volume["by_channel"]}
    assert channels == {"site_qr": 5, "placement": 2}
    assert (
        volume["by_channel"][0]["label"] == "联络站码" and volume["by_channel"][0]["share"] == 71.4
    )
    # Category and route are what staff decided: counted over cases (F, merged, counts in A).
    assert {r["label"]: r["count"] for r in volume["by_route"]} == {"交办": 4, "尚未分流": 2}
    assert [(r["label"], r["count"]) for r in volume["by_street"]] == [("银河路街道", 7)]
    # The city sees the other district too.
    city = metrics.volume(Q3, areas[0])
    assert city["total"] == 8
    assert {r["label"]: r["count"] for r in city["by_district"]} == {"克拉玛依区": 7, "独山子区": 1}


def test_rates_follow_their_definitions(quarter, areas):
    h = metrics.handling(Q3, areas[1], at=NOW)
    # Opened: A B C D E H (F merged into A counts there; G opened in June).
    assert (h["opened"], h["responded"], h["not_accepted"], h["resolved"]) == (6, 5, 1, 3)
    assert h["response_rate"] == 83.3  # 5 / 6: all but D, still new
    assert h["resolution_rate"] == 60.0  # 3 / (6 - 1 not accepted)
    # Closed in the quarter: A B G H (G opened in June); B replied after its deadline, H inside
    # its extended one.
    assert (h["closed"], h["closed_with_deadline"], h["on_time"]) == (4, 4, 3)
    assert h["on_time_rate"] == 75.0
    assert h["average_days"] == 22.6  # (15 + 51 + 1.5 + 23) / 4
    assert (h["ratings_given"], h["satisfaction_rate"]) == (3, 66.7)  # satisfied + basically
    # Reopened: B by staff, C by the resident's dissatisfied rating (both count as 重办).
    assert (h["reopened"], h["returned"], h["extended"], h["escalated"]) == (2, 1, 1, 0)
    # Supervision is its own figure: H stays a hand-off in "by route" and counts here.
    assert (h["supervised"], h["supervised_rate"]) == (1, 16.7)


def test_units_show_cases_timeliness_and_overdue(quarter, areas):
    [unit] = metrics.by_unit(Q3, areas[1], at=NOW)
    assert unit == {
        "unit": "克拉玛依区住房和城乡建设局",
        "cases": 4,  # A B C H
        "resolved": 3,
        "on_time_rate": 66.7,  # A and H of A B H
        "overdue": 1,  # C, held past 15 August
    }


def test_coverage_lists_codes_that_brought_nothing(quarter, areas, site, representative):
    through_site = made(areas[3], "2026-08-08T10:00")
    Submission.objects.filter(case=through_site).update(site=site)
    coverage = metrics.coverage(Q3, areas[1])
    assert coverage["sites"]["rows"] == [{"name": site.name, "of": "", "count": 1}]
    assert (coverage["sites"]["reached"], coverage["sites"]["rate"]) == (1, 100.0)
    assert coverage["representatives"]["rows"] == [
        {"name": representative.name, "of": "", "count": 0}
    ]
    assert coverage["representatives"]["rate"] == 0.0


def test_an_empty_period_has_no_rates_rather_than_zeroes(areas):
    h = metrics.handling(Period.parse("2020Q1"), areas[0], at=NOW)
    assert h["opened"] == 0 and h["response_rate"] is None and h["average_days"] is None


def test_the_dashboard_costs_the_same_queries_for_few_or_many_cases(quarter, areas, queries):
    # The roll-up is not built here: one look at its state, then 15 queries over the rows.
    with queries(16):
        dashboard_figures(Q3, areas[0], at=NOW)
    for day in range(1, 25):
        made(areas[3], f"2026-08-{day:02d}T10:00", status="closed", closed_at="2026-09-01T10:00")
    with queries(16):
        dashboard_figures(Q3, areas[0], at=NOW)
