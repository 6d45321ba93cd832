import io
import random
import re

import pytest
import zxingcpp
from django.urls import resolve
from PIL import Image

from demo.network import network_seed
from representatives.models import LiaisonSite, Representative
from representatives.selectors import qr_token_resolve
from representatives.services.qr import qr_code_create
from tests.factories import AreaFactory, RepresentativeFactory, SiteFactory

pytestmark = pytest.mark.django_db


def _grow_network(areas, n):
    """n more sites, each in its own community with two representatives and a code."""
    street = areas[2]
    for _ in range(n):
        community = AreaFactory(level="community", parent=street)
        site = SiteFactory(area=community)
        for _ in range(2):
            RepresentativeFactory().sites.add(site)
        qr_code_create(site=site)


def test_directory_groups_by_district_and_street(client, site, representative):
    response = client.get("/stations/")
    assert response.status_code == 200
    html = response.text
    assert "克拉玛依区" in html and "银河路街道" in html
    assert site.name in html and representative.name in html
    assert html.index("克拉玛依区") < html.index("银河路街道") < html.index(site.name)


def test_directory_query_count_does_not_grow(client, queries, areas):
    _grow_network(areas, 5)
    with queries(2):
        client.get("/stations/")
    _grow_network(areas, 10)
    with queries(2):
        response = client.get("/stations/")
    assert response.text.count('class="site-card"') == 15


def test_directory_search_by_street_community_and_representative(
    client, site, representative, areas
):
    other = SiteFactory(
        area=AreaFactory(level="community", parent=areas[2], name="南苑社区"), name="南苑社区联络点"
    )
    assert other.name not in client.get("/stations/?q=向阳北").text
    assert site.name in client.get("/stations/?q=向阳北").text
    assert site.name in client.get("/stations/?q=张建国").text
    found = client.get("/stations/?q=银河路").text
    assert site.name in found and other.name in found
    nothing = client.get("/stations/?q=不存在的地方")
    assert nothing.status_code == 200 and site.name not in nothing.text


def test_directory_tolerates_long_or_odd_queries(client, site):
    assert client.get("/stations/?q=" + "长" * 500).status_code == 200
    assert client.get("/stations/?q=%00%27%22<script>").status_code == 200


def test_site_page_shows_representatives_and_code(client, site, representative):
    code = qr_code_create(site=site)
    response = client.get(site.get_absolute_url())
    assert response.status_code == 200
    assert representative.name in response.text
    assert f"/qr/{code.token}.png" in response.text
    assert f"/q/{code.token}/poster/" in response.text


def test_inactive_or_unknown_site_and_representative_are_404(client, site, representative):
    site.is_active = False
    site.save()
    representative.is_active = False
    representative.save()
    assert client.get(site.get_absolute_url()).status_code == 404
    assert client.get(representative.get_absolute_url()).status_code == 404
    assert client.get("/stations/999999/").status_code == 404
    assert site.name not in client.get("/stations/").text


def test_qr_svg_and_unknown_format(client, site):
    code = qr_code_create(site=site)
    svg = client.get(f"/qr/{code.token}.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert client.get(f"/qr/{code.token}.gif").status_code == 404


def test_poster_has_name_qr_and_promise(client, representative):
    code = qr_code_create(representative=representative)
    response = client.get(f"/q/{code.token}/poster/")
    assert response.status_code == 200
    assert representative.name in response.text
    assert "<svg" in response.text
    assert "@page" not in response.text  # print rules live in the stylesheet


def _decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    return results[0].text


def test_qr_images_on_the_demo_network_decode_to_their_own_intake_page(client, settings):
    """The public pages of the seeded Karamay network, a fixed sample of its sites and of its
    representatives: the QR image decodes (zxing-cpp) to an absolute URL that resolves to the
    intake of that very site or representative. (All ~950 images took 40 s; the images are
    drawn alike from their tokens, which test_network checks are there, one per target.)"""
    settings.PUBLIC_BASE_URL = "http://testserver"
    network_seed(with_accounts=False, password="unused-password")
    sites = list(LiaisonSite.objects.order_by("name"))
    representatives = list(Representative.objects.order_by("level", "delegation", "name"))
    assert len(sites) + len(representatives) > 900
    draw = random.Random(950)
    sample = draw.sample(sites, 30) + draw.sample(representatives, 30)
    tokens = set()
    for target in sample:
        url = target.get_absolute_url()
        page = client.get(url)
        assert page.status_code == 200, url
        (src,) = re.findall(r'<img src="(/qr/[^"]+\.png)"', page.text)
        decoded = _decode(client.get(src).content)
        assert decoded.startswith("http://testserver/q/"), decoded
        path = decoded.removeprefix("http://testserver")
        match = resolve(path)
        assert match.view_name == "feedback:intake", decoded
        assert qr_token_resolve(match.kwargs["token"]).target == target, (url, decoded)
        tokens.add(match.kwargs["token"])
        intake = client.get(path)
        assert intake.status_code == 200
        assert target.name in intake.text
    assert len(tokens) == len(sample)
