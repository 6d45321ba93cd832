"""Reference data the intake form needs on every request, kept in process memory.

Areas and categories change a few times a year; reading them from the database (or Redis) on
every submission would double the cost of the intake request. Each process keeps them for
``TTL`` seconds (``common.cache``).
"""

from django.utils.choices import BaseChoiceIterator, normalize_choices
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from common.cache import TTLCache

TTL = 300
_cache = TTLCache(TTL)


class FrozenChoices(BaseChoiceIterator):
    """Choices normalised once: assigning them to a form field costs nothing per request."""

    def __init__(self, choices):
        self.choices = normalize_choices(choices)

    def __iter__(self):
        return iter(self.choices)

    def __len__(self):
        return len(self.choices)

    # Immutable, so every form instance may share it: Django deep-copies a form's fields on
    # each instantiation, and copying choices with lazy labels is the dearest part of that.
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def area_choices() -> list:
    """Streets and townships with their communities, grouped for a <select>."""

    def build():
        from representatives.models import Area

        groups: dict[int, tuple[str, list]] = {}
        rows = (
            Area.objects.filter(level__in=["street", "township", "community", "village"])
            .select_related("district", "street")
            .order_by("path")
        )
        for area in rows:
            street = area if area.tier == 3 else area.street
            label = f"{street.district.name} · {street.name}" if street.district else street.name
            group = groups.setdefault(street.pk, (label, []))
            name = (
                _("%(street)s (not sure which community)") % {"street": area.name}
                if area.tier == 3
                else area.name
            )
            group[1].append((area.pk, name))
        return FrozenChoices([("", _("Choose your community")), *groups.values()])

    return _cache.get(f"areas:{get_language()}", build)


def category_choices() -> list:
    def build():
        from routing.models import Category

        return FrozenChoices(
            [("", _("Not sure (the committee will decide)"))]
            + [
                (
                    c.slug,
                    f"{c.name}（{'、'.join(c.examples.split('、')[:3])}…）"
                    if c.examples
                    else c.name,
                )
                for c in Category.objects.order_by("position", "slug")
            ]
        )

    return _cache.get(f"categories:{get_language()}", build)


def category_ids() -> dict[str, int]:
    def build():
        from routing.models import Category

        return dict(Category.objects.values_list("slug", "pk"))

    return _cache.get("category-ids", build)
