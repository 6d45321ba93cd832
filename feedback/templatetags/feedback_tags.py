"""Template filters of the intake."""

from django import template

from feedback.models import language_label

register = template.Library()


@register.filter(name="language_label")
def language_label_filter(code: str) -> str:
    """A submission's language code as staff read it (ug → 维吾尔语), for a row's badge."""
    return language_label(code)
