"""Read paths of the routing app."""


def submission_ids_without_case(*, limit: int = 500) -> list[int]:
    """Oldest submissions that have no case yet: the case-opening sweep's next batch."""
    from feedback.models import Submission

    return list(
        Submission.objects.filter(case__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
