from django.urls import path

from bench.views import baseline

urlpatterns = [path("bench/baseline/", baseline)]
