"""A paginator that stops counting: at a million cases, counting a city's list exactly costs
more than the page itself, and nobody pages past the first few hundred (docs/benchmarks.md)."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` + 1 rows (``SELECT count(*) FROM (… LIMIT cap + 1)``, the
    primary keys only); ``capped`` says the list holds more, and its pages stop there."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        rows = self.object_list.values("pk").order_by()  # type: ignore[attr-defined]
        return rows[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap
