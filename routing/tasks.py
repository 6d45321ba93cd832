"""Thin task adapters: ids in, a service call, safe to run twice."""

from celery import shared_task

from routing.models import Notification
from routing.services.notify import notification_deliver


@shared_task(bind=True, max_retries=5, acks_late=True)
def deliver_notification_task(self, notification_id: int) -> bool:
    """Deliver one outbox row; retried with backoff when the backend fails."""
    try:
        return notification_deliver(notification_id)
    except Notification.DoesNotExist:
        return False
    except Exception as exc:
        raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from exc
