"""Supervision (督办) becomes an overlay on the route instead of a route of its own.

Rows written before kept ``route = "supervise"`` and lost the route the case really follows.
It is recovered from what the case went through, most telling first: an upward report or the
higher-level standing committee as its unit (report); the latest staff decision that chose
another route; the unit it was sent to (a street office or township: assign; a department or
the city government office: transfer); the category's default route; transfer. The
supervision itself becomes ``supervision`` (active with a supervisor, requested without),
since the first supervision or escalation event, for the reason that event gives. The event
log is left as it was: it says what happened when it happened.
"""

from django.conf import settings
from django.db import migrations, models

STREET_KINDS = {"street_office", "township_government"}
CITY_KINDS = {
    "city_department",
    "city_government_office",
    "supervisory_commission",
    "court",
    "procuratorate",
}
ROUTES = {"direct", "assign", "transfer", "report"}


def _route_from_unit(unit, category, default="transfer"):
    if unit is not None and unit.kind == "higher_congress":
        return "report"
    if unit is not None and unit.kind in STREET_KINDS:
        return "assign"
    if unit is not None and unit.kind in CITY_KINDS:
        return "transfer"
    if category is not None and category.default_route in ROUTES:
        return category.default_route
    return default


def recover_routes(apps, schema_editor):
    Case = apps.get_model("routing", "Case")
    CaseEvent = apps.get_model("routing", "CaseEvent")
    Category = apps.get_model("routing", "Category")
    Decision = apps.get_model("routing", "ClassificationDecision")
    UpwardReport = apps.get_model("routing", "UpwardReport")
    categories = {c.pk: c for c in Category.objects.all()}
    by_slug = {c.slug: c for c in categories.values()}

    supervised = Case.objects.filter(models.Q(route="supervise") | models.Q(supervisor__isnull=False))
    for case in supervised.select_related("unit").iterator(chunk_size=2000):
        events = CaseEvent.objects.filter(
            case_id=case.pk, kind__in=["supervision", "escalated"]
        ).order_by("created_at", "pk")
        first = events.first()
        if case.route == "supervise":
            earlier = (
                Decision.objects.filter(case_id=case.pk)
                .exclude(route="supervise")
                .order_by("-created_at", "-pk")
                .first()
            )
            if UpwardReport.objects.filter(case_id=case.pk).exists():
                case.route = "report"
            elif earlier is not None:
                case.route = earlier.route
            else:
                case.route = _route_from_unit(case.unit, categories.get(case.category_id))
        chosen_at_triage = Decision.objects.filter(case_id=case.pk, route="supervise").first()
        if events.filter(kind="escalated").exists():
            case.supervision_reason = "overdue"
        elif chosen_at_triage is not None:
            case.supervision_reason = "rule"
        else:
            case.supervision_reason = "staff"
        case.supervision = "active" if case.supervisor_id else "requested"
        case.supervised_since = (
            first.created_at
            if first is not None
            else chosen_at_triage.created_at
            if chosen_at_triage is not None
            else case.updated_at
        )
        case.save(update_fields=["route", "supervision", "supervision_reason", "supervised_since"])

    for decision in Decision.objects.filter(
        models.Q(route="supervise") | models.Q(suggested_route="supervise")
    ).select_related("unit", "category"):
        if decision.route == "supervise":
            decision.route = _route_from_unit(decision.unit, decision.category)
            decision.supervise = True
        if decision.suggested_route == "supervise":
            decision.suggested_route = _route_from_unit(
                None, by_slug.get(decision.suggested_category)
            )
            decision.suggested_supervise = True
        decision.save(
            update_fields=["route", "supervise", "suggested_route", "suggested_supervise"]
        )

    # What staff see at triage: the classifier's suggestion names the base route and whether
    # supervision is called for.
    for case in Case.objects.filter(suggestion__route="supervise").only("pk", "suggestion"):
        suggestion = dict(case.suggestion)
        category = by_slug.get(suggestion.get("category", ""))
        suggestion["route"] = _route_from_unit(None, category)
        suggestion["supervise"] = True
        case.suggestion = suggestion
        case.save(update_fields=["suggestion"])


