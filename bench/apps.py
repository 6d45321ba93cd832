from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "bench"
    verbose_name = "Benchmark baseline (installed only with LIAISON_BENCH=1)"
