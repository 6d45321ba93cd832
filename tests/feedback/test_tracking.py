"""Tracking codes and the resident's tracking page; rating and reopening."""

import re

import pytest

from feedback.models import Rating, Submission
from feedback.services.submit import new_tracking_code
from routing.models import CaseEvent, CaseStatus
from routing.services.transition import case_reply, case_transition
from tests.feedback.helpers import form_data

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"^KL-\d{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$")


@pytest.fixture
def submission(client, site_code, site):
    data = form_data(
        site.area,
        contact_name="王大爷",
        contact_phone="13912345678",
        consent="on",
        contact_preference="sms",
    )
    client.post(site_code.get_absolute_url(), data)
    return Submission.objects.get()


def _reply(submission, text="路灯已于今天下午修复，欢迎监督。"):
    case = submission.case
    case_transition(case_id=case.pk, to_status=CaseStatus.TRIAGED, is_public=False)
    case_reply(case_id=case.pk, text=text, public_actor="银河路街道办事处")
    submission.refresh_from_db()
    return submission


def test_tracking_codes_are_readable_unique_and_unambiguous():
    codes = {new_tracking_code() for _ in range(2000)}
    assert all(CODE_RE.match(c) for c in codes)
    assert len(codes) > 1990  # random tail: collisions are rare and retried on insert
    assert not any(ch in c[8:] for c in codes for ch in "01OIL")


def test_track_page_shows_status_timeline_and_no_contact(client, submission):
    response = client.get(f"/track/{submission.tracking_code}/{submission.secret}/")
    assert response.status_code == 200
    html = response.text
    assert submission.tracking_code in html and "路灯" in html
    assert "王大爷" not in html and "13912345678" not in html and "139****5678" not in html
    assert response["X-Robots-Tag"].startswith("noindex")
    assert '<meta name="robots" content="noindex">' in html
    assert "https://" not in html


def test_lookup_form_redirects_to_the_page(client, submission):
    response = client.post(
        "/track/", {"code": submission.tracking_code.lower(), "secret": submission.secret.lower()}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/track/{submission.tracking_code}/{submission.secret}/"


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code.replace("-", ""),  # KL26117Q4M
        lambda code: code.replace("-", " ").lower(),  # kl 2611 7q4m
        lambda code: f"  {code[:2]} - {code[3:7]}-{code[8:]}  ",
        lambda code: code.translate(str.maketrans("-0123456789KL", "－０１２３４５６７８９ＫＬ")),
    ],
    ids=["no dashes", "spaces, lower case", "spaces around dashes", "full-width"],
)
def test_lookup_accepts_the_code_as_people_type_it(client, submission, settings, typed):
    """Typed without dashes, with spaces, in lower case or full width: found at once, and
    none of it counts against the guessing limit (one attempt left, and still found)."""
    settings.TRACK_RATE = "1/h"
    secret = " ".join(submission.secret.lower())  # a key read out with spaces
    for _ in range(3):
        response = client.post(
            "/track/", {"code": typed(submission.tracking_code), "secret": secret}
        )
        assert response.status_code == 302, response.status_code
        assert response["Location"] == f"/track/{submission.tracking_code}/{submission.secret}/"


def test_a_code_that_cannot_be_one_is_explained_and_not_counted(client, submission, settings):
    settings.TRACK_RATE = "1/h"
    for _ in range(3):
        response = client.post("/track/", {"code": "KL-2611", "secret": submission.secret})
        assert response.status_code == 400
        assert "跟踪码的格式" in response.text
        assert 'value="KL-2611"' in response.text  # what was typed stays
    found = client.post("/track/", {"code": submission.tracking_code, "secret": submission.secret})
    assert found.status_code == 302


def test_a_tracking_url_without_dashes_opens_the_page(client, submission):
    compact = submission.tracking_code.replace("-", "").lower()
    response = client.get(f"/track/{compact}/{submission.secret.lower()}/")
    assert response.status_code == 200
    assert submission.tracking_code in response.text


def test_wrong_code_and_wrong_secret_look_the_same(client, submission):
    wrong_secret = client.post("/track/", {"code": submission.tracking_code, "secret": "ZZZZZZ"})
    unknown_code = client.post("/track/", {"code": "KL-0101-ZZZZ", "secret": submission.secret})
    assert wrong_secret.status_code == unknown_code.status_code == 404
    strip = lambda html: re.sub(r'name="(csrfmiddlewaretoken|code|secret)" value="[^"]*"', "", html)  # noqa: E731
    assert strip(wrong_secret.text).replace(submission.tracking_code, "KL-0101-ZZZZ").replace(
        "ZZZZZZ", submission.secret
    ) == strip(unknown_code.text).replace(submission.tracking_code, "KL-0101-ZZZZ")
    assert client.get(f"/track/{submission.tracking_code}/ZZZZZZ/").status_code == 404


