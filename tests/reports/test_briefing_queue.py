"""Staff's "compile" button hands the work to the reports queue (issue 16: a city-wide quarter
at a million cases takes longer than a request should); the draft says it is being compiled
until a worker has done it. Here the task waits on a real broker's queue (in memory without
Redis, Redis's own list with it) and is then run as the worker would run it."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from reports.models import Briefing, BriefingVersion
from reports.services.briefing import COMPILE_RETRY_AFTER
from reports.tasks import compile_requested_briefings_task

pytestmark = pytest.mark.django_db

PREFIX = f"test-queued-{os.getpid()}-"


@pytest.fixture
def no_worker(settings):
    """Tasks are sent to a queue of this test's own and wait there: nobody consumes it."""
    from liaison.celery import app

    previous = app.conf.task_always_eager, app.conf.get("queue_prefix", "")
    app.conf.task_always_eager = False
    app.conf.queue_prefix = PREFIX
    yield
    app.conf.task_always_eager, app.conf.queue_prefix = previous
    if settings.REDIS_URL:
        import redis

        redis.Redis.from_url(settings.REDIS_URL).delete(PREFIX + "reports")


def _compile(client, area):
    return client.post(
        "/reports/briefings/compile/", {"period": "2026Q3", "area": area.pk}, follow=True
    )


def test_the_button_queues_the_compile_and_the_draft_says_so(
    client, committee_staff, quarter, areas, no_worker
):
    client.force_login(committee_staff)
    page = _compile(client, areas[0])
    briefing = Briefing.objects.get()
    assert page.redirect_chain == [(f"/reports/briefings/{briefing.pk}/", 302)]
    assert briefing.compiled_at is None and briefing.compiling
    assert briefing.compile_requested_by == committee_staff
    # Nothing to edit yet: the page says so and reloads itself (no script needed).
    assert "正在根据当前办件数据汇总" in page.text
    assert '<meta http-equiv="refresh" content="15">' in page.text
    assert "一、总体情况" not in page.text and "印发" not in page.text
    listing = client.get("/reports/briefings/")
    assert "汇总中" in listing.text
    pdf = client.get(f"/reports/briefings/{briefing.pk}/draft.pdf")
    assert pdf.status_code == 302 and pdf["Location"] == f"/reports/briefings/{briefing.pk}/"
    refused = client.post(
        f"/reports/briefings/{briefing.pk}/issue/",
        {"title": "三季度专报", "overview_text": "概述", "confirm": "on"},
    )
    assert refused.status_code == 400 and "正在根据当前办件数据汇总" in refused.text
    assert not BriefingVersion.objects.exists()

    assert compile_requested_briefings_task() == 1  # what the worker on `reports` runs

    briefing.refresh_from_db()
    assert not briefing.compiling and briefing.compiled_by == committee_staff
    assert briefing.overview_text  # a first compile writes the generated overview
    draft = client.get(f"/reports/briefings/{briefing.pk}/")
    assert "一、总体情况" in draft.text and "refresh" not in draft.text
    assert "汇总中" not in client.get("/reports/briefings/").text
    assert compile_requested_briefings_task() == 0


def test_pressing_again_while_it_waits_asks_once_until_the_request_is_stale(
    client, committee_staff, quarter, areas, no_worker
):
    client.force_login(committee_staff)
    _compile(client, areas[0])
    asked_at = Briefing.objects.get().compile_requested_at
    again = _compile(client, areas[0])
    assert "数据已在汇总中" in again.text
    assert Briefing.objects.get().compile_requested_at == asked_at
    # A worker died with it: after a while the button asks anew.
    Briefing.objects.update(compile_requested_at=asked_at - COMPILE_RETRY_AFTER)
    _compile(client, areas[0])
    assert Briefing.objects.get().compile_requested_at > asked_at - COMPILE_RETRY_AFTER


def test_a_recompile_keeps_the_draft_readable_and_what_staff_write_meanwhile(
    client, committee_staff, quarter, areas, no_worker
):
    from reports.periods import Period
    from reports.services.briefing import briefing_compile

    compiled_at = timezone.now() - timedelta(days=1)
    briefing = briefing_compile(period=Period.parse("2026Q3"), area=areas[0], at=compiled_at)
    client.force_login(committee_staff)
    page = client.post(f"/reports/briefings/{briefing.pk}/recompile/", follow=True)
    assert "数据正在重新汇总" in page.text and "一、总体情况" in page.text
    assert "重新汇总数据</button>" not in page.text  # no second button while it waits
    saved = client.post(
        f"/reports/briefings/{briefing.pk}/",
        {
            "title": "三季度专报",
            "overview_text": "汇编时写的概述",
            "hot_text": "",
            "proposals_text": "",
        },
    )
    assert saved.status_code == 302
    refused = client.post(
        f"/reports/briefings/{briefing.pk}/issue/",
        {"title": "三季度专报", "overview_text": "汇编时写的概述", "confirm": "on"},
    )
    assert "汇总完成后再印发" in refused.text and "汇编时写的概述" in refused.text

    assert compile_requested_briefings_task() == 1

    briefing.refresh_from_db()
    assert briefing.compiled_at > compiled_at and briefing.overview_text == "汇编时写的概述"
    issued = client.post(
        f"/reports/briefings/{briefing.pk}/issue/",
        {"title": "三季度专报", "overview_text": "汇编时写的概述", "confirm": "on"},
    )
    assert issued.status_code == 302 and BriefingVersion.objects.count() == 1


def test_a_compile_that_never_finished_can_be_asked_for_again(
    client, committee_staff, quarter, areas, no_worker
):
    client.force_login(committee_staff)
    _compile(client, areas[0])
    briefing = Briefing.objects.get()
    # The worker died with it: after a while the page says so and offers the button again.
    Briefing.objects.update(
        compile_requested_at=briefing.compile_requested_at - COMPILE_RETRY_AFTER
    )
    page = client.get(f"/reports/briefings/{briefing.pk}/")
    assert "没有完成" in page.text and "refresh" not in page.text
    assert f"/reports/briefings/{briefing.pk}/recompile/" in page.text
    again = client.post(f"/reports/briefings/{briefing.pk}/recompile/", follow=True)
    assert "正在根据当前办件数据汇总" in again.text
    assert compile_requested_briefings_task() == 1
    assert "一、总体情况" in client.get(f"/reports/briefings/{briefing.pk}/").text


def test_a_draft_whose_compile_fails_does_not_hold_up_the_others(
    committee_staff, quarter, areas, no_worker
):
    from reports.periods import Period
    from reports.services.briefing import briefing_compile_request, briefings_compile_requested

    broken, _asked = briefing_compile_request(
        period=Period.parse("2026Q3"), area=areas[0], actor=committee_staff
    )
    Briefing.objects.filter(pk=broken.pk).update(period="not-a-period")  # cannot be compiled
    fine, _asked = briefing_compile_request(
        period=Period.parse("2026Q2"), area=areas[0], actor=committee_staff
    )
    assert briefings_compile_requested() == 1
    assert not Briefing.objects.get(pk=fine.pk).compiling
    assert Briefing.objects.get(pk=broken.pk).compiling  # left for the next round, logged
