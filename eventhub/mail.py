"""Mail transport: Flask-Mailman's back ends (SMTP, console, file) and a memory one for tests.

Nothing here queues or decides: `eventhub.outbox` stores messages with the change that causes
them and its job sends them through one `connection()` per batch.
"""

from __future__ import annotations

import sys
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from flask import Flask, current_app
from flask_mailman import EmailMultiAlternatives, Mail
from flask_mailman.backends.base import BaseEmailBackend
from flask_mailman.backends.file import EmailBackend as FileBackend

from eventhub.files import open_private, private
from eventhub.redaction import redact

mail = Mail()

# Our names for the back ends -> Flask-Mailman's.
BACKENDS = {
    "console": None,  # ConsoleBackend below
    "file": None,  # PrivateFileBackend below
    "smtp": "smtp",
    "memory": None,  # MemoryBackend below
}


def init_app(app: Flask) -> None:
    app.config.setdefault("MAIL_DEFAULT_SENDER", app.config["MAIL_FROM"])
    mail.init_app(app)


def send_mail(to: str, subject: str, text: str, html: str | None = None, *, event_id=None) -> bool:
    """Queue one message with the caller's change; it leaves after commit (see
    `eventhub.outbox`, which registers itself here: mail knows no database)."""
    return current_app.extensions["eventhub_mail_queue"](to, subject, text, html, event_id=event_id)


def backend_name() -> str:
    config = current_app.config
    backend = config["MAIL_BACKEND"]
    if config.get("MAIL_SERVER") and backend == "console":
        backend = "smtp"  # a server configured means: use it
    if backend not in BACKENDS:
        raise ValueError(f"Unknown MAIL_BACKEND {backend!r}: one of {', '.join(BACKENDS)}")
    return backend


def connection() -> BaseEmailBackend:
    """A connection to the configured back end, read from the configuration as it is now;
    open it once and send a whole batch through it."""
    config = current_app.config
    backend = backend_name()
    options: dict = {}
    if backend == "smtp":
        options = {
            "host": config["MAIL_SERVER"],
            "port": config["MAIL_PORT"],
            "username": config.get("MAIL_USERNAME") or "",
            "password": config.get("MAIL_PASSWORD") or "",
            "use_tls": bool(config["MAIL_USE_TLS"]),
            "timeout": config.get("MAIL_TIMEOUT", 20),
        }
    elif backend == "file":
        folder = Path(config.get("MAIL_FILE_DIR") or Path(current_app.instance_path) / "mail")
        private(folder, folder=True)
        options = {"file_path": str(folder)}
    ours = {"console": ConsoleBackend, "memory": MemoryBackend, "file": PrivateFileBackend}
    return mail.get_connection(
        backend=BACKENDS[backend] or ours[backend], fail_silently=False, **options
    )


def build(
    to: str, subject: str, text: str, html: str | None, *, message_id: str
) -> EmailMultiAlternatives:
    """One message; its Message-ID is fixed by the outbox, so a retried message is the same
    message to the recipient's server."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=current_app.config["MAIL_FROM"],
        to=[to],
        headers={"Message-ID": message_id},
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


class PrivateFileBackend(FileBackend):
    """flask-mailman's file back end, its files readable by their owner alone: they hold
    whole messages, reset links included."""

    def open(self):
        if self.stream is None:
            self.stream = open_private(self._get_filename(), "ab")
            return True
        return False


class ConsoleBackend(BaseEmailBackend):
    """The default without a mail server: each message printed for whoever runs the site,
    readable (not MIME-encoded) and with its secret links masked, since a terminal's output
    ends up in logs. The full message is in the outbox, or in instance/mail with the file
    back end (EVENTHUB_MAIL_BACKEND=file)."""

    def __init__(self, *args, stream=None, **kwargs) -> None:
        self.stream = stream or sys.stdout
        self._lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def send_messages(self, email_messages) -> int:
        with self._lock:
            for message in email_messages:
                text = f"To: {', '.join(message.to)}\nSubject: {message.subject}\n\n{message.body}"
                self.stream.write(
                    f"{redact(text)}\n[secret links masked: the file back end keeps them]\n"
                    + "-" * 79
                    + "\n"
                )
                self.stream.flush()
        return len(email_messages)


class MemoryBackend(BaseEmailBackend):
    """Tests: each message kept, as the recipient would parse it, in the app's outbox list."""

    def send_messages(self, email_messages) -> int:
        kept = current_app.extensions.setdefault("eventhub_outbox", [])
        for message in email_messages:
            kept.append(message_from_bytes(message.message().as_bytes(), policy=policy.default))
        return len(email_messages)


def outbox() -> list[EmailMessage]:
    """Messages sent through the memory back end (tests)."""
    return current_app.extensions.setdefault("eventhub_outbox", [])
