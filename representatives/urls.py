from django.contrib.auth import views as auth_views
from django.urls import path

from representatives import views

app_name = "representatives"

urlpatterns = [
    path("stations/", views.site_directory, name="site-directory"),
    path("stations/<int:pk>/", views.site_detail, name="site-detail"),
    path("representatives/<int:pk>/", views.representative_detail, name="representative-detail"),
    path("qr/<str:token>.<str:fmt>", views.qr_image, name="qr-image"),
    path("q/<str:token>/poster/", views.poster, name="poster"),
    path("rep/reception-days/new/", views.reception_day_new, name="reception-day-new"),
    path(
        "rep/reception-days/record/",
        views.reception_day_record_view,
        name="reception-day-record",
    ),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", views.account, name="account"),
    path("accounts/two-factor/", views.two_factor_setup, name="two-factor-setup"),
]
