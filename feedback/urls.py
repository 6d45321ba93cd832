from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("q/<str:token>/", views.intake, name="intake"),
]