def test_guessing_is_rate_limited(client, submission, settings):
    settings.TRACK_RATE = "5/h"
    for _ in range(5):
        assert (
            client.post("/track/", {"code": "KL-0101-ZZZZ", "secret": "AAAAAA"}).status_code == 404
        )
    blocked = client.post(
        "/track/", {"code": submission.tracking_code, "secret": submission.secret}
    )
    assert blocked.status_code == 429


def test_reply_shows_in_timeline_with_unit_name_not_staff(client, submission, committee_staff):
    case = submission.case
    case_transition(
        case_id=case.pk,
        to_status=CaseStatus.TRIAGED,
        actor=committee_staff,
        note="内部：交街道",
        is_public=False,
    )
    case_reply(
        case_id=case.pk, text="路灯已修复。", actor=committee_staff, public_actor="银河路街道办事处"
    )
    html = client.get(f"/track/{submission.tracking_code}/{submission.secret}/").text
    assert "路灯已修复。" in html and "银河路街道办事处" in html
    assert "committee" not in html and "内部：交街道" not in html


def test_rating_satisfied_closes(client, submission):
    _reply(submission)
    url = f"/track/{submission.tracking_code}/{submission.secret}/rate/"
    assert client.post(url, {"value": "satisfied"}).status_code == 302
    submission.case.refresh_from_db()
    assert submission.case.status == CaseStatus.CLOSED and submission.case.closed_at
    assert CaseEvent.objects.filter(case=submission.case, kind="rating", is_public=True).exists()
    again = client.post(url, {"value": "dissatisfied", "comment": "x"})
    assert again.status_code == 400
    assert Rating.objects.count() == 1


def test_dissatisfied_needs_a_comment_then_reopens_once_per_reply(client, submission):
    _reply(submission)
    url = f"/track/{submission.tracking_code}/{submission.secret}/rate/"
    no_comment = client.post(url, {"value": "dissatisfied", "comment": ""})
    assert no_comment.status_code == 400 and 'id="id_comment_error"' in no_comment.text
    assert (
        client.post(
            url, {"value": "dissatisfied", "comment": "只修了一盏，另一盏还是不亮。"}
        ).status_code
        == 302
    )
    case = submission.case
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED
    event = CaseEvent.objects.filter(case=case, kind="rating").latest("pk")
    assert event.note == "dissatisfied" and event.to_status == CaseStatus.REOPENED
    # The comment is kept with the rating, not in the event: the resident who wrote it sees it
    # in their timeline (a co-submitter does not: test_redo).
    rating = Rating.objects.get(case=case)
    assert rating.submission == submission and "另一盏还是不亮" in rating.comment
    assert "另一盏还是不亮" not in event.note
    page = client.get(f"/track/{submission.tracking_code}/{submission.secret}/").text
    assert "您写下的理由" in page and "另一盏还是不亮" in page
    # The same reply cannot reopen twice.
    assert client.post(url, {"value": "dissatisfied", "comment": "再次"}).status_code == 400
    # After the redo (routed again at triage) and its reply, the resident can rate again.
    case_transition(case_id=case.pk, to_status=CaseStatus.TRIAGED)
    case_reply(case_id=case.pk, text="两盏路灯均已修复。", public_actor="银河路街道办事处")
    assert client.post(url, {"value": "basically"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and Rating.objects.filter(case=case).count() == 2


def test_cannot_rate_before_a_reply(client, submission):
    url = f"/track/{submission.tracking_code}/{submission.secret}/rate/"
    assert client.post(url, {"value": "satisfied"}).status_code == 400
    assert client.get(url).status_code == 405
    assert Rating.objects.count() == 0


def test_rating_with_wrong_secret_is_404(client, submission):
    _reply(submission)
    assert (
        client.post(
            f"/track/{submission.tracking_code}/AAAAAA/rate/", {"value": "satisfied"}
        ).status_code
        == 404
    )


@pytest.mark.parametrize("path", ["/track/{code}/AAAAAA/", "/track/{code}/AAAAAA/receipt/"])
def test_guessing_keys_by_get_is_rate_limited_too(client, submission, settings, path):
    settings.TRACK_RATE = "3/h"
    for _ in range(3):
        assert client.get(path.format(code=submission.tracking_code)).status_code == 404
    assert client.get(f"/track/{submission.tracking_code}/{submission.secret}/").status_code == 429


def test_guessing_keys_by_rating_is_rate_limited(client, submission, settings):
    settings.TRACK_RATE = "2/h"
    for _ in range(2):
        response = client.post(
            f"/track/{submission.tracking_code}/AAAAAA/rate/", {"value": "satisfied"}
        )
        assert response.status_code == 404
    assert (
        client.post(
            f"/track/{submission.tracking_code}/AAAAAA/rate/", {"value": "satisfied"}
        ).status_code
        == 429
    )


def test_tracking_keys_are_masked_in_logs():
    import logging

    from liaison.logging import RedactTrackingKeys

    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        "",
        0,
        "Not Found: %s",
        ("/track/KL-2611-7Q4M/ABC234/rate/",),
        None,
    )
    RedactTrackingKeys().filter(record)
    assert record.getMessage() == "Not Found: /track/KL-2611-7Q4M/******/rate/"
