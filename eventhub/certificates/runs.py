"""Runs that print or email a kind of certificates, queued and done as print runs are
(badges give every run its frame: the job, its progress, its download)."""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.badges.models import BadgeBatch
from eventhub.badges.retention import record_people
from eventhub.badges.runs import does_runs, execute_batch
from eventhub.certificates.documents import write_certificates
from eventhub.certificates.models import Certificate, CertificateKind
from eventhub.certificates.services import certificates_query, format_serial
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.mail import send_mail
from eventhub.registration.own_link import access_key
from eventhub.web import external_url


def email_certificates(certificates: list[Certificate], *, progress=None) -> int:
    """Tell each holder their certificate is ready, with the link to their own page (where
    it is downloaded); in their language. Returns how many were sent."""
    sent = 0
    for number, certificate in enumerate(certificates, start=1):
        person = certificate.participant
        if person.erased_at is not None:  # no address, no link: the serial only verifies
            continue
        link = external_url("registration.own_page", slug=person.event.slug, key=access_key(person))
        with force_locale(person.language):
            ok = send_mail(
                person.email,
                gettext("Your certificate: %(event)s", event=localized(person.event, "name")),
                render_template(
                    "email/certificate.txt",
                    participant=person,
                    link=link,
                    serial=format_serial(certificate.serial),
                ),
                event_id=person.event_id,  # a job has no page's event to take it from
            )
        if ok:
            certificate.emailed_at = utcnow()
            sent += 1
        if progress and (number % 50 == 0 or number == len(certificates)):
            progress(number)
    db.session.flush()
    return sent


RUN_KINDS = ("certificates", "certificate-mail")  # print runs (BadgeBatch.kind) of this module


def queue_run(
    event: Event, kind: CertificateKind, *, email: bool, actor: User | None, base_url: str = ""
) -> BadgeBatch:
    """A run for a job worker, like badges': the valid certificates of a kind printed
    in one PDF, or (`email`) those not yet emailed announced to their holders. `base_url` is
    where links in the documents and emails point (PUBLIC_URL wins)."""
    run_kind = "certificate-mail" if email else "certificates"
    total = db.session.scalar(
        certificates_query(event, kind, unsent=email)
        .with_only_columns(sa.func.count())
        .order_by(None)
    )
    if total == 0:
        raise DomainError(
            _l("Every certificate of this kind has been emailed already.")
            if email
            else _l("No certificate of this kind has been issued yet.")
        )
    batch = BadgeBatch(
        event_id=event.id,
        user_id=actor.id if actor else None,
        filters={"certificate_kind": kind.value, "base_url": base_url},
        layout="a4",
        kind=run_kind,
        total=total,
    )
    db.session.add(batch)
    audit.record(
        "certificate.batch",
        event,
        actor=actor,
        event_id=event.id,
        changes={"run": [None, run_kind], "count": [None, total]},
    )
    db.session.flush()
    return batch


@does_runs(*RUN_KINDS)
def run_certificate_batch(batch: BadgeBatch) -> None:
    """Print or email a queued run of certificates, in the frame badges give every run; the
    badges' job (and `flask badges-run`) finds it by the run's kind."""
    kind = CertificateKind(batch.filters["certificate_kind"])
    email = batch.kind == "certificate-mail"

    def work(event: Event, out: BinaryIO, progress: Callable[[int], None]) -> bool:
        items = list(db.session.scalars(certificates_query(event, kind, unsent=email)))
        batch.total = len(items)
        if not items:
            return False
        record_people(batch, [certificate.participant_id for certificate in items])
        if email:
            email_certificates(items, progress=progress)
        else:
            write_certificates(event, items, out, progress=progress, release=db.session.commit)
        return True

    execute_batch(batch, work)
