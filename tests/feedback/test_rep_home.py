"""/rep/: what came in through the representative's own code and through the codes of their
sites, a link to their own QR code and poster; after sign-in every role lands on its own work."""

import pytest

from feedback.models import Submission
from tests.feedback.helpers import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]


def test_rep_home_lists_opinions_through_the_site_code_too(
    client, site, site_code, rep_code, representative_user
):
    client.post(site_code.get_absolute_url(), form_data(site.area, text="联络点门口的台阶坏了。"))
    client.post(rep_code.get_absolute_url(), form_data(site.area, text="想找代表反映供暖的事。"))
    through_site, through_rep = Submission.objects.order_by("pk")
    client.force_login(representative_user)
    html = client.get("/rep/").text
    assert through_site.tracking_code in html and through_rep.tracking_code in html
    # Their own code: the poster and the image, to print for reception days.
    assert f"/q/{rep_code.token}/poster/" in html and f"/qr/{rep_code.token}.png" in html
    assert "我的二维码" in html


def test_rep_home_leaves_out_other_sites(client, site, site_code, representative_user, areas):
    from tests.factories import SiteFactory

    other = SiteFactory(area=areas[3], name="另一个联络点")
    from representatives.models import QRCode

    code = QRCode.objects.create(site=other)
    client.post(code.get_absolute_url(), form_data(areas[3], text="别处的意见。"))
    client.force_login(representative_user)
    assert Submission.objects.get().tracking_code not in client.get("/rep/").text


def test_each_opinion_once_newest_first_across_the_ways_it_reached_the_representative(
    client, site, site_code, rep_code, representative_user
):
    """Through the site's code, the representative's own (which names the site too) and what
    they logged: one list, each opinion once, the newest first, the newest ``limit`` kept."""
    from feedback.selectors import submission_list_for_official

    client.post(rep_code.get_absolute_url(), form_data(site.area, text="第一条，经代表码。"))
    client.post(site_code.get_absolute_url(), form_data(site.area, text="第二条，经联络点码。"))
    client.post(rep_code.get_absolute_url(), form_data(site.area, text="第三条，经代表码。"))
    first, second, third = Submission.objects.order_by("pk")
    Submission.objects.filter(pk=third.pk).update(logged_by=representative_user)
    listed = submission_list_for_official(representative_user)
    assert [s.pk for s in listed] == [third.pk, second.pk, first.pk]
    assert [s.pk for s in submission_list_for_official(representative_user, limit=2)] == [
        third.pk,
        second.pk,
    ]


@pytest.mark.parametrize(
    ("persona", "lands_on"),
    [
        ("committee_staff", "/work/"),
        ("unit_staff", "/desk/"),
        ("representative_user", "/rep/"),
        ("station_staff", "/rep/"),
        ("leader", "/reports/briefings/"),
        ("administrator", "/admin/"),
    ],
)
def test_after_sign_in_each_role_lands_on_its_own_work(client, request, persona, lands_on):
    user = request.getfixturevalue(persona)
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302, response.content[:500]
    landing = client.get(response["Location"])
    assert landing.status_code == 302 and landing["Location"] == lands_on
    assert client.get(lands_on).status_code == 200


def test_the_log_form_preselects_the_representative_community(client, representative_user, areas):
    client.force_login(representative_user)
    form = client.get("/rep/log/").context["form"]
    assert form.initial["area"] == representative_user.official.area_id == areas[3].pk


def test_the_slip_has_a_print_button_a_tracking_qr_and_a_summary(
    client, representative_user, site, categories, settings
):
    from representatives.qr_images import qr_svg

    settings.PUBLIC_BASE_URL = "https://liaison.example.cn"
    slip, submission = _slip(client, representative_user, site)
    html = slip.text
    assert "data-print" in html and "js/print.js" in html  # shown when JavaScript runs
    # The QR code opens the resident's own tracking page.
    url = f"https://liaison.example.cn/track/{submission.tracking_code}/{submission.secret}/"
    assert qr_svg(url, title="扫码查看办理进展") in html
    # What was recorded, to check with the resident.
    assert "登记内容" in html and "三号楼楼道灯坏了一个月" in html and site.area.name in html


def _slip(client, representative_user, site):
    client.force_login(representative_user)
    data = form_data(site.area, text="三号楼楼道灯坏了一个月，老人晚上上下楼很危险。")
    data.update(channel="on_duty", collected_on="2026-12-01", site=site.pk)
    response = client.post("/rep/log/", data)
    assert response.status_code == 302, response.content[:300]
    return client.get(response["Location"]), Submission.objects.get()
