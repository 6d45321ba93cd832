from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"

    def ready(self):
        from feedback.services.notify import notify_submitters_of_reply
        from routing.signals import case_replied

        case_replied.connect(notify_submitters_of_reply, dispatch_uid="feedback-reply-sms")
