from django.urls import path, re_path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    re_path(r"^reports/export/(?P<table>[a-z_]+)\.(?P<fmt>csv|xlsx)$", views.export, name="export"),
]
