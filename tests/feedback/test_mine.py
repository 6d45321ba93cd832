"""我的意见 (issue 17.4): a resident lists their own opinions by the number they gave, after
a one-time code texted through the outbox. The answer never tells whether a number is known;
codes expire, allow five tries, work once; asking is rate-limited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import PhoneLookup, Submission
from notifications.messages import render_sms
from notifications.models import Notification
from tests.feedback.helpers import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]

PHONE = "13912345678"


@pytest.fixture
def mine(client, site_code, site):
    """Two opinions given with PHONE (written differently), one with another number."""
    for phone, text in [
        (PHONE, "小区北门的路灯坏了一个多月，晚上出门很不安全。"),
        ("139 1234 5678", "楼道里堆满杂物，消防通道被堵住了。"),
        ("13800138000", "别人的意见，不应出现在我的列表里。"),
    ]:
        client.post(
            site_code.get_absolute_url(),
            form_data(site.area, text=text, contact_phone=phone, consent="on"),
        )
    assert Submission.objects.count() == 3
    return client


def _code() -> str:
    sms = Notification.objects.filter(template="lookup_code").latest("pk")
    return render_sms(sms).split("验证码是")[1][:6]


def test_the_code_shows_the_residents_own_opinions_and_no_others(mine):
    asked = mine.post("/mine/", {"phone": "+86 139-1234-5678"}, follow=True)
    assert asked.redirect_chain[-1][0] == "/mine/code/"
    assert "如果这个号码留过意见" in asked.text
    sms = Notification.objects.get(template="lookup_code")
    assert sms.channel == "sms" and PHONE not in sms.note
    listed = mine.post("/mine/code/", {"code": _code()}, follow=True)
    assert listed.redirect_chain[-1][0] == "/mine/list/"
    assert "路灯坏了" in listed.text and "楼道里堆满杂物" in listed.text
    assert "别人的意见" not in listed.text
    own = Submission.objects.filter(contact_phone_hash=sms.submission.contact_phone_hash)
    for s in own:
        assert f"/track/{s.tracking_code}/{s.secret}/" in listed.text
    # Done: the number is forgotten on this phone.
    mine.post("/mine/leave/")
    assert mine.get("/mine/list/")["Location"] == "/mine/"


def test_an_unknown_number_gets_the_same_answer_and_no_text(mine):
    known = mine.post("/mine/", {"phone": PHONE}, follow=True)
    unknown = mine.post("/mine/", {"phone": "13700000000"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert known.status_code == unknown.status_code == 200
    assert Notification.objects.filter(template="lookup_code").count() == 1
    # No code can open the unknown number's look-up.
    assert mine.post("/mine/code/", {"code": "000000"}).status_code == 400


def test_a_code_works_once_within_ten_minutes_and_five_tries(mine):
    mine.post("/mine/", {"phone": PHONE})
    code = _code()
    for _ in range(5):
        wrong = mine.post("/mine/code/", {"code": "000000" if code != "000000" else "111111"})
        assert wrong.status_code == 400 and "验证码不正确或已失效" in wrong.text
    assert mine.post("/mine/code/", {"code": code}).status_code == 400  # the tries are spent
    mine.post("/mine/", {"phone": PHONE})
    PhoneLookup.objects.filter(used_at__isnull=True).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )
    assert mine.post("/mine/code/", {"code": _code()}).status_code == 400  # expired
    mine.post("/mine/", {"phone": PHONE})
    code = _code()
    assert mine.post("/mine/code/", {"code": code}).status_code == 302
    other = mine.__class__()
    other.post("/mine/", {"phone": "13800138000"})
    lookup = PhoneLookup.objects.latest("pk")
    # A spent code does not open another session's look-up either.
    assert other.post("/mine/code/", {"code": code}).status_code == 400
    assert lookup.used_at is None


def test_bad_numbers_are_refused_by_the_field_and_asking_is_limited(mine, settings):
    bad = mine.post("/mine/", {"phone": "12345"})
    assert (
        bad.status_code == 400 and "请输入11位手机号码" in bad.text and 'value="12345"' in bad.text
    )
    assert mine.get("/mine/code/").status_code == 302  # no look-up in this session yet
    assert mine.get("/mine/list/")["Location"] == "/mine/"
    settings.MINE_RATE = "2/h"
    for _ in range(2):
        mine.post("/mine/", {"phone": PHONE})
    limited = mine.post("/mine/", {"phone": PHONE})
    assert limited.status_code == 429 and "分钟后再试" in limited.text


def test_one_number_gets_at_most_three_texts_an_hour(mine):
    for _ in range(5):
        mine.post("/mine/", {"phone": PHONE})
    assert Notification.objects.filter(template="lookup_code").count() == 3
