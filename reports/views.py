"""Dashboards for committee staff and leaders, scoped to their area (DESIGN section 6).

Anybody else gets a 404; an area outside the user's own is refused by the form. Figures
come from ``reports.dashboard`` (the roll-up or the rows: a fixed number of queries)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from common.replica import replica_reads
from reports.context import dashboard_context
from reports.dashboard import dashboard_figures
from reports.exports import tables, to_csv, to_xlsx
from reports.forms import DashboardForm
from reports.selectors import reporting_scope


def _figures(request):
    scope = reporting_scope(request.user)
    if scope is None:
        raise Http404
    form = DashboardForm(request.GET or None, scope=scope)
    if request.GET and not form.is_valid():
        return form, None
    if request.GET:
        period, area = form.chosen_period(), form.cleaned_data["area"]
    else:
        period, area = form.quarters[0], scope
    return form, dashboard_figures(period, area)


@require_GET
@login_required
@replica_reads()
def dashboard(request):
    form, figures = _figures(request)
    if figures is None:
        return render(request, "reports/dashboard.html", {"form": form}, status=400)
    context = dashboard_context(figures)
    context.update(form=form, query=request.GET.urlencode())
    return render(request, "reports/dashboard.html", context)


@require_GET
@login_required
@replica_reads()
def export(request, table: str, fmt: str):
    form, figures = _figures(request)
    if figures is None:
        return render(request, "reports/dashboard.html", {"form": form}, status=400)
    available = tables(figures)
    if table == "all" and fmt == "xlsx":
        sheets = list(available.values())
    elif table in available:
        sheets = [available[table]]
    else:
        raise Http404
    name = f"liaison-{table}-{figures['period']['key']}".replace("..", "_")
    if fmt == "csv":
        _title, headers, rows = sheets[0]
        response = HttpResponse(to_csv(headers, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            to_xlsx(sheets),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
