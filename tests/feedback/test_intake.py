"""The resident's form: happy path, channels, bad input, honeypot, rate limits, idempotency."""

import gzip
import re
import uuid

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile

from feedback.models import Channel, PendingPhoto, Submission
from representatives.services.qr import qr_placement_create
from routing.models import Case, CaseEvent, CaseStatus
from tests.feedback.helpers import form_data, jpeg_with_gps

pytestmark = pytest.mark.django_db


def test_form_says_to_whom_it_goes_and_preselects_the_site_area(client, site_code, site):
    response = client.get(site_code.get_absolute_url())
    assert response.status_code == 200
    assert site.name in response.text
    assert f'<option value="{site.area.pk}" selected>' in response.text
    assert response["X-Robots-Tag"].startswith("noindex")


def test_representative_code_names_the_representative(client, rep_code, representative):
    response = client.get(rep_code.get_absolute_url())
    assert representative.name in response.text


def test_submit_creates_submission_case_and_receipt(client, site_code, site):
    data = form_data(site.area)
    response = client.post(site_code.get_absolute_url(), data)
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert response["Location"] == f"/track/{submission.tracking_code}/{submission.secret}/receipt/"
    assert submission.channel == Channel.SITE_QR
    assert submission.site == site and submission.qr_code == site_code
    assert submission.area == site.area and submission.language == "zh-hans"
    assert submission.category.slug == "estate-property"
    assert submission.case.status == CaseStatus.NEW
    assert (
        CaseEvent.objects.filter(case=submission.case, kind="received", is_public=True).count() == 1
    )
    receipt = client.get(response["Location"])
    assert submission.tracking_code in receipt.text and submission.secret in receipt.text


def test_channel_for_representative_and_placement(client, rep_code, representative, site):
    client.post(rep_code.get_absolute_url(), form_data(site.area))
    assert Submission.objects.get().channel == Channel.REPRESENTATIVE_QR
    assert Submission.objects.get().representative == representative
    placement = qr_placement_create(code=rep_code, name="便民服务中心")
    client.post(placement.get_absolute_url(), form_data(site.area))
    latest = Submission.objects.order_by("-pk").first()
    assert latest.channel == Channel.PLACEMENT and latest.placement == placement


