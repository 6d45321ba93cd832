"""The intake form's consent box sits with the contact fields it concerns and its error says
what to do; the error summary joins label and message without doubled punctuation."""

import re

import pytest

from tests.feedback.helpers import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]


def test_consent_is_next_to_the_contact_fields(client, site_code):
    html = client.get(site_code.get_absolute_url()).text
    phone, consent = html.index('id="id_contact_phone"'), html.index('id="id_consent"')
    preference = html.index('name="contact_preference"')
    assert phone < consent < preference


def test_a_missed_consent_says_what_to_do_and_the_summary_reads_well(client, site, site_code):
    data = form_data(site.area, contact_name="王大爷", contact_phone="12345")
    data.pop("consent", None)
    data["contact_preference"] = "sms"
    response = client.post(site_code.get_absolute_url(), data)
    assert response.status_code == 400
    html = response.text
    assert "勾选" in html and "匿名" in html
    summary = html[html.index('class="error-summary"') :]
    summary = summary[: summary.index("</ul>")]
    items = re.findall(r"<a [^>]*>([^<]*)</a>", summary)
    assert items, summary
    for item in items:
        assert not re.search(r"[。？！?!.：:]：", item), item
    # What was typed stays.
    assert 'value="王大爷"' in html and 'value="12345"' in html
