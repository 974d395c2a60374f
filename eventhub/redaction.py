"""Secret links masked for logs and the console: the personal page (/me/<key>), the agenda
feed (/agenda/<key>.ics), password-reset and account-link tokens, and any token=/key= query.
Whoever reads a log or a terminal must not be able to open someone's registration or set
their password. Imports nothing of EventHub, so every layer may use it."""

from __future__ import annotations

import logging
import re

MASK = "***"

# Group 1 is kept, the secret after it masked. Reset tokens hold dots (itsdangerous).
_PATTERNS = [
    re.compile(r"(/me/)[^/\s?#\"'<>]+"),
    re.compile(r"(/agenda/)[A-Za-z0-9_\-]+(?=\.ics)"),
    re.compile(r"(/auth/reset/)[^/\s?#\"'<>]+"),
    re.compile(r"(/my-registration/link/)[^/\s?#\"'<>]+"),
    re.compile(r"([?&;](?:token|key|access_key)=)[^&\s#\"'<>]+", re.IGNORECASE),
]


def redact(text: str) -> str:
    """`text` with the secret part of every secret link replaced by ***."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + MASK, text)
    return text


class RedactSecrets(logging.Filter):
    """A logging filter: the record's message, formatted, then redacted (an access log's
    request line arrives as an argument, not in the format string)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error report
            return True
        record.msg, record.args = redact(message), None
        return True


# The loggers that write request lines or the app's messages: Werkzeug's development server,
# gunicorn's access and error logs.
SERVER_LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def install(*loggers: logging.Logger) -> None:
    """Redact what `loggers` (and the servers' loggers) log directly, and what their handlers
    receive from child loggers (eventhub.jobs propagates to the app's handler)."""
    targets = [*loggers, *(logging.getLogger(name) for name in SERVER_LOGGERS)]
    for target in targets:
        for holder in [target, *target.handlers]:
            if not any(isinstance(f, RedactSecrets) for f in holder.filters):
                holder.addFilter(RedactSecrets())