def test_same_key_twice_gives_one_submission_and_the_same_code(client, site_code, site):
    data = form_data(site.area)
    first = client.post(site_code.get_absolute_url(), data)
    second = client.post(site_code.get_absolute_url(), data)
    assert Submission.objects.count() == 1 and Case.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"text": ""}, "text", "请写下"),
        ({"text": "长" * 2001}, "text", "2000"),
        ({"request_type": ""}, "request_type", "请选择"),
        ({"area": "999999"}, "area", "社区"),
        ({"contact_phone": "12345", "consent": "on"}, "contact_phone", "11"),
        ({"contact_name": "李阿姨"}, "consent", "同意"),
        ({"contact_preference": "sms"}, "contact_phone", "手机"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_kept(
    client, site_code, site, override, field, message
):
    data = form_data(site.area, **override)
    response = client.post(site_code.get_absolute_url(), data)
    assert response.status_code == 400
    assert Submission.objects.count() == 0 and Case.objects.count() == 0
    html = response.text
    assert f'id="id_{field}_error"' in html
    error_block = html[html.index(f'id="id_{field}_error"') :][:400]
    assert message in error_block
    # What the person typed is still there.
    if override.get("text", "x") and len(override.get("text", "")) <= 2000:
        assert data["text"][:20] in html
    assert data["form_key"] in html
    assert "向阳北小区北门" in html


def test_honeypot_stores_nothing(client, site_code, site):
    response = client.post(
        site_code.get_absolute_url(), form_data(site.area, website="http://spam.example")
    )
    assert response.status_code == 200
    assert Submission.objects.count() == 0


def test_rate_limit_is_polite_keeps_text_and_recovers(client, site_code, site, settings):
    from django.core.cache import cache

    # An hour's window: django-ratelimit offsets each key's window, so a one-second rate
    # cannot be lined up with the clock and made the test flaky.
    settings.INTAKE_RATE = "2/h"
    for _ in range(2):
        assert client.post(site_code.get_absolute_url(), form_data(site.area)).status_code == 302
    data = form_data(site.area, text="第三条意见：楼道里的杂物堆了很久，存在消防隐患。")
    limited = client.post(site_code.get_absolute_url(), data)
    assert limited.status_code == 429
    assert "分钟后再试" in limited.text
    assert "楼道里的杂物堆了很久" in limited.text
    assert Submission.objects.count() == 2
    cache.clear()  # the window has passed: the counts are gone
    assert client.post(site_code.get_absolute_url(), data).status_code == 302
    assert Submission.objects.count() == 3


def test_rate_limit_can_be_turned_off(client, site_code, site, settings):
    settings.INTAKE_RATE = "1/h"
    settings.RATELIMIT_ENABLE = False
    for _ in range(3):
        assert client.post(site_code.get_absolute_url(), form_data(site.area)).status_code == 302


def test_an_unreachable_cache_does_not_stop_an_opinion(client, site_code, site, settings, caplog):
    """Redis (the rate limiter's cache) down: the limit is skipped, the opinion is stored."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.post(site_code.get_absolute_url(), form_data(site.area))
    assert response.status_code == 302
    assert Submission.objects.count() == 1
    assert "rate limit intake not checked: the cache is unavailable" in caplog.text


def test_valid_photo_is_kept_when_another_field_fails(client, site_code, site):
    key = str(uuid.uuid4())
    bad = form_data(site.area, form_key=key, text="")
    bad["photos"] = [jpeg_with_gps()]
    response = client.post(site_code.get_absolute_url(), bad)
    assert response.status_code == 400
    assert PendingPhoto.objects.filter(form_key=key).count() == 1
    assert "无需重新" in response.text
    good = form_data(site.area, form_key=key, pending="1")  # the re-rendered form says so
    assert client.post(site_code.get_absolute_url(), good).status_code == 302
    submission = Submission.objects.get()
    assert submission.photos.count() == 1
    assert not PendingPhoto.objects.exists()


def test_bad_photo_is_named_and_good_one_kept(client, site_code, site):
    key = str(uuid.uuid4())
    data = form_data(site.area, form_key=key)
    data["photos"] = [
        jpeg_with_gps("good.jpg"),
        SimpleUploadedFile("notes.jpg", b"this is not an image", "image/jpeg"),
    ]
    response = client.post(site_code.get_absolute_url(), data)
    assert response.status_code == 400
    assert "notes.jpg" in response.text
    assert PendingPhoto.objects.filter(form_key=key).count() == 1
    assert Submission.objects.count() == 0


def test_more_than_four_photos_refused(client, site_code, site):
    data = form_data(site.area)
    data["photos"] = [jpeg_with_gps(f"p{i}.jpg", (50, 50)) for i in range(5)]
    response = client.post(site_code.get_absolute_url(), data)
    assert response.status_code == 400 and "4" in response.text
    assert Submission.objects.count() == 0


def test_revoked_code_cannot_take_submissions(client, site_code, site):
    from representatives.services.qr import qr_code_revoke_and_replace

    qr_code_revoke_and_replace(code=site_code, reason="x")
    assert client.post(site_code.get_absolute_url(), form_data(site.area)).status_code == 410
    assert Submission.objects.count() == 0


def test_intake_page_weighs_under_30_kb_compressed_with_no_third_party(client, site_code, settings):
    settings.DEBUG = False
    html = client.get(site_code.get_absolute_url()).content
    assert b"http://" not in html.replace(settings.PUBLIC_BASE_URL.encode(), b"")
    assert b"https://" not in html
    css = open(finders.find("css/site.css"), "rb").read()  # noqa: SIM115
    js = open(finders.find("js/keep-form.js"), "rb").read()  # noqa: SIM115
    total = len(gzip.compress(html)) + len(gzip.compress(css)) + len(gzip.compress(js))
    assert total < 30 * 1024, total
    # One script of its own, deferred: it keeps what was typed (issue 17.5); the form works
    # without it (tests/browser/test_elderly_journey.py).
    assert re.findall(rb"<script[^>]*>", html) == [b'<script src="/static/js/keep-form.js" defer>']


@pytest.fixture
def with_worker():
    """Celery as in production (a worker, not in-process) for the duration of a test."""
    from celery import current_app

    current_app.conf.task_always_eager = False
    yield
    current_app.conf.task_always_eager = True


@pytest.mark.django_db(transaction=True)  # no test transaction around it, as in production
def test_intake_post_is_one_insert_with_a_worker(client, site_code, site, with_worker, queries):
    """The request stores the submission and nothing else: the case is opened after commit."""
    client.post(site_code.get_absolute_url(), form_data(site.area))  # warm the caches
    with queries(1) as plain:
        assert client.post(site_code.get_absolute_url(), form_data(site.area)).status_code == 302
    assert [q["sql"].split()[0:3] for q in plain] == [["INSERT", "INTO", '"feedback_submission"']]
    data = form_data(site.area, contact_phone="13812345678", consent="on", contact_preference="sms")
    data["photos"] = [jpeg_with_gps("a.jpg", (60, 60)), jpeg_with_gps("b.jpg", (60, 60))]
    with queries(6) as rich:
        assert client.post(site_code.get_absolute_url(), data).status_code == 302
    inserts = [q["sql"].split()[2] for q in rich if q["sql"].startswith("INSERT")]
    assert inserts == [
        '"feedback_submission"',
        '"feedback_submissionphoto"',
        '"feedback_submissionphoto"',
        '"routing_notification"',
    ]
    others = [q["sql"] for q in rich if not q["sql"].startswith("INSERT")]
    assert all(sql.split()[0] in {"BEGIN", "COMMIT"} for sql in others), others  # one transaction


def test_intake_post_in_embedded_mode_opens_the_case_in_the_same_request(
    client, site_code, site, queries
):
    client.post(site_code.get_absolute_url(), form_data(site.area))
    with queries(9):
        client.post(site_code.get_absolute_url(), form_data(site.area))
    assert Submission.objects.filter(case__isnull=True).count() == 0


def test_back_edit_resend_does_not_drop_the_new_text(client, site_code, site):
    data = form_data(site.area)
    client.post(site_code.get_absolute_url(), data)
    first = Submission.objects.get()
    edited = dict(data, text="改一下：其实是南门的路灯坏了，北门的是好的。")
    response = client.post(site_code.get_absolute_url(), edited)
    assert response.status_code == 409
    assert first.tracking_code in response.text and "南门的路灯坏了" in response.text
    assert data["form_key"] not in response.text  # a fresh key for the new opinion
    new_key = re.search(r'name="form_key" value="([^"]+)"', response.text).group(1)
    assert (
        client.post(site_code.get_absolute_url(), dict(edited, form_key=new_key)).status_code == 302
    )
    assert Submission.objects.count() == 2


def test_a_rate_limited_retry_of_a_stored_submission_gets_its_receipt(
    client, site_code, site, settings
):
    settings.INTAKE_RATE = "1/h"
    data = form_data(site.area)
    first = client.post(site_code.get_absolute_url(), data)
    again = client.post(site_code.get_absolute_url(), data)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert client.post(site_code.get_absolute_url(), form_data(site.area)).status_code == 429


def test_link_on_the_site_page_is_its_own_channel(client, site_code, site):
    client.post(site_code.get_absolute_url() + "?via=link", form_data(site.area))
    assert Submission.objects.get().channel == Channel.WEB_LINK


def test_missing_form_key_still_works(client, site_code, site):
    data = form_data(site.area)
    del data["form_key"]
    assert client.post(site_code.get_absolute_url(), data).status_code == 302
    assert Submission.objects.count() == 1


def test_huge_body_is_refused_before_parsing(client, site_code, site, settings):
    settings.PHOTO_MAX_BYTES = 1000
    data = form_data(site.area)
    data["photos"] = [SimpleUploadedFile("big.jpg", b"\xff" * (1024 * 1024 + 100_000))]
    response = client.post(site_code.get_absolute_url(), data)
    assert response.status_code == 413
    assert "超过上限" in response.text  # the page explains why, in Chinese
    assert Submission.objects.count() == 0


def test_expired_form_gives_back_what_was_written(site_code, site):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    data = form_data(site.area, text="楼下的排水沟堵了，一下雨就积水。")
    response = client.post(site_code.get_absolute_url(), data)
    assert response.status_code == 403
    assert "楼下的排水沟堵了" in response.text and "向阳北小区北门" in response.text
    assert Submission.objects.count() == 0


def test_edited_resend_keeps_the_new_photo(client, site_code, site):
    data = form_data(site.area)
    client.post(site_code.get_absolute_url(), data)
    edited = dict(data, text="补充：附上照片，路灯杆也歪了。")
    edited["photos"] = [jpeg_with_gps("lamp.jpg", (80, 60))]
    response = client.post(site_code.get_absolute_url(), edited)
    assert response.status_code == 409 and 'name="pending" value="1"' in response.text
    new_key = re.search(r'name="form_key" value="([^"]+)"', response.text).group(1)
    assert PendingPhoto.objects.filter(form_key=new_key).count() == 1
    resend = dict(edited, form_key=new_key, pending="1")
    del resend["photos"]
    assert client.post(site_code.get_absolute_url(), resend).status_code == 302
    assert Submission.objects.latest("pk").photos.count() == 1


@pytest.mark.django_db(transaction=True)  # no test transaction around it, as in production
def test_post_to_a_representative_code_is_one_insert_too(
    client, rep_code, site, with_worker, queries
):
    client.post(rep_code.get_absolute_url(), form_data(site.area))  # warm the caches
    with queries(1) as captured:
        assert client.post(rep_code.get_absolute_url(), form_data(site.area)).status_code == 302
    assert [q["sql"].split()[0:3] for q in captured] == [
        ["INSERT", "INTO", '"feedback_submission"']
    ]
