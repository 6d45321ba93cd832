"""The large-text switch (适老化, issue 17.5): a form on every page, a cookie, no script."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_switch_sets_a_cookie_and_goes_back_to_the_page(client, areas):
    response = client.post("/display/", {"display": "large", "next": "/stations/?q=1"})
    assert response.status_code == 302 and response["Location"] == "/stations/?q=1"
    cookie = response.cookies["display"]
    assert cookie.value == "large" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    page = client.get("/stations/")
    assert '<html lang="zh-CN" dir="ltr" class="large-text">' in page.text
    assert 'name="display" value="standard"' in page.text  # the way back
    client.post("/display/", {"display": "standard", "next": "/"})
    assert 'class="large-text"' not in client.get("/").text


def test_the_switch_is_on_every_page_and_works_for_signed_in_staff_too(client, committee_staff):
    for url in ("/", "/stations/", "/track/", "/accounts/login/"):
        assert 'action="/display/"' in client.get(url).text, url
    client.force_login(committee_staff)
    assert 'action="/display/"' in client.get("/work/").text


@pytest.mark.parametrize(
    "back", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", ""]
)
def test_it_never_sends_anyone_elsewhere(client, back):
    response = client.post("/display/", {"display": "large", "next": back})
    assert response.status_code == 302 and response["Location"] == "/"


def test_an_unknown_choice_changes_nothing_and_a_get_is_refused(client):
    response = client.post("/display/", {"display": "tiny", "next": "/"})
    assert response.status_code == 302 and "display" not in response.cookies
    assert client.get("/display/").status_code == 405
