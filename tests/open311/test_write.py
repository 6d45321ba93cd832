"""Open311 GeoReport v2, write side (issue 17.1): partner channels' keys, POST requests
through the same validation and service as the resident's form, idempotent retries, tokens,
per-key limits, the specification's errors. The client is `requests` over a live server (the
PyPI client georeport 0.3.1 reads only), and georeport reads the new request back."""

import io
import json
import uuid

import pytest
import requests
from django.core.management import call_command
from georeport import GeoReport

from feedback.models import Channel, Submission
from open311.models import ApiKey
from open311.services import api_key_create, api_keys_revoke
from routing.models import Case
from tests.routing.helpers import open_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]

TEXT = "小区北门的路灯坏了一个多月，晚上老人出门摔了一跤，物业说要等街道批钱，能不能催一催。"


@pytest.fixture
def hotline(categories, areas):
    return api_key_create(channel="12345热线")


def sent(community, raw, **extra):
    data = {
        "api_key": raw,
        "service_code": "estate-property",
        "description": TEXT,
        "address_id": community.code,
        "address_string": "3号楼北门",
    }
    data.update(extra)
    return data


def post(client, data, fmt="json"):
    return client.post(f"/open311/v2/requests.{fmt}", data)


def test_a_partner_posts_over_http_and_reads_the_request_back(live_server, hotline, areas):
    _key, raw = hotline
    url = f"{live_server.url}/open311/v2"
    key = str(uuid.uuid4())
    response = requests.post(
        f"{url}/requests.json",
        data=sent(areas[3], raw, idempotency_key=key, **{"attribute[request_type]": "complaint"}),
        timeout=30,
    )
    assert response.status_code == 200, response.text
    [created] = response.json()
    assert created["token"] == key and not response.cookies
    submission = Submission.objects.get(tracking_code=created["service_request_id"])
    assert submission.channel == Channel.PARTNER and submission.partner == "12345热线"
    assert submission.request_type == "complaint" and submission.text == TEXT
    assert submission.area == areas[3] and submission.address_line == "3号楼北门"
    # Its case was opened as for the form's; a client library finds it by its id and token.
    assert Case.objects.filter(submissions=submission).exists()
    read = GeoReport(url).get_service_request(created["service_request_id"])
    assert read["status"] == "open" and read["service_code"] == "estate-property"
    token = requests.get(f"{url}/tokens/{key}.json", timeout=30).json()
    assert token == [{"service_request_id": created["service_request_id"], "token": key}]


def test_a_retry_with_the_same_key_stores_one_request(client, hotline, areas):
    _key, raw = hotline
    data = sent(areas[3], raw, idempotency_key=str(uuid.uuid4()))
    first, again = post(client, data), post(client, data)
    assert first.status_code == again.status_code == 200
    assert json.loads(first.content) == json.loads(again.content)
    assert Submission.objects.count() == 1


def test_a_key_reused_for_other_words_is_a_conflict_and_stores_nothing(client, hotline, areas):
    _key, raw = hotline
    key = str(uuid.uuid4())
    assert post(client, sent(areas[3], raw, idempotency_key=key)).status_code == 200
    changed = post(client, sent(areas[3], raw, idempotency_key=key, description=TEXT + "补充。"))
    assert changed.status_code == 409
    assert "idempotency_key" in json.loads(changed.content)[0]["description"]
    _other, other_raw = api_key_create(channel="区政务小程序")
    assert post(client, sent(areas[3], other_raw, idempotency_key=key)).status_code == 409
    assert Submission.objects.count() == 1


def test_contact_details_need_the_residents_consent_like_the_form(client, hotline, areas):
    _key, raw = hotline
    refused = post(
        client, sent(areas[3], raw, first_name="秀兰", last_name="王", phone="13912345678")
    )
    assert refused.status_code == 400
    assert any(
        e["description"].startswith("attribute[consent]:") for e in json.loads(refused.content)
    )
    assert not Submission.objects.exists()
    ok = post(
        client,
        sent(
            areas[3],
            raw,
            first_name="秀兰",
            last_name="王",
            phone="139 1234 5678",
            **{"attribute[consent]": "true"},
        ),
    )
    assert ok.status_code == 200
    submission = Submission.objects.get()
    assert submission.contact_phone_masked == "139****5678" and submission.consent_at
    assert (
        "13912345678" not in Submission.objects.values_list("contact_phone_encrypted", flat=True)[0]
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"description": "坏了"}, "description"),
        ({"service_code": "no-such-thing"}, "service_code"),
        ({"address_id": "999999"}, "address_id"),
        ({"address_id": ""}, "address_id"),
        ({"phone": "12345", "attribute[consent]": "true"}, "phone"),
        ({"attribute[request_type]": "praise"}, "attribute[request_type]"),
        ({"media_url": "http://example.com/a.jpg"}, "media_url"),
        ({"idempotency_key": "not-a-uuid"}, "idempotency_key"),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_is_stored(
    client, hotline, areas, changes, field
):
    _key, raw = hotline
    response = post(client, sent(areas[3], raw, **changes))
    assert response.status_code == 400
    errors = json.loads(response.content)
    assert all(e["code"] == 400 for e in errors)
    assert any(e["description"].startswith(f"{field}:") for e in errors), errors
    assert not Submission.objects.exists()


