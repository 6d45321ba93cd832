"""The HTTP SMS gateway backend against a small local fake gateway (a real HTTP server on a
loopback port): what it sends, and how the outbox treats each kind of answer."""

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifications import delivery as notify
from notifications.delivery import notification_deliver
from notifications.models import Notification
from notifications.services import notification_enqueue
from notifications.tasks import deliver_notification_task
from tests.routing.helpers import PHONE, open_case

pytestmark = pytest.mark.django_db


class FakeGateway(ThreadingHTTPServer):
    """Answers each POST with the next status of ``answers`` (200 when they run out) and
    records what it received; ``delay`` seconds before answering simulates a slow gateway."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers: list[int] = []
        self.received: list[dict] = []
        self.delay = 0.0

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/send"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append(
            {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
        )
        time.sleep(self.server.delay)
        status = self.server.answers.pop(0) if self.server.answers else 200
        payload = json.dumps({"ok": status == 200}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = FakeGateway()
    # shutdown() waits for the loop's next look at its flag: every 0.5 s by default.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    settings.SMS_BACKEND = "notifications.backends.HTTPGatewaySMSBackend"
    settings.SMS_GATEWAY_URL = server.url
    settings.SMS_GATEWAY_TOKEN = "gateway-token"
    settings.SMS_GATEWAY_TIMEOUT = 1.0
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def sms(site):
    """A receipt SMS row for a resident who left a number and chose SMS (not yet delivered)."""
    case = open_case(site.area, site=site)
    submission = case.submissions.get()
    Notification.objects.all().delete()
    return notification_enqueue(
        channel="sms", template="case_replied", submission=submission, case=case
    )


def test_a_message_is_one_json_post_with_the_number_and_the_tracking_code(gateway, sms, caplog):
    with caplog.at_level(logging.INFO, logger="liaison.notifications"):
        assert notification_deliver(sms.pk) is True
    [request] = gateway.received
    assert request["path"] == "/send"
    assert request["json"]["to"] == PHONE
    assert sms.submission.tracking_code in request["json"]["message"]
    assert "满意" in request["json"]["message"]  # rendered in the resident's language
    assert request["json"]["reference"] == f"liaison-notification-{sms.pk}"
    assert request["headers"]["Idempotency-Key"] == f"liaison-notification-{sms.pk}"
    assert request["headers"]["Authorization"] == "Bearer gateway-token"
    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == ("sent", 1)
    # The log says which row and what the gateway answered, nothing personal.
    assert f"notification={sms.pk} status=200" in caplog.text
    assert PHONE not in caplog.text and sms.submission.tracking_code not in caplog.text


@pytest.mark.parametrize("status", [500, 503, 429, 408])
def test_a_busy_or_broken_gateway_is_retried(gateway, sms, status):
    gateway.answers = [status]
    with pytest.raises(notify.GatewayUnavailable):
        notification_deliver(sms.pk)
    sms.refresh_from_db()
    assert (sms.state, sms.attempts, sms.last_error) == (
        "pending",
        1,
        f"GatewayUnavailable: HTTP {status}",
    )
    assert notification_deliver(sms.pk) is True  # the next attempt goes through
    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == ("sent", 2)


def test_a_timeout_is_retried(gateway, sms, settings):
    settings.SMS_GATEWAY_TIMEOUT = 0.2
    gateway.delay = 1.0
    with pytest.raises(notify.GatewayUnavailable):
        notification_deliver(sms.pk)
    sms.refresh_from_db()
    assert sms.state == "pending" and sms.last_error.startswith("GatewayUnavailable")


def test_an_unreachable_gateway_is_retried(gateway, sms, settings):
    gateway.shutdown()
    gateway.server_close()
    with pytest.raises(notify.GatewayUnavailable):
        notification_deliver(sms.pk)
    sms.refresh_from_db()
    assert sms.state == "pending"


@pytest.mark.parametrize("status", [400, 401, 422])
def test_a_refused_message_is_a_dead_letter_at_once(gateway, sms, status):
    gateway.answers = [status]
    # The task does not retry what cannot succeed; the row waits for an administrator.
    assert deliver_notification_task.delay(sms.pk).get() is False
    sms.refresh_from_db()
    assert (sms.state, sms.attempts, sms.last_error) == (
        "failed",
        1,
        f"PermanentDeliveryError: HTTP {status}",
    )
    assert len(gateway.received) == 1
    assert sms.pk not in notify.notification_ids_to_resend()


@pytest.fixture
def eager_retries():
    """In-process, a retry runs at once (its countdown is only reported); let it run instead
    of propagating the Retry exception."""
    from liaison.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


def test_the_task_retries_with_backoff_until_the_gateway_takes_it(
    gateway, sms, eager_retries, caplog
):
    gateway.answers = [503, 502]
    with caplog.at_level(logging.INFO, logger="celery.app.trace"):
        assert deliver_notification_task.delay(sms.pk).get() is True
    assert "Retry in 60s" in caplog.text and "Retry in 120s" in caplog.text  # backoff
    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == ("sent", 3)
    assert len(gateway.received) == 3
    # Every attempt carried the same idempotency key, so the gateway can drop duplicates.
    assert {r["headers"]["Idempotency-Key"] for r in gateway.received} == {
        f"liaison-notification-{sms.pk}"
    }


def test_a_purged_number_is_not_sent(gateway, sms):
    type(sms.submission).objects.filter(pk=sms.submission_id).update(contact_phone_encrypted="")
    with pytest.raises(notify.PermanentDeliveryError):
        notification_deliver(sms.pk)
    sms.refresh_from_db()
    assert sms.state == "failed" and gateway.received == []


def test_the_gateway_backend_needs_a_url():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={
            "DJANGO_SETTINGS_MODULE": "liaison.settings",
            "SMS_BACKEND": "notifications.backends.HTTPGatewaySMSBackend",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "SMS_GATEWAY_URL is required" in result.stderr


def test_administrators_see_the_dead_letter_and_send_it_again(
    client, gateway, sms, administrator, committee_staff, django_capture_on_commit_callbacks
):
    gateway.answers = [400]
    deliver_notification_task.delay(sms.pk).get()
    client.force_login(administrator)
    listing = client.get("/admin/notifications/notification/?state__exact=failed")
    assert listing.status_code == 200
    assert "PermanentDeliveryError: HTTP 400" in listing.text
    assert PHONE not in listing.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notifications/notification/",
            {"action": "send_again", "_selected_action": [str(sms.pk)]},
            follow=True,
        )
    assert "1 条发送失败的通知已重新排队" in response.text
    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == ("sent", 1)  # delivered on commit (in-process here)
    assert len(gateway.received) == 2

    # Staff who are not administrators cannot reach the outbox at all.
    client.force_login(committee_staff)
    assert client.get("/admin/notifications/notification/").status_code == 302
