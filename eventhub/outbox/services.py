"""Queueing mail with the change that causes it, and delivering it after commit."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app, g, has_request_context

from eventhub import jobs, mail
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.outbox.models import MailState, OutboxMessage


def queue(
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    *,
    event_id=None,
    forget_after_delivery: bool = False,
) -> bool:
    """Store one message in the caller's transaction; the job worker sends it after commit.
    True: it is on its way (what became of it shows in the event's delivery log).
    `forget_after_delivery`: its address and subject are blanked too once it is sent or
    given up (a mail to a person just erased)."""
    if event_id is None and has_request_context():
        event = getattr(g, "event", None)
        event_id = event.id if event is not None else None
    # Mail about a change already committed (a view that commits, then writes to the
    # person) is a transaction of its own; otherwise it commits with the change.
    on_its_own = jobs.nothing_written_yet()
    db.session.add(
        OutboxMessage(
            event_id=event_id,
            recipient=to,
            subject=subject[:500],
            text=text,
            html=html,
            message_id=make_msgid(domain=current_app.config.get("MAIL_MESSAGE_ID_DOMAIN")),
            next_attempt_at=utcnow(),
            forget_after_delivery=forget_after_delivery,
        )
    )
    db.session.flush()
    # One delivery job per transaction (`later` keeps one), however many messages it queues.
    from eventhub.outbox.tasks import deliver_outbox  # noqa: PLC0415 (tasks import this module)

    jobs.later(deliver_outbox)
    if on_its_own:
        db.session.commit()
    return True


@dataclass
class Delivery:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _permanent(error: Exception) -> bool:
    """A refusal of this message the server will give again (a mailbox that does not exist):
    no retry. Greylisting (4xx) and anything about the connection or our login are not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600


def _connection_failed(error: Exception) -> bool:
    """The server, the network or our login failed, not this message: stop the batch.
    (Every SMTP error is an OSError; those two are about the message.)"""
    per_message = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)
    return isinstance(error, OSError) and not isinstance(error, per_message)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes (MAIL_RETRY_SECONDS doubled each time), at most an hour."""
    base = current_app.config["MAIL_RETRY_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def reclaim_stalled() -> int:
    """Messages a worker took and never finished (it was killed) go back in the queue.
    Delivery is at least once: a worker killed in the instant between the server's "250 OK"
    and our commit sends that message again, under the same Message-ID."""
    lease = timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    stalled = (
        OutboxMessage.state == MailState.SENDING,
        OutboxMessage.claimed_at < utcnow() - lease,
    )
    # One that has taken its worker down on every try is given up, not tried forever.
    db.session.execute(
        sa.update(OutboxMessage)
        .where(*stalled, OutboxMessage.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"])
        .values(
            state=MailState.FAILED,
            finished_at=utcnow(),
            text="",
            html=None,
            last_error="The job worker stopped while sending it, on every try.",
        )
    )
    _forget_finished()
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.state == MailState.SENDING,
            OutboxMessage.claimed_at < utcnow() - lease,
        )
        .values(state=MailState.QUEUED, next_attempt_at=utcnow())
    )
    return result.rowcount or 0


def due_ids(limit: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.id)
            .where(
                OutboxMessage.state == MailState.QUEUED,
                OutboxMessage.next_attempt_at <= utcnow(),
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def _claim(message_id: int) -> bool:
    """Take one message for this worker: a conditional update, so two workers (or two hosts)
    never both send it, on SQLite and PostgreSQL alike."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == MailState.QUEUED)
        .values(
            state=MailState.SENDING,
            claimed_at=utcnow(),
            attempts=OutboxMessage.attempts + 1,
        )
    )
    return result.rowcount == 1


def deliver(limit: int = 200) -> Delivery:
    """Send what is due through one connection. Each message is committed as taken and as
    sent, so a worker killed half-way loses nothing and resends nothing it was told was sent:
    the record of a delivery is the commit that follows it. No transaction is open while the
    server is talked to (on SQLite a transaction holds the database's one write lock)."""
    report = Delivery()
    reclaim_stalled()
    db.session.commit()
    connection, opened = mail.connection(), False
    try:
        for message_id in due_ids(limit):
            taken = _claim(message_id)
            message = db.session.get(OutboxMessage, message_id)
            email = mail.build(
                message.recipient,
                message.subject,
                message.text,
                message.html,
                message_id=message.message_id,
            )
            db.session.commit()
            if not taken:
                continue  # another worker has it
            try:
                if not opened:
                    connection.open()
                    opened = True
                connection.send_messages([email])
            except Exception as error:  # noqa: BLE001 (every failure is recorded, none lost)
                _failed(message, error, report)
                db.session.commit()
                if _connection_failed(error):
                    break  # the rest wait for the next try rather than fail one by one
                continue
            message.state, message.finished_at = MailState.SENT, utcnow()
            message.text, message.html, message.last_error = "", None, ""
            _forget(message)
            report.sent += 1
            db.session.commit()
    finally:
        if opened:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 (a broken connection is closed as far as it goes)
                current_app.logger.warning("The mail connection did not close cleanly")
    return report


def _failed(message: OutboxMessage, error: Exception, report: Delivery) -> None:
    message.last_error = f"{type(error).__name__}: {error}"[:500]
    if _permanent(error) or message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.state, message.finished_at = MailState.FAILED, utcnow()
        message.text, message.html = "", None  # no personal link kept
        _forget(message)
        report.failed += 1
    else:
        message.state = MailState.QUEUED
        message.next_attempt_at = utcnow() + retry_delay(message.attempts)
        report.retrying += 1
    current_app.logger.warning("Mail message %d not sent: %s", message.id, error)


def _forget(message: OutboxMessage) -> None:
    """A finished message to an erased person keeps only its state and times."""
    if message.forget_after_delivery:
        message.recipient, message.subject, message.text, message.html = "", "", "", None
        message.last_error = message.last_error.split(":", 1)[0]  # the error may quote it


def _forget_finished() -> None:
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.forget_after_delivery.is_(True),
            OutboxMessage.state.in_((MailState.SENT, MailState.FAILED)),
            OutboxMessage.recipient != "",
        )
        .values(recipient="", subject="", text="", html=None)
    )


def next_due() -> timedelta | None:
    """How long until the next retry is due, if any message waits for one."""
    when = db.session.scalar(
        sa.select(sa.func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.state == MailState.QUEUED
        )
    )
    if when is None:
        return None
    return max(when - utcnow(), timedelta(0))


def log_query(event_id: int, state: MailState | None = None) -> sa.Select:
    query = sa.select(OutboxMessage).where(OutboxMessage.event_id == event_id)
    if state is not None:
        query = query.where(OutboxMessage.state == state)
    return query.order_by(OutboxMessage.id.desc())


def counts(event_id: int) -> dict[MailState, int]:
    rows = db.session.execute(
        sa.select(OutboxMessage.state, sa.func.count())
        .where(OutboxMessage.event_id == event_id)
        .group_by(OutboxMessage.state)
    )
    return {MailState(state): count for state, count in rows}