def restore_supervise_routes(apps, schema_editor):
    """Back to the old meaning: a supervised case's route is "supervise" (the real route is
    lost again)."""
    Case = apps.get_model("routing", "Case")
    Decision = apps.get_model("routing", "ClassificationDecision")
    Case.objects.exclude(supervision="").exclude(route="").update(route="supervise")
    Decision.objects.filter(supervise=True).update(route="supervise")
    Decision.objects.filter(suggested_supervise=True).update(suggested_route="supervise")
    for case in Case.objects.filter(suggestion__supervise=True).only("pk", "suggestion"):
        case.suggestion = {**case.suggestion, "route": "supervise"}
        case.save(update_fields=["suggestion"])


class Migration(migrations.Migration):

    dependencies = [
        ('representatives', '0004_receptionday'),
        ('routing', '0009_case_held_by_unit'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='case',
            name='case_route_valid',
        ),
        migrations.RemoveIndex(
            model_name='case',
            name='case_open_by_area',
        ),
        migrations.AddField(
            model_name='case',
            name='supervised_since',
            field=models.DateTimeField(blank=True, null=True, verbose_name='supervised since'),
        ),
        migrations.AddField(
            model_name='case',
            name='supervision',
            field=models.CharField(blank=True, choices=[('', 'Not supervised'), ('requested', 'Waiting for a supervisor'), ('active', 'Under supervision')], editable=False, max_length=10, verbose_name='supervision'),
        ),
        migrations.AddField(
            model_name='case',
            name='supervision_reason',
            field=models.CharField(blank=True, choices=[('rule', 'Hazard, wage arrears, many households or repeated complaints'), ('overdue', 'Overdue'), ('dissatisfied_again', 'Second dissatisfied rating'), ('instruction', "Leader's instruction"), ('staff', "Committee staff's decision")], max_length=20, verbose_name='supervised because'),
        ),
        migrations.AddField(
            model_name='classificationdecision',
            name='suggested_supervise',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='classificationdecision',
            name='supervise',
            field=models.BooleanField(default=False, help_text='Staff put the case under supervision.'),
        ),
        migrations.RunPython(recover_routes, restore_supervise_routes, elidable=False),
        migrations.AlterField(
            model_name='case',
            name='route',
            field=models.CharField(blank=True, choices=[('direct', 'Direct reply'), ('assign', 'Hand-off to street/township'), ('transfer', 'Transfer to a city department'), ('report', 'Report upward')], max_length=12, verbose_name='route'),
        ),
        migrations.AlterField(
            model_name='category',
            name='default_route',
            field=models.CharField(choices=[('direct', 'Direct reply'), ('assign', 'Hand-off to street/township'), ('transfer', 'Transfer to a city department'), ('report', 'Report upward')], max_length=12, verbose_name='default route'),
        ),
        migrations.AlterField(
            model_name='classificationdecision',
            name='changed',
            field=models.BooleanField(help_text='Staff changed the suggested route, supervision or category.'),
        ),
        migrations.AlterField(
            model_name='classificationdecision',
            name='route',
            field=models.CharField(choices=[('direct', 'Direct reply'), ('assign', 'Hand-off to street/township'), ('transfer', 'Transfer to a city department'), ('report', 'Report upward')], max_length=12),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('status__in', ['dispatched', 'in_progress', 'new', 'reopened', 'replied', 'responded', 'returned', 'triaged', 'under_review'])), fields=['area'], include=('id', 'status', 'resolve_by', 'supervision'), name='case_open_by_area'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.CheckConstraint(condition=models.Q(('route', ''), ('route__in', ['direct', 'assign', 'transfer', 'report']), _connector='OR'), name='case_route_valid'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('supervised_since__isnull', True), ('supervision', ''), ('supervision_reason', ''), ('supervisor__isnull', True)), models.Q(('supervised_since__isnull', False), ('supervision', 'requested'), ('supervisor__isnull', True)), models.Q(('supervised_since__isnull', False), ('supervision', 'active'), ('supervisor__isnull', False)), _connector='OR'), name='case_supervision_consistent'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.CheckConstraint(condition=models.Q(('supervision', ''), models.Q(('supervision_reason', ''), _negated=True), _connector='OR'), name='case_supervision_has_reason'),
        ),
    ]