def test_errors_in_xml_speak_the_clients_language(client, hotline, areas):
    _key, raw = hotline
    response = client.post(
        "/open311/v2/requests.xml",
        sent(areas[3], raw, description="坏"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400 and response["Content-Type"].startswith("text/xml")
    assert "<description>description: 请再多写一些" in response.content.decode()


def test_no_key_an_unknown_key_or_a_revoked_key_is_refused(client, hotline, areas):
    key, raw = hotline
    assert post(client, sent(areas[3], "")).status_code == 403
    assert post(client, sent(areas[3], "guessed")).status_code == 403
    api_keys_revoke([key.pk])
    refused = post(client, sent(areas[3], raw))
    assert refused.status_code == 403 and "api_key" in json.loads(refused.content)[0]["description"]
    assert not Submission.objects.exists()


def test_each_key_has_its_own_limit(client, hotline, areas, settings):
    settings.OPEN311_POST_RATE = "2/h"
    _key, raw = hotline
    _other, other_raw = api_key_create(channel="区政务小程序")
    for _ in range(2):
        assert post(client, sent(areas[3], raw)).status_code == 200
    limited = post(client, sent(areas[3], raw))
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert post(client, sent(areas[3], other_raw)).status_code == 200
    assert Submission.objects.count() == 3


def test_the_command_prints_the_key_last_and_stores_only_its_hash(categories, areas, client):
    out = io.StringIO()
    call_command("open311_key", "--channel", "12345热线", stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]
    key = ApiKey.objects.get()
    assert key.channel == "12345热线" and raw.startswith(key.prefix) and raw not in key.key_hash
    assert post(client, sent(areas[3], raw)).status_code == 200
    call_command("open311_key", "--revoke", key.prefix, stdout=io.StringIO())
    assert post(client, sent(areas[3], raw)).status_code == 403


def test_a_token_nobody_was_given_is_not_found(client, site, categories):
    assert client.get(f"/open311/v2/tokens/{uuid.uuid4()}.json").status_code == 404
    # A resident's own form key is not a token.
    resident = open_case(site.area, site=site).submissions.get()
    assert client.get(f"/open311/v2/tokens/{resident.idempotency_key}.json").status_code == 404
    assert client.get("/open311/v2/tokens/abc.xml").status_code == 404


def test_the_service_definition_lists_the_attributes_a_partner_may_send(client, categories):
    definition = json.loads(client.get("/open311/v2/services/estate-property.json").content)
    codes = {a["code"]: a for a in definition["attributes"]}
    assert {v["key"] for v in codes["request_type"]["values"]} >= {"help", "complaint"}
    assert codes["consent"]["datatype"] == "singlevaluelist"


def test_administrators_create_a_key_in_the_admin_see_it_once_and_revoke_it(
    client, administrator, committee_staff, areas, categories
):
    client.force_login(administrator)
    page = client.post("/admin/open311/apikey/add/", {"channel": "区政务小程序"}, follow=True)
    assert page.status_code == 200
    key = ApiKey.objects.get()
    [shown] = [str(m) for m in page.context["messages"] if m.level_tag == "warning"]
    raw = shown.rsplit(" ", 1)[-1].rsplit("：", 1)[-1]
    assert raw.startswith(key.prefix) and raw in page.content.decode()
    assert raw not in client.get("/admin/open311/apikey/").content.decode()  # shown once
    assert post(client, sent(areas[3], raw)).status_code == 200
    client.post(
        "/admin/open311/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    assert post(client, sent(areas[3], raw)).status_code == 403
    client.force_login(committee_staff)
    assert client.get("/admin/open311/apikey/").status_code in (302, 403)


def test_a_long_rambling_message_goes_through_whole_and_reads_back_by_its_status(
    client, hotline, areas, committee_staff
):
    """Real input through the API (line breaks, an emoji, digits, a number in the text): stored
    whole, listed open without the text, then closed when staff do not accept it."""
    from routing.models import CaseStatus
    from routing.services.transition import case_transition

    _key, raw = hotline
    rambling = (
        "你好！我是3号楼的住户😊，说来话长：\n去年冬天暖气就不热，物业说等等，"
        "今年11月又不热了，家里老人才16度，打了好几次电话13800138000都没人管……"
        "另外楼下垃圾桶也满了好几天。麻烦代表们帮忙问问，谢谢！！"
    )
    assert post(client, sent(areas[3], raw, description=rambling)).status_code == 200
    submission = Submission.objects.get()
    assert submission.text == rambling

    def read():
        url = f"/open311/v2/requests/{submission.tracking_code}.json"
        [row] = json.loads(client.get(url).content)
        assert "13800138000" not in json.dumps(row, ensure_ascii=False)
        assert "暖气" not in json.dumps(row, ensure_ascii=False)
        return row["status"]

    assert read() == "open"
    case_transition(
        case_id=submission.case_id, to_status=CaseStatus.NOT_ACCEPTED, actor=committee_staff
    )
    assert read() == "closed"
