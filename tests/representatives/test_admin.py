"""The Django admin for reference data and the read-only workflow records."""

import pytest

from tests.feedback.helpers import form_data

pytestmark = pytest.mark.django_db

PAGES = [
    "/admin/representatives/area/",
    "/admin/representatives/liaisonsite/",
    "/admin/representatives/representative/",
    "/admin/representatives/qrcode/",
    "/admin/representatives/receptionday/",
    "/admin/routing/handlingunit/",
    "/admin/routing/category/",
    "/admin/routing/case/",
    "/admin/notifications/notification/",
    "/admin/feedback/submission/",
    "/admin/feedback/rating/",
]


@pytest.mark.parametrize("url", PAGES)
def test_admin_lists_open_for_administrators_with_search(
    client, administrator, site_code, site, url
):
    client.post(
        site_code.get_absolute_url(),
        form_data(site.area, contact_phone="13912345678", consent="on"),
    )
    client.force_login(administrator)
    response = client.get(url + "?q=1")
    assert response.status_code == 200
    assert "13912345678" not in response.text


def test_submission_admin_shows_no_contact_and_allows_no_change(
    client, administrator, site_code, site
):
    from feedback.models import Submission

    client.post(
        site_code.get_absolute_url(),
        form_data(site.area, contact_phone="13912345678", consent="on"),
    )
    submission = Submission.objects.get()
    client.force_login(administrator)
    page = client.get(f"/admin/feedback/submission/{submission.pk}/change/")
    assert page.status_code == 200
    assert "13912345678" not in page.text and submission.contact_phone_encrypted not in page.text
    assert 'name="_save"' not in page.text


def test_area_code_and_parent_are_fixed_once_set(client, administrator, areas):
    client.force_login(administrator)
    page = client.get(f"/admin/representatives/area/{areas[3].pk}/change/")
    assert 'name="code"' not in page.text and 'name="parent"' not in page.text
