"""``/stations/`` grouped by district and street in collapsed ``<details>`` (issue 14, point 16).

The assertions read names and structure, not the new UI strings (their Chinese is added to the
catalogue separately).
"""

import re

import pytest
from django.test.html import Element, parse_html

from demo.network import network_seed
from representatives.models import Area, LiaisonSite
from representatives.selectors import (
    group_sites_by_district_and_street,
    site_list_for_directory,
)
from tests.factories import AreaFactory, RepresentativeFactory, SiteFactory

pytestmark = pytest.mark.django_db


# -- a small reader for the rendered page -------------------------------------------------------


def _walk(node):
    for child in getattr(node, "children", []):
        if isinstance(child, Element):
            yield child
            yield from _walk(child)


def _text(node) -> str:
    if isinstance(node, str):
        return node
    return "".join(_text(child) for child in node.children)


def _classes(node) -> set[str]:
    return set((dict(node.attributes).get("class") or "").split())


def _main(response):
    html = response.content.decode()
    return parse_html(html[html.index("<main") : html.index("</main>") + len("</main>")])


def _groups(root, kind):
    """The ``details.<kind>`` elements in document order."""
    return [n for n in _walk(root) if n.name == "details" and kind in _classes(n)]


def _summary(details):
    return next(c for c in details.children if isinstance(c, Element) and c.name == "summary")


def _heading(details, level):
    return _text(next(n for n in _walk(_summary(details)) if n.name == f"h{level}")).strip()


def _count(details) -> int:
    span = next(n for n in _walk(_summary(details)) if "group-count" in _classes(n))
    return int(re.search(r"\d+", _text(span)).group())


def _is_open(details) -> bool:
    return "open" in dict(details.attributes)


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def network(db):
    """Two districts created out of code order, each with streets created out of code order,
    plus sites at city, district, street and community level."""
    city = AreaFactory(code="650200", name="克拉玛依市", level=Area.Level.CITY)
    wuerhe = AreaFactory(code="650205", name="乌尔禾区", level=Area.Level.DISTRICT, parent=city)
    karamay = AreaFactory(code="650203", name="克拉玛依区", level=Area.Level.DISTRICT, parent=city)
    yinhe = AreaFactory(code="650203004", name="银河路街道", level="street", parent=karamay)
    tianshan = AreaFactory(code="650203001", name="天山路街道", level="street", parent=karamay)
    urho = AreaFactory(code="650205001", name="乌尔禾镇", level="township", parent=wuerhe)

    def community(street, code, name):
        return AreaFactory(code=code, name=name, level="community", parent=street)

    sites = {
        "city": SiteFactory(area=city, name="市人大常委会联络站", kind="home"),
        "karamay": SiteFactory(area=karamay, name="克拉玛依区人大代表之家", kind="home"),
        "yinhe": SiteFactory(area=yinhe, name="银河路街道联络站", kind="station"),
        "xiangyang": SiteFactory(
            area=community(yinhe, "650203004001", "向阳北社区"), name="向阳北社区联络点"
        ),
        "nanyuan": SiteFactory(
            area=community(yinhe, "650203004002", "南苑社区"), name="南苑社区联络点"
        ),
        "tianshan": SiteFactory(
            area=community(tianshan, "650203001001", "昆仑社区"), name="昆仑社区联络点"
        ),
        "urho": SiteFactory(area=community(urho, "650205001001", "和平村"), name="和平村联络点"),
    }
    RepresentativeFactory(name="张建国（演示）").sites.add(sites["xiangyang"])
    return sites


# -- grouping -----------------------------------------------------------------------------------


def test_groups_districts_in_code_order_and_streets_within(network):
    groups = group_sites_by_district_and_street(list(site_list_for_directory()))
    assert [g.district.name if g.district else None for g in groups] == [
        None,  # city-wide first
        "克拉玛依区",
        "乌尔禾区",
    ]
    karamay = groups[1]
    assert [s.street.name if s.street else None for s in karamay.streets] == [
        None,  # the district's own site, ahead of its streets
        "天山路街道",
        "银河路街道",
    ]
    assert [site.name for site in karamay.streets[2].sites][0] == "银河路街道联络站"
    assert [g.count for g in groups] == [1, 5, 1]
    assert [s.count for s in karamay.streets] == [1, 1, 3]
    assert sum(g.count for g in groups) == LiaisonSite.objects.count()


def test_page_renders_the_groups_collapsed_in_order_with_counts(client, network):
    main = _main(client.get("/stations/"))
    districts = _groups(main, "district")
    assert [_heading(d, 2) for d in districts[1:]] == ["克拉玛依区", "乌尔禾区"]
    assert [_count(d) for d in districts] == [1, 5, 1]
    assert not any(_is_open(d) for d in districts)
    streets = _groups(districts[1], "street")
    assert [_heading(s, 3) for s in streets] == ["天山路街道", "银河路街道"]
    assert [_count(s) for s in streets] == [1, 3]
    assert not any(_is_open(s) for s in streets)
    # The township is a street-level group of its district; the district's only group, it
    # opens with the district (one tap, not two).
    (urho,) = _groups(districts[2], "street")
    assert _heading(urho, 3) == "乌尔禾镇" and _is_open(urho)
    # Headings: one h1, then h2 per district and h3 per street, all inside their summaries.
    assert len([n for n in _walk(main) if n.name == "h1"]) == 1
    assert len([n for n in _walk(main) if n.name == "h2"]) == len(districts)


