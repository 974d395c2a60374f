"""An agreement's workflow step by step, the scan of its signed copy, and what still blocks it."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.ceremonies.labels import STATUS_LABELS
from eventhub.ceremonies.models import (
    WORKFLOW,
    Agreement,
    AgreementScan,
    AgreementStatus,
    AgreementTransition,
)
from eventhub.ceremonies.signed_record import take_down
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.registration.models import Status
from eventhub.text import clean


def advance(agreement: Agreement, to_status: AgreementStatus, *, actor: User) -> None:
    """Take the next step of the workflow (or one step back to correct a mistake)."""
    here = WORKFLOW.index(agreement.status)
    there = WORKFLOW.index(to_status)
    if (
        there == here + 1
        and to_status == AgreementStatus.SIGNED
        and not _signatories_set(agreement)
    ):
        raise DomainError(_l("Name a signatory for every party first."))
    if there == here + 1 and to_status == AgreementStatus.ARCHIVED and scan_of(agreement) is None:
        raise DomainError(_l("Upload the scan of the signed copy first."))
    if there not in (here + 1, here - 1):
        raise DomainError(
            _l(
                "From %(current)s the agreement can only go to %(next)s; steps cannot be skipped.",
                current=STATUS_LABELS[agreement.status],
                next=STATUS_LABELS[WORKFLOW[here + 1]] if here + 1 < len(WORKFLOW) else "—",
            )
        )
    if there == here - 1 and agreement.status == AgreementStatus.SIGNED:
        _may_unsign(agreement)
    agreement.transitions.append(
        AgreementTransition(
            from_status=agreement.status, to_status=to_status, user_id=actor.id, actor=actor.email
        )
    )
    agreement.status = to_status
    if to_status == AgreementStatus.SIGNED and there == here + 1:
        take_down(agreement, signed=True)  # who signed, as registered at this moment
    elif WORKFLOW[here] == AgreementStatus.SIGNED and there == here - 1:
        take_down(agreement, signed=False)  # "Signed" was recorded by mistake
    db.session.flush()
    audit.record(
        "agreement.status",
        agreement,
        actor=actor,
        event_id=agreement.event_id,
        changes={"status": [WORKFLOW[here].value, to_status.value]},
    )


def may_step_back(agreement: Agreement) -> bool:
    """Any step may be taken back but "Signed": recorded by mistake before the ceremony,
    it may; once the ceremony has begun (or with no ceremony to tell), the signature stands."""
    if agreement.status != AgreementStatus.SIGNED:
        return WORKFLOW.index(agreement.status) > 0
    ceremony = agreement.ceremony
    starts = ceremony.starts_at if ceremony else None
    return starts is not None and starts > utcnow()


def _may_unsign(agreement: Agreement) -> None:
    if not may_step_back(agreement):
        raise DomainError(
            _l(
                "“Signed” can be taken back only before the agreement's signing ceremony "
                "begins. If the record is wrong, correct it with an amendment."
            )
        )


SCAN_MAX_BYTES = 15 * 1024 * 1024


def attach_scan(agreement: Agreement, data: bytes, filename: str, *, actor: User) -> AgreementScan:
    """File the scan of the signed copy: a PDF, checked by reading it, not by its name."""
    from pypdf import PdfReader  # noqa: PLC0415 -- late: a 0.4 s import, for this upload only

    if WORKFLOW.index(agreement.status) < WORKFLOW.index(AgreementStatus.SIGNED):
        raise DomainError(_l("Only a signed agreement has a signed copy to file."), field="scan")
    if not data:
        raise DomainError(_l("Choose the PDF file of the scan."), field="scan")
    if len(data) > SCAN_MAX_BYTES:
        raise DomainError(
            _l("The scan is larger than 15 MB. Scan at a lower resolution."), field="scan"
        )
    try:
        if not data.startswith(b"%PDF-"):
            raise ValueError("not a PDF")
        pages = len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # a malformed upload may fail anywhere in the parser
        pages = 0
    if pages < 1:
        raise DomainError(_l("This file is not a readable PDF document."), field="scan")
    scan = db.session.get(AgreementScan, agreement.id) or AgreementScan(agreement_id=agreement.id)
    scan.content, scan.size, scan.pages = data, len(data), pages
    scan.filename = clean(filename)[:200] or "scan.pdf"
    scan.user_id, scan.uploaded_at = actor.id, utcnow()
    db.session.add(scan)
    db.session.flush()
    audit.record(
        "agreement.scan",
        agreement,
        actor=actor,
        event_id=agreement.event_id,
        changes={"scan": [None, f"{scan.filename} ({pages} pages)"]},
    )
    return scan


def remove_scan(agreement: Agreement, *, actor: User) -> None:
    """Withdraw a scan filed by mistake (the wrong agreement, a page missing). An archived
    agreement keeps its scan: take it back to "signed" first."""
    scan = db.session.get(AgreementScan, agreement.id)
    if scan is None:
        raise DomainError(_l("No scan of the signed copy has been filed yet."))
    if agreement.status == AgreementStatus.ARCHIVED:
        raise DomainError(
            _l("An archived agreement keeps its scan. Take it back to “Signed” first.")
        )
    audit.record(
        "agreement.scan",
        agreement,
        actor=actor,
        event_id=agreement.event_id,
        changes={"scan": [f"{scan.filename} ({scan.pages} pages)", None]},
    )
    db.session.delete(scan)
    db.session.flush()


def scan_of(agreement: Agreement) -> AgreementScan | None:
    return db.session.scalar(
        sa.select(AgreementScan)
        .where(AgreementScan.agreement_id == agreement.id)
        .options(sa.orm.defer(AgreementScan.content))
    )


def _signatories_set(agreement: Agreement) -> bool:
    return all(party.signatory_id for party in agreement.parties)


def blockers(agreement: Agreement, *, now: datetime) -> list[str]:
    """What still stands between this agreement and its signature at the ceremony."""
    found: list[str] = []
    if len(agreement.parties) < 2:
        found.append(str(_l("Fewer than two parties.")))
    position = WORKFLOW.index(agreement.status)
    if position < WORKFLOW.index(AgreementStatus.TEXT_AGREED):
        found.append(str(_l("Text not agreed.")))
    ceremony = agreement.ceremony
    starts = ceremony.starts_at if ceremony else None
    for party in agreement.parties:
        person = party.signatory
        if person is None:
            found.append(
                str(
                    _l(
                        "No signatory for %(organisation)s.",
                        organisation=party.organisation.name_en,
                    )
                )
            )
            continue
        if person.status != Status.APPROVED:
            found.append(str(_l("Signatory %(name)s is not approved.", name=person.latin_name)))
        if starts and person.arrival_at and person.arrival_at > starts:
            found.append(
                str(_l("Signatory %(name)s arrives after the ceremony.", name=person.latin_name))
            )
    if ceremony is None:
        found.append(str(_l("Not yet in a signing ceremony.")))
    elif starts and starts <= now:
        if position < WORKFLOW.index(AgreementStatus.SIGNED):
            found.append(str(_l("The ceremony has begun; the signature is not recorded yet.")))
    elif (
        starts
        and position < WORKFLOW.index(AgreementStatus.ORIGINALS_READY)
        and starts - now < timedelta(hours=24)
    ):
        found.append(str(_l("Originals not printed, less than 24 hours before the ceremony.")))
    return found
