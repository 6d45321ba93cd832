"""Open311 GeoReport v2, read side (issue 17.1): a real client library from PyPI (georeport)
reads services and requests from a live server, in JSON and XML; what is published is
anonymised; filters, pages and bad input answer in the specification's error format."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from georeport import GeoReport

from feedback.models import Submission
from routing.models import Case, CaseStatus, Route
from routing.services.transition import case_reply, case_transition
from tests.routing.helpers import PHONE, open_case, triage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]

REPLY = "路灯已于12月1日修复，如有问题请拨打13800138000联系社区。"


@pytest.fixture
def cases(site, clerk, categories):
    """Three requests: one replied (open, waiting for the rating), one new, one not accepted."""
    replied = open_case(site.area, site=site)
    triage(replied, clerk, route=Route.DIRECT)
    case_reply(case_id=replied.pk, text=REPLY, actor=clerk)
    new = open_case(site.area, site=site, text="楼道里堆满杂物，消防通道被堵，电话13912345678。")
    refused = open_case(site.area, site=site, text="想咨询一下别的城市的事情。")
    case_transition(case_id=refused.pk, to_status=CaseStatus.NOT_ACCEPTED, actor=clerk)
    return {"replied": replied, "new": new, "refused": refused}


@pytest.fixture
def clerk(committee_staff):
    return committee_staff


def code(case: Case) -> str:
    return case.submissions.get().tracking_code


def get(client, path, **params):
    return client.get(f"/open311/v2/{path}", params, HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_a_client_library_reads_services_and_requests_in_json_and_xml(live_server, cases):
    for fmt in ("json", "xml"):
        api = GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)
        services = api.get_service_list()
        names = {s["service_code"]: s["service_name"] for s in services}
        assert names["estate-property"] == "小区环境与物业"
        definition = api.get_service_definition("estate-property")
        assert definition["service_code"] == "estate-property"
        listed = api.get_service_requests(status="open")
        listed = listed if isinstance(listed, list) else [listed]  # xmltodict: one is a dict
        assert {r["service_request_id"] for r in listed} == {
            code(cases["replied"]),
            code(cases["new"]),
        }
        one = api.get_service_request(code(cases["replied"]))
        one = one[0] if isinstance(one, list) else one
        assert one["status"] == "open" and one["service_code"] == "estate-property"
        assert not one["status_notes"]


def test_what_is_published_points_to_nobody(client, cases):
    body = get(client, "requests.json", status="open,closed").content.decode()
    rows = json.loads(body)
    assert len(rows) == 3
    submission = Submission.objects.get(case=cases["new"])
    for secret in (
        PHONE,
        "13912345678",
        "王秀兰",
        submission.secret,
        "楼道里堆满杂物",
        "13800138000",
    ):
        assert secret not in body
    # Staff's reply was written to the resident: it is not published.
    assert "路灯已于12月1日修复" not in body and "138****8000" not in body
    replied = next(r for r in rows if r["service_request_id"] == code(cases["replied"]))
    assert replied["status_notes"] == "" and replied["address"] == "银河路街道"
    assert replied["lat"] is None
    assert replied["requested_datetime"].endswith("+08:00")
    new = next(r for r in rows if r["service_request_id"] == code(cases["new"]))
    assert new["status_notes"] == "" and new["description"] == ""


def test_filters_by_status_service_dates_and_ids(client, cases):
    def ids(**params):
        return {
            r["service_request_id"]
            for r in json.loads(get(client, "requests.json", **params).content)
        }

    assert ids(status="closed") == {code(cases["refused"])}
    assert ids() == {code(c) for c in cases.values()}  # the last 90 days
    assert ids(service_code="policy-enquiry") == set()
    Submission.objects.filter(case=cases["new"]).update(
        created_at=timezone.now() - timedelta(days=120)
    )
    assert code(cases["new"]) not in ids()
    old_day = (timezone.localdate() - timedelta(days=120)).isoformat()
    assert ids(start_date=old_day, end_date=old_day) == {code(cases["new"])}
    # Ids override every other filter, as the specification says.
    assert ids(service_request_id=f"{code(cases['new'])},NOPE", status="closed") == {
        code(cases["new"])
    }


def test_reports_of_wrongdoing_are_never_listed(client, cases):
    Submission.objects.filter(case=cases["new"]).update(request_type="report")
    listed = json.loads(get(client, "requests.json", status="open,closed").content)
    assert code(cases["new"]) not in {r["service_request_id"] for r in listed}
    assert get(client, f"requests/{code(cases['new'])}.json").status_code == 404


def test_pages_follow_a_link_without_counting_every_match(client, cases):
    first = get(client, "requests.json", page_size=2)
    assert len(json.loads(first.content)) == 2
    assert first["Link"].endswith('page_size=2&page=2>; rel="next"')
    second = get(client, "requests.json", page_size=2, page=2)
    assert len(json.loads(second.content)) == 1 and "Link" not in second


def test_english_names_for_an_english_client(client, cases):
    services = json.loads(
        client.get("/open311/v2/services.json", HTTP_ACCEPT_LANGUAGE="en").content
    )
    assert {s["service_name"] for s in services} >= {
        "Estate environment & property management",
        "Policy enquiry",
    }


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"start_date": "昨天"}, "start_date"),
        ({"end_date": "2026-13-45"}, "end_date"),
        ({"status": "pending"}, "status"),
        ({"page_size": "1000"}, "page_size"),
        ({"page": "x"}, "page"),
        ({"start_date": "2026-12-02", "end_date": "2026-11-01"}, "start_date"),
        ({"end_date": "9999-12-31"}, "end_date"),
        ({"page": str(10**17)}, "缩小日期范围"),
    ],
)
def test_bad_parameters_get_the_specifications_error_list(client, params, says):
    response = get(client, "requests.json", **params)
    assert response.status_code == 400
    [error] = json.loads(response.content)
    assert error["code"] == 400 and says in error["description"]


def test_errors_in_xml_and_unknown_things(client, cases):
    missing = get(client, "requests/KL-0000-NONE.xml")
    assert missing.status_code == 404 and missing["Content-Type"].startswith("text/xml")
    assert b"<errors><error><code>404</code><description>" in missing.content
    assert "KL-0000-NONE" in missing.content.decode()
    assert get(client, "services/no-such-thing.json").status_code == 404
    assert get(client, "services.yaml").status_code == 404  # only json and xml


def test_discovery_names_the_specification_and_both_formats(client):
    discovery = json.loads(get(client, "discovery.json").content)
    [endpoint] = discovery["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["formats"] == ["application/json", "text/xml"]


def test_reading_sets_no_cookie_and_costs_the_same_queries_for_more_rows(
    client, site, categories, queries
):
    for _ in range(2):
        open_case(site.area, site=site)
    get(client, "requests.json")
    with queries(1):
        response = get(client, "requests.json")
    assert not response.cookies
    for _ in range(4):
        open_case(site.area, site=site)
    with queries(1):
        assert len(json.loads(get(client, "requests.json").content)) == 6


def test_reading_is_rate_limited_per_address_in_the_error_format(client, settings):
    settings.OPEN311_READ_RATE = "3/m"
    for _ in range(3):
        assert get(client, "services.json").status_code == 200
    limited = get(client, "services.xml")
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert b"<code>429</code>" in limited.content
