"""The receipt offers to text the tracking code and key to the number the resident gave
(issue 17.4), once, through the outbox; never to a number nobody gave."""

import pytest

from feedback.models import Submission
from notifications.models import Notification
from tests.feedback.helpers import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]

PHONE = "13912345678"


def _sent(client, site_code, site, **contact):
    response = client.post(site_code.get_absolute_url(), form_data(site.area, **contact))
    assert response.status_code == 302, response.content[:300]
    return Submission.objects.get(), response["Location"]


def test_a_resident_who_gave_a_number_gets_the_code_by_text_once(client, site_code, site):
    submission, receipt = _sent(
        client, site_code, site, contact_phone=PHONE, consent="on", contact_preference="none"
    )
    page = client.get(receipt)
    assert "139****5678" in page.text and "发到我的手机" in page.text
    sms_url = f"{receipt}sms/"
    done = client.post(sms_url, follow=True)
    assert "查询码和密钥已发送到139****5678" in done.text
    sms = Notification.objects.get(channel="sms", submission=submission)
    assert sms.template == "submission_received" and PHONE not in sms.note
    # A second press sends nothing more.
    again = client.post(sms_url, follow=True)
    assert "已经发送过" in again.text
    assert Notification.objects.filter(channel="sms").count() == 1


def test_no_offer_without_a_number_or_when_the_receipt_sms_went_already(client, site_code, site):
    _submission, receipt = _sent(client, site_code, site)
    assert "发到我的手机" not in client.get(receipt).text
    assert client.post(f"{receipt}sms/", follow=True).status_code == 200
    assert not Notification.objects.filter(channel="sms").exists()


def test_a_wrong_key_is_a_404_and_counts_as_a_guess(client, site_code, site):
    submission, receipt = _sent(
        client, site_code, site, contact_phone=PHONE, consent="on", contact_preference="none"
    )
    wrong = receipt.replace(submission.secret, "ZZZZZZ")
    assert client.post(f"{wrong}sms/").status_code == 404
    assert client.get(f"{receipt}sms/").status_code == 405
    assert not Notification.objects.filter(channel="sms").exists()
