"""The intake form, receipt, tracking and rating pages hold a resident's words, code and key:
none may be kept by a browser's or a proxy's cache, whatever the answer (page, redirect,
refused form)."""

import pytest

from feedback.models import Submission
from tests.feedback.helpers import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]


def _private(response):
    header = response.get("Cache-Control", "")
    return "no-store" in header and "private" in header


def test_every_resident_page_says_no_store(client, site, site_code):
    form = client.get(site_code.get_absolute_url())
    sent = client.post(site_code.get_absolute_url(), form_data(site.area))
    refused = client.post(site_code.get_absolute_url(), form_data(site.area, text=""))
    submission = Submission.objects.get()
    base = f"/track/{submission.tracking_code}/{submission.secret}/"
    answers = {
        "intake form": form,
        "intake sent (redirect)": sent,
        "intake refused": refused,
        "receipt": client.get(base + "receipt/"),
        "tracking": client.get(base),
        "lookup form": client.get("/track/"),
        "lookup found (redirect)": client.post(
            "/track/", {"code": submission.tracking_code, "secret": submission.secret}
        ),
        "lookup refused": client.post("/track/", {"code": "KL-0101-ZZZZ", "secret": "AAAAAA"}),
        "rating refused": client.post(base + "rate/", {"value": "satisfied"}),
    }
    assert sent.status_code == 302 and refused.status_code == 400
    assert not [name for name, response in answers.items() if not _private(response)]


def test_public_pages_may_be_cached(client, site):
    """Not every page: the site's public page holds nothing private."""
    assert "no-store" not in client.get(site.get_absolute_url()).get("Cache-Control", "")
