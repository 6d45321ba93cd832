from django import template

from representatives.models import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    """``{{ event.actor|person }}``: a person's name and title as staff pages show it."""
    return person_name(user) if user else ""
