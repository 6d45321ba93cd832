from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from bench.models import BaselineEntry


class BaselineForm(forms.Form):
    form_key = forms.UUIDField()
    text = forms.CharField(max_length=2000)
    request_type = forms.ChoiceField(choices=[("help", "help"), ("suggestion", "suggestion")])


@require_http_methods(["GET", "POST"])
def baseline(request):
    """A bare Django view: validate a form, save one row, redirect (the benchmark's yardstick)."""
    form = BaselineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        BaselineEntry.objects.create(
            key=form.cleaned_data["form_key"],
            text=form.cleaned_data["text"],
            request_type=form.cleaned_data["request_type"],
        )
        return HttpResponseRedirect("/bench/baseline/")
    return render(
        request, "bench/baseline.html", {"form": form}, status=400 if form.errors else 200
    )