def test_without_javascript_every_site_link_is_in_the_html_inside_its_groups(client, network):
    response = client.get("/stations/")
    assert b"<script" not in response.content.split(b"<main", 1)[1]
    main = _main(response)
    districts = _groups(main, "district")
    karamay, wuerhe = districts[1], districts[2]
    yinhe = _groups(karamay, "street")[1]
    hrefs = {
        _text(n).strip(): dict(n.attributes)["href"]
        for n in _walk(yinhe)
        if n.name == "a" and "site-name" in {c for x in _walk(n) for c in _classes(x)}
    }
    assert hrefs == {
        site.name: site.get_absolute_url()
        for site in (network["yinhe"], network["xiangyang"], network["nanyuan"])
    }
    # The district's own site sits in the district, outside any street group.
    assert network["karamay"].name in _text(karamay)
    assert not any(network["karamay"].name in _text(s) for s in _groups(karamay, "street"))
    assert network["urho"].name in _text(wuerhe)
    assert network["urho"].name not in _text(karamay)
    # Every active site appears exactly once.
    text = _text(main)
    for site in network.values():
        assert text.count(site.name) == 1, site.name


def test_a_search_shows_the_matches_with_their_groups_open(client, network):
    response = client.get("/stations/", {"q": "向阳北"})
    assert response.status_code == 200
    main = _main(response)
    groups = _groups(main, "directory-group")
    assert groups and all(_is_open(g) for g in groups)
    assert [_heading(d, 2) for d in _groups(main, "district")] == ["克拉玛依区"]
    assert [_heading(s, 3) for s in _groups(main, "street")] == ["银河路街道"]
    assert network["xiangyang"].name in _text(main)
    assert network["nanyuan"].name not in _text(main)
    # The search form stays on top, before the first group, and keeps the query.
    html = response.content.decode()
    assert html.index('role="search"') < html.index("<details")
    assert 'value="向阳北"' in html

    # A representative's name finds the site too, with its groups open.
    main = _main(client.get("/stations/", {"q": "张建国"}))
    assert all(_is_open(g) for g in _groups(main, "directory-group"))
    assert network["xiangyang"].name in _text(main)


def test_the_only_group_is_open(client, site):
    """One district with one street: nothing to choose between, so nothing to tap."""
    main = _main(client.get("/stations/"))
    groups = _groups(main, "directory-group")
    assert len(groups) == 2 and all(_is_open(g) for g in groups)
    assert site.name in _text(main)


def test_nothing_found_is_a_message_not_an_empty_page(client, network):
    response = client.get("/stations/", {"q": "不存在的地方"})
    assert response.status_code == 200
    main = _main(response)
    assert not _groups(main, "directory-group")
    assert [n for n in _walk(main) if dict(n.attributes).get("role") == "status"]
    assert len([n for n in _walk(main) if n.name == "p"]) >= 3  # lead, status, no-match


@pytest.mark.parametrize(
    "query",
    [
        "长" * 500,
        "a" * 51,
        "\x00",
        "向阳北\x00",
        "'\"<script>alert(1)</script>",
        "%",
        "_",
        "   ",
        "😀🏠",
        "\u202e北阳向",
        "../../etc/passwd",
    ],
)
def test_long_or_odd_searches_answer_200_with_a_message(client, network, query):
    response = client.get("/stations/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    main = _main(response)
    errors = [n for n in _walk(main) if "errorlist" in _classes(n)]
    status = [n for n in _walk(main) if dict(n.attributes).get("role") == "status"]
    if len(query) > 50 or "\x00" in query:
        # Refused with the form's message; the whole directory shows, collapsed.
        assert errors, query
        districts = _groups(main, "district")
        assert len(districts) == 3 and not any(_is_open(d) for d in districts)
    elif query.strip():
        assert status, query  # "N sites found for …", possibly none
    else:
        assert not errors and not status


def test_query_count_is_fixed_on_the_seeded_network(client, queries):
    network_seed(with_accounts=False, password="x")
    active = LiaisonSite.objects.filter(is_active=True).count()
    assert active > 100
    with queries(2):  # the sites with their areas; their representatives
        response = client.get("/stations/")
    main = _main(response)
    districts = _groups(main, "district")
    assert sum(_count(d) for d in districts) == active
    assert not any(_is_open(g) for g in _groups(main, "directory-group"))
    codes = [
        Area.objects.get(name=_heading(d, 2), level=Area.Level.DISTRICT).code for d in districts[1:]
    ]
    assert codes == sorted(codes)
    for district in districts:
        streets = _groups(district, "street")
        names = [_heading(s, 3) for s in streets]
        street_codes = [Area.objects.get(name=n, parent__level="district").code for n in names]
        assert street_codes == sorted(street_codes)
        assert sum(_count(s) for s in streets) <= _count(district)
    with queries(2):
        response = client.get("/stations/", {"q": "长征"})
    assert all(_is_open(g) for g in _groups(_main(response), "directory-group"))
