"""The baseline of `make bench`: one row, one form, nothing else."""

from django.db import models


class BaselineEntry(models.Model):
    key = models.UUIDField(unique=True)
    text = models.TextField(max_length=2000)
    request_type = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.key)
