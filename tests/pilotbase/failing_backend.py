from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """Stands in for an SMTP server that is down (the only thing we mock: what lies outside)."""

    def send_messages(self, email_messages):
        raise ConnectionError("SMTP server unavailable")
