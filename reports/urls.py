from django.urls import path, re_path

from reports import views
from reports import views_briefing as b
from reports import views_suggestions as sg

app_name = "reports"

urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    re_path(r"^reports/export/(?P<table>[a-z_]+)\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
]

urlpatterns += [
    path("reports/briefings/", b.briefing_list, name="briefing-list"),
    path("reports/briefings/compile/", b.briefing_compile_view, name="briefing-compile"),
    path("reports/briefings/<int:pk>/", b.briefing_draft, name="briefing-draft"),
    path("reports/briefings/<int:pk>/recompile/", b.briefing_recompile, name="briefing-recompile"),
    path("reports/briefings/<int:pk>/issue/", b.briefing_issue_view, name="briefing-issue"),
    path("reports/briefings/<int:pk>/draft.pdf", b.briefing_draft_pdf, name="briefing-draft-pdf"),
    path("reports/briefings/<int:pk>/v<int:number>/", b.briefing_version, name="briefing-version"),
    path(
        "reports/briefings/<int:pk>/v<int:number>.pdf",
        b.briefing_version_pdf,
        name="briefing-version-pdf",
    ),
    path(
        "reports/briefings/<int:pk>/v<int:number>.xlsx",
        b.briefing_version_xlsx,
        name="briefing-version-xlsx",
    ),
    path(
        "reports/briefings/<int:pk>/v<int:number>/instruct/",
        b.instruction_create_view,
        name="briefing-instruct",
    ),
    path(
        "reports/instructions/<int:pk>/follow-up/",
        b.instruction_follow_up_view,
        name="instruction-follow-up",
    ),
    path("reports/suggestions/", sg.suggestion_list, name="suggestion-list"),
    path("reports/suggestions/<int:pk>/", sg.suggestion_detail, name="suggestion-detail"),
    path(
        "reports/suggestions/from-cluster/",
        sg.suggestion_from_cluster_view,
        name="suggestion-from-cluster",
    ),
    path("reports/suggestions/<int:pk>/<slug:action>/", sg.suggestion_act, name="suggestion-act"),
    path("reports/motions/new/", sg.motion_new, name="motion-new"),
    path("reports/motions/<int:pk>/", sg.motion_detail, name="motion-detail"),
    path("reports/motions/<int:pk>/<slug:action>/", sg.motion_act, name="motion-act"),
]
