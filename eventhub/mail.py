"""Outgoing email through the configured back end: console, file, SMTP, or memory (tests)."""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app


def send_mail(to: str, subject: str, text: str, html: str | None = None) -> bool:
    """Build and send one message; False (and logged) when the mail server failed, so the
    caller can say so instead of losing the whole request."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="eventhub.local")
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")

    backend = config["MAIL_BACKEND"]
    if config.get("MAIL_SERVER") and backend == "console":
        backend = "smtp"
    if backend == "memory":
        current_app.extensions.setdefault("eventhub_outbox", []).append(message)
    elif backend == "file":
        folder = Path(config.get("MAIL_FILE_DIR") or Path(current_app.instance_path) / "mail")
        folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("@", "_") + ".eml"
        (folder / name).write_bytes(bytes(message))
    elif backend == "smtp":
        try:
            with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
                if config["MAIL_USE_TLS"]:
                    smtp.starttls()
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError):
            current_app.logger.exception("Mail to %s (%s) could not be sent", to, subject)
            return False
    else:  # console: development without a mail server
        print(f"--- email to {to} ---\n{message.as_string()}\n--- end ---", file=sys.stderr)
    return True


def outbox() -> list[EmailMessage]:
    """Messages sent through the memory back end (tests)."""
    return current_app.extensions.setdefault("eventhub_outbox", [])
