"""The audit log (issue 15): case events, contact reveals, sign-ins and failed ones, admin
changes, kept at least six months (sign-in and admin records purged after
``AUDIT_LOG_RETENTION_DAYS``; case events and reveals never) and exported for an auditor."""

import csv
import io
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessFailureLog, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.services.contact import submission_contact_reveal
from representatives.services.audit import audit_log_purge
from routing.models import CaseEvent, Category, Route
from tests.factories import PASSWORD
from tests.routing.helpers import PHONE, open_case, triage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_suggestion")]


def sign_in(client, username, password=PASSWORD):
    client.post("/accounts/login/", {"username": username, "password": password})
    client.logout()


def export(*args) -> list[dict]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_audit_log", *args, stdout=out, stderr=err)
    text = out.getvalue()
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def history(client, site, categories, committee_staff, administrator):
    """A case triaged by the clerk, who then saw the resident's number; the clerk's sign-in
    and a mistyped password; an administrator's change in the admin site."""
    sign_in(client, "committee")
    sign_in(client, "committee", "wrong-password")
    case = open_case(site.area, site=site, text='=HYPERLINK("http://x") 路灯不亮')
    triage(case, committee_staff, route=Route.DIRECT)
    submission_contact_reveal(submission=case.submissions.get(), user=committee_staff)
    LogEntry.objects.log_actions(
        administrator.pk,
        Category.objects.filter(slug="estate-property"),
        CHANGE,
        change_message="改了名称",
        single_object=True,
    )
    return case


def test_the_export_holds_every_kind_in_time_order_and_no_contact_details(history):
    rows = export()
    kinds = [r["类型"] for r in rows]
    for kind in ("案件事件", "查看联系方式", "登录", "登录失败", "后台修改"):
        assert kind in kinds, kind
    times = [r["时间"] for r in rows]
    assert times == sorted(times)
    reveal = next(r for r in rows if r["类型"] == "查看联系方式")
    assert reveal["账号"] == "committee"
    assert reveal["对象"] == f"C-{history.pk:06d} {history.submissions.get().tracking_code}"
    failed = next(r for r in rows if r["类型"] == "登录失败")
    assert failed["账号"] == "committee" and failed["IP 地址"] == "127.0.0.1"
    admin = next(r for r in rows if r["类型"] == "后台修改")
    assert admin["账号"] == "admin" and "改了名称" in admin["内容"]
    triaged = [r for r in rows if r["类型"] == "案件事件" and r["账号"] == "committee"]
    assert triaged and all(r["对象"] == f"C-{history.pk:06d}" for r in triaged)
    text = "\n".join(",".join(r.values()) for r in rows)
    assert PHONE not in text and "王秀兰" not in text


def test_a_period_is_exported_in_a_fixed_number_of_queries(history, site, committee_staff):
    with CaptureQueriesContext(connection) as few:
        small = export()
    for _ in range(3):
        case = open_case(site.area, site=site)
        triage(case, committee_staff, route=Route.DIRECT)
        submission_contact_reveal(submission=case.submissions.get(), user=committee_staff)
    with CaptureQueriesContext(connection) as more:
        large = export()
    assert len(large) > len(small) + 6
    assert len(more) == len(few)


def test_dates_choose_the_period_and_bad_dates_are_refused(history):
    today = timezone.localdate()
    assert export("--since", str(today), "--until", str(today))
    assert export("--until", str(today - timedelta(days=1))) == []
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        export("--since", "2026-13-01")
    with pytest.raises(CommandError, match="after"):
        export("--since", str(today), "--until", str(today - timedelta(days=2)))


def test_the_file_output_opens_in_excel_as_text(history, tmp_path):
    target = tmp_path / "audit.csv"
    call_command("export_audit_log", "--output", str(target), stderr=io.StringIO())
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode())
    assert "=HYPERLINK" not in raw.decode("utf-8").replace("'=HYPERLINK", "")


def test_sign_in_and_admin_records_go_after_the_retention_period_case_events_stay(
    client, settings, site, categories, committee_staff, administrator
):
    settings.AUDIT_LOG_RETENTION_DAYS = 400
    now = timezone.now()
    for days_ago in (430, 200):
        with time_machine.travel(now - timedelta(days=days_ago), tick=False):
            sign_in(client, "committee")
            sign_in(client, "committee", "wrong-password")
            case = open_case(site.area, site=site)
            submission_contact_reveal(submission=case.submissions.get(), user=committee_staff)
            LogEntry.objects.log_actions(
                administrator.pk, Category.objects.all()[:1], CHANGE, single_object=True
            )
    events = CaseEvent.objects.count()
    assert audit_log_purge(now=now) == 3
    cutoff = now - timedelta(days=400)
    for model, field in ((AccessLog, "attempt_time"), (AccessFailureLog, "attempt_time")):
        assert model.objects.count() == 1
        assert not model.objects.filter(**{f"{field}__lt": cutoff}).exists()
    assert LogEntry.objects.count() == 1
    assert CaseEvent.objects.count() == events  # the case history is never purged
    assert audit_log_purge(now=now) == 0


def test_the_purge_runs_daily_as_a_registered_task(settings):
    from liaison.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscovery
    entry = settings.CELERY_BEAT_SCHEDULE["purge-audit-log"]
    assert entry["task"] in app.tasks
    assert app.tasks[entry["task"]].delay().get() == 0  # nothing old: nothing deleted
