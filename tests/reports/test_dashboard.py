"""The dashboard page and its exports: who may read it, what bad input gets, what a
download holds."""

import csv
import io

import pytest
from openpyxl import load_workbook

from representatives.models import Role
from tests.factories import make_official

pytestmark = pytest.mark.django_db

Q3 = {"period": "2026Q3"}


@pytest.fixture
def street_staff(areas):
    return make_official(Role.COMMITTEE_STAFF, username="street-committee", area=areas[2])


def test_committee_staff_read_the_figures_with_charts_and_tables(
    client, committee_staff, quarter, areas
):
    client.force_login(committee_staff)
    response = client.get("/reports/", {**Q3, "area": areas[0].pk})
    assert response.status_code == 200
    page = response.text
    assert "2026年第3季度" in page and "响应率" in page and "83.3%" not in page  # city: +X
    assert page.count('<svg class="chart"') >= 6  # server-rendered, no script needed
    assert "<script" not in page
    assert "克拉玛依区住房和城乡建设局" in page and "独山子区" in page
    # No personal data on an aggregate page.
    assert "13912345678" not in page and "王秀兰" not in page


def test_a_leader_reads_the_same_figures(client, leader, quarter, areas):
    client.force_login(leader)
    response = client.get("/reports/", {**Q3, "area": areas[1].pk})
    assert response.status_code == 200
    assert "83.3%" in response.text  # the district's response rate


@pytest.mark.parametrize("persona", ["unit_staff", "representative_user", "station_user"])
def test_other_roles_get_a_404(client, persona, request, areas, site):
    if persona == "representative_user":
        user = make_official(Role.REPRESENTATIVE, username="rep", area=areas[3])
    elif persona == "station_user":
        user = make_official(Role.STATION_STAFF, username="station", site=site)
    else:
        user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get("/reports/").status_code == 404
    assert client.get("/reports/export/channel.csv").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/reports/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_street_staff_cannot_choose_an_area_above_their_own(client, street_staff, quarter, areas):
    client.force_login(street_staff)
    response = client.get("/reports/", {**Q3, "area": areas[0].pk})
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.text
    # Their own street is fine, and is what they see by default.
    assert client.get("/reports/").status_code == 200
    assert client.get("/reports/", {**Q3, "area": areas[2].pk}).status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "custom"}, "请填写起始日期"),
        ({"period": "custom", "start": "2026-09-01", "end": "2026-08-01"}, "截止日期早于起始日期"),
        ({"period": "custom", "start": "2020-01-01", "end": "2026-08-01"}, "统计期间最长为三年"),
        ({"period": "custom", "start": "2026-13-01", "end": "2026-08-01"}, "有效的日期"),
        ({"period": "1999Q9"}, "请从列表中选择季度"),
        ({"period": "1999Q1"}, "请从列表中选择季度"),
    ],
)
def test_bad_periods_are_explained_next_to_the_field_and_kept(
    client, committee_staff, areas, query, message
):
    client.force_login(committee_staff)
    response = client.get("/reports/", {**query, "area": areas[0].pk})
    assert response.status_code == 400
    assert message in response.text
    assert 'class="errorlist"' in response.text
    if "start" in query:
        assert f'value="{query["start"]}"' in response.text  # what was typed stays


def test_an_older_quarter_asked_by_link_is_shown_and_selected(client, committee_staff, areas):
    client.force_login(committee_staff)
    response = client.get("/reports/", {"period": "2021Q2", "area": areas[0].pk})
    assert response.status_code == 200
    assert '<option value="2021Q2" selected>2021年第2季度</option>' in response.text


def test_a_custom_period_is_accepted(client, committee_staff, quarter, areas):
    client.force_login(committee_staff)
    response = client.get(
        "/reports/",
        {"period": "custom", "start": "2026-07-01", "end": "2026-07-31", "area": areas[1].pk},
    )
    assert response.status_code == 200
    assert "2026-07-01 至 2026-07-31" in response.text


def test_csv_export_opens_in_excel_with_chinese(client, committee_staff, quarter, areas):
    client.force_login(committee_staff)
    response = client.get("/reports/export/channel.csv", {**Q3, "area": areas[1].pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="liaison-channel-2026Q3.csv"' in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0] == ["项目", "意见数", "占比（%）"]
    assert rows[1:] == [["联络站码", "5", "71.4"], ["亮码点位", "2", "28.6"]]


def test_excel_export_holds_every_table(client, committee_staff, quarter, areas):
    client.force_login(committee_staff)
    response = client.get("/reports/export/all.xlsx", {**Q3, "area": areas[1].pk})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert "按渠道统计的意见" in book.sheetnames and "承办单位" in book.sheetnames
    units = list(book["承办单位"].values)
    assert units[1] == ("克拉玛依区住房和城乡建设局", 4, 3, 66.7, 1)
    one = client.get("/reports/export/units.xlsx", {**Q3, "area": areas[1].pk})
    assert load_workbook(io.BytesIO(one.content)).sheetnames == ["承办单位"]


def test_unknown_tables_and_formats_are_404(client, committee_staff):
    client.force_login(committee_staff)
    assert client.get("/reports/export/nothing.csv").status_code == 404
    assert client.get("/reports/export/all.csv").status_code == 404
    assert client.get("/reports/export/channel.pdf").status_code == 404
