"""The committee's workbench, and where a notice's link opens a case (names: ``workbench:<name>``)."""

from django.urls import path

from workbench import views_work as views

urlpatterns = [
    path("work/", views.workbench, name="workbench"),
    path("work/bulk-accept/", views.workbench_bulk_accept, name="workbench-bulk-accept"),
    path("work/cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("work/cases/<int:pk>/triage/", views.case_triage_view, name="case-triage"),
    path(
        "work/cases/<int:pk>/contact/<int:submission_pk>/",
        views.case_contact_reveal_view,
        name="case-contact-reveal",
    ),
    path(
        "work/cases/<int:pk>/submissions/<int:submission_pk>/summary/",
        views.case_chinese_summary_view,
        name="case-chinese-summary",
    ),
    path(
        "work/cases/<int:pk>/review/approve/",
        views.case_review_approve_view,
        name="case-review-approve",
    ),
    path(
        "work/cases/<int:pk>/review/send-back/",
        views.case_review_send_back_view,
        name="case-review-send-back",
    ),
    path(
        "work/cases/<int:pk>/verify/publish/",
        views.case_verify_publish_view,
        name="case-verify-publish",
    ),
    path(
        "work/cases/<int:pk>/verify/send-back/",
        views.case_verify_send_back_view,
        name="case-verify-send-back",
    ),
    path(
        "work/cases/<int:pk>/extensions/<int:request_pk>/decide/",
        views.case_extension_decide_view,
        name="case-extension-decide",
    ),
    path("work/cases/<int:pk>/supervise/", views.case_supervise_view, name="case-supervise"),
    path(
        "work/cases/<int:pk>/milestones/", views.case_milestone_add_view, name="case-milestone-add"
    ),
    path(
        "work/cases/<int:pk>/milestones/<int:milestone_pk>/done/",
        views.case_milestone_done_view,
        name="case-milestone-done",
    ),
    path("work/cases/<int:pk>/follow-up/", views.case_follow_up_view, name="case-follow-up"),
    path("work/cases/<int:pk>/progress/", views.case_progress_view, name="case-progress"),
    path("work/cases/<int:pk>/merge/", views.case_merge_view, name="case-merge"),
    path("work/cases/<int:pk>/not-accept/", views.case_not_accept_view, name="case-not-accept"),
    path(
        "work/cases/<int:pk>/report-upward/",
        views.case_report_upward_view,
        name="case-report-upward",
    ),
    path(
        "work/cases/<int:pk>/upward-reply/", views.case_upward_reply_view, name="case-upward-reply"
    ),
    path("work/meetings/", views.meeting_list, name="meeting-list"),
    path("work/meetings/new/", views.meeting_new, name="meeting-new"),
    path("cases/<int:pk>/", views.case_open, name="case-open"),
]
