"""After seeding, the 公示 pages are not empty: a few closed demo cases published (their
residents agreed) and one plan announced, through the services; seeding again adds nothing."""

import pytest
from django.urls import reverse

from demo.cases import demo_cases_add
from demo.gongshi import demo_gongshi_fill
from demo.network import network_seed
from notices.models import Announcement, CasePublication

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_cases_and_announces_a_plan(client):
    network_seed(with_accounts=True, password="demo-password-for-tests")
    demo_cases_add(120, seed=7, through_services=True)
    done = demo_gongshi_fill()
    live = list(CasePublication.objects.select_related("case", "reply"))
    assert live, done
    for publication in live:
        assert all(s.publication_consent_at for s in publication.case.submissions.all())
        page = client.get(reverse("notices:community", args=[publication.case.area_id]))
        assert publication.reply.note in page.content.decode()
    announcement = Announcement.objects.get()
    assert announcement.comments_open
    assert demo_gongshi_fill() == []
    assert CasePublication.objects.count() == len(live) and Announcement.objects.count() == 1
