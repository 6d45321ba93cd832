"""routing 0010: rows written when supervision overwrote the route get their real route back,
and their supervision as an overlay."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("routing", "0009_case_held_by_unit"), ("reports", "0004_monthly_counts")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_supervised_rows_get_their_route_back():
    old = _migrate(BEFORE)
    Area = old.get_model("representatives", "Area")
    Category = old.get_model("routing", "Category")
    Unit = old.get_model("routing", "HandlingUnit")
    Case = old.get_model("routing", "Case")
    Event = old.get_model("routing", "CaseEvent")
    Decision = old.get_model("routing", "ClassificationDecision")
    Upward = old.get_model("routing", "UpwardReport")
    User = old.get_model("auth", "User")
    clerk = User.objects.create(username="clerk")
    city = Area.objects.create(code="650200", name="克拉玛依市", level="city", path="/1/")
    estate = Category.objects.create(slug="estate-property", name="物业", default_route="assign")
    heating = Category.objects.create(slug="heating", name="供暖", default_route="transfer")
    street_office = Unit.objects.create(name="银河路街道办事处", kind="street_office")
    department = Unit.objects.create(name="市住建局", kind="city_department")
    higher = Unit.objects.create(name="自治区人大常委会", kind="higher_congress")

    def case(**fields):
        return Case.objects.create(area=city, **{"status": "in_progress", **fields})

    # Chosen as "supervise" at triage and sent to the street office.
    at_triage = case(route="supervise", category=estate, unit=street_office, supervisor=clerk)
    Decision.objects.create(
        case=at_triage,
        actor=clerk,
        text="楼道燃气味",
        suggested_route="supervise",
        suggested_category="estate-property",
        route="supervise",
        category=estate,
        unit=street_office,
        deadline_level="complex",
        changed=False,
    )
    # A transfer escalated by the deadline sweep (no supervisor yet).
    escalated = case(route="supervise", category=heating, unit=department)
    Decision.objects.create(
        case=escalated,
        actor=clerk,
        text="暖气不热",
        suggested_route="transfer",
        route="transfer",
        category=heating,
        deadline_level="complex",
        changed=False,
    )
    escalation = Event.objects.create(case=escalated, kind="escalated", is_public=True)
    # A report supervised by staff after its upward submission.
    reported = case(route="supervise", category=heating, unit=higher, supervisor=clerk)
    Upward.objects.create(
        case=reported, body="自治区人大常委会", reference_number="1", reported_on="2026-01-05"
    )
    Event.objects.create(case=reported, kind="supervision", is_public=True)
    # Supervised before triage (route still empty); and an ordinary case.
    early = case(route="", status="new", supervisor=clerk)
    plain = case(route="assign", category=estate, unit=street_office)
    # A suggestion shown at triage that said "supervise".
    suggested = case(
        route="",
        status="new",
        suggestion={"route": "supervise", "category": "heating", "reasons": ["燃气味"]},
    )
    Case.objects.filter(pk=escalated.pk).update(updated_at=timezone.now() - timedelta(days=3))

    new = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    Case = new.get_model("routing", "Case")
    Decision = new.get_model("routing", "ClassificationDecision")

    def row(c):
        c = Case.objects.get(pk=c.pk)
        return c.route, c.supervision, c.supervision_reason

    assert row(at_triage) == ("assign", "active", "rule")
    assert row(escalated) == ("transfer", "requested", "overdue")
    assert Case.objects.get(pk=escalated.pk).supervised_since == escalation.created_at
    assert row(reported) == ("report", "active", "staff")
    assert row(early) == ("", "active", "staff")
    assert row(plain) == ("assign", "", "")
    assert Case.objects.get(pk=suggested.pk).suggestion == {
        "route": "transfer",
        "supervise": True,
        "category": "heating",
        "reasons": ["燃气味"],
    }
    decision = Decision.objects.get(case_id=at_triage.pk)
    assert (decision.route, decision.supervise) == ("assign", True)
    assert (decision.suggested_route, decision.suggested_supervise) == ("assign", True)
    assert not Case.objects.filter(route="supervise").exists()
