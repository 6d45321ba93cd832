"""The handling units' desk and the representatives' direct reply (names: ``workbench:<name>``)."""

from django.urls import path

from workbench import views_desk

urlpatterns = [
    path("desk/", views_desk.desk, name="desk"),
    path("desk/cases/<int:pk>/", views_desk.desk_case, name="desk-case"),
    path("desk/cases/<int:pk>/accept/", views_desk.desk_accept, name="desk-accept"),
    path("desk/cases/<int:pk>/forward/", views_desk.desk_forward, name="desk-forward"),
    path("desk/cases/<int:pk>/return/", views_desk.desk_return, name="desk-return"),
    path("desk/cases/<int:pk>/progress/", views_desk.desk_progress, name="desk-progress"),
    path("desk/cases/<int:pk>/extension/", views_desk.desk_extension, name="desk-extension"),
    path("desk/cases/<int:pk>/result/", views_desk.desk_respond, name="desk-respond"),
    path("rep/cases/<int:pk>/", views_desk.rep_case, name="rep-case"),
    path("rep/cases/<int:pk>/reply/", views_desk.rep_case_reply, name="rep-case-reply"),
    path("rep/cases/<int:pk>/decline/", views_desk.rep_case_decline, name="rep-case-decline"),
]
