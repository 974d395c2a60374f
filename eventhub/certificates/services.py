"""Certificate rules: who receives which kind, what they say, their serials and the public
verification, finding and revoking one. Their documents are in `documents`, the runs that
print or email them all in `runs`."""

from __future__ import annotations

import secrets
from datetime import date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.badges.styles import SettingsInvalid
from eventhub.certificates.models import Certificate, CertificateKind, CertificateSettings
from eventhub.checkin.models import Checkpoint, Scan, ScanResult
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.pdf import MissingFont, check_printable
from eventhub.registration.models import Category, Participant, Status
from eventhub.registration.photos import prepare_artwork
from eventhub.scheduling.models import Activity, ActivityPerson, ActivityRole
from eventhub.text import clean
from eventhub.web import site_url

CERTIFICATE_KINDS = {
    CertificateKind.PARTICIPATION: _l("Participation"),
    CertificateKind.SPEAKER: _l("Speaker"),
    CertificateKind.COMMITTEE: _l("Organising committee"),
}
# The speaker's and the committee's wording; participation follows the event's settings.
KIND_TEXTS = {
    CertificateKind.SPEAKER: (
        "Certificate of Appreciation",
        "感谢证书",
        "In appreciation of {name}, who spoke at {event}.",
        "谨向 {name} 致谢，感谢其在{event}上发表演讲。",
    ),
    CertificateKind.COMMITTEE: (
        "Certificate of Appreciation",
        "感谢证书",
        "In appreciation of {name}, who served on the organising committee of {event}.",
        "谨向 {name} 致谢，感谢其为{event}组委会所作的贡献。",
    ),
}
SERIAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed again


def certificate_settings(event: Event) -> CertificateSettings:
    found = db.session.get(CertificateSettings, event.id)
    if found is None:
        found = CertificateSettings(event_id=event.id)
        db.session.add(found)
        db.session.flush()
    return found


def eligible_query(event: Event, kind: CertificateKind) -> sa.Select:
    """Who receives this kind of certificate."""
    query = sa.select(Participant).where(
        Participant.event_id == event.id,
        Participant.status == Status.APPROVED,
        Participant.erased_at.is_(None),  # an erased person's certificate only verifies
    )
    if kind == CertificateKind.PARTICIPATION:
        attended = _attendance_rule(event, certificate_settings(event).rule)
        if attended is not None:
            query = query.where(Participant.id.in_(attended))
    if kind == CertificateKind.SPEAKER:
        spoke = (
            sa.select(ActivityPerson.participant_id)
            .join(Activity, Activity.id == ActivityPerson.activity_id)
            .where(
                Activity.event_id == event.id,
                ActivityPerson.role.in_([ActivityRole.SPEAKER, ActivityRole.MODERATOR]),
            )
        )
        query = query.where(Participant.id.in_(spoke))
    elif kind == CertificateKind.COMMITTEE:
        query = query.where(Participant.category == Category.STAFF)
    return query


def _attendance_rule(event: Event, rule: str) -> sa.Select | None:
    """The participants who attended as the rule asks: "arrived" (checked in anywhere),
    "checkpoint:<id>" (e.g. at the opening ceremony's door), "activities:<n>" (admitted at
    n activities' doors or more); None for "approved" (no attendance needed)."""
    kind, _sep, value = rule.partition(":")
    admitted = sa.select(Scan.participant_id).where(
        Scan.event_id == event.id, Scan.result == ScanResult.ADMITTED, Scan.undone_at.is_(None)
    )
    if kind == "arrived":
        return admitted
    if kind == "checkpoint" and value.isdigit():
        return admitted.where(Scan.checkpoint_id == int(value))
    if kind == "activities" and value.isdigit():
        return (
            admitted.join(Checkpoint, Checkpoint.id == Scan.checkpoint_id)
            .where(Checkpoint.activity_id.is_not(None))
            .group_by(Scan.participant_id)
            .having(sa.func.count(sa.distinct(Checkpoint.activity_id)) >= int(value))
        )
    return None


def rule_choices(event: Event) -> list[tuple[str, str]]:
    """The attendance rules an organiser can choose for participation certificates."""
    choices = [
        ("approved", str(_l("Every approved participant (no attendance needed)"))),
        ("arrived", str(_l("Checked in at least once, anywhere"))),
    ]
    for checkpoint in db.session.scalars(
        sa.select(Checkpoint).where(Checkpoint.event_id == event.id).order_by(Checkpoint.name_en)
    ):
        choices.append(
            (
                f"checkpoint:{checkpoint.id}",
                str(_l("Checked in at %(place)s", place=checkpoint.name_en)),
            )
        )
    for n in (1, 2, 3, 5):
        choices.append((f"activities:{n}", str(_l("Admitted at %(n)d activities or more", n=n))))
    return choices


def new_serial() -> str:
    return "".join(secrets.choice(SERIAL_ALPHABET) for _n in range(16))


def format_serial(serial: str) -> str:
    return "-".join(serial[i : i + 4] for i in range(0, len(serial), 4))


def normalise_serial(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())[:32]


def issue_certificates(event: Event, kind: CertificateKind, *, actor: User | None) -> int:
    """A certificate for everyone eligible who has none of this kind yet; how many new."""
    have = sa.select(Certificate.participant_id).where(
        Certificate.event_id == event.id, Certificate.kind == kind
    )
    ids = list(
        db.session.scalars(
            eligible_query(event, kind)
            .where(Participant.id.not_in(have))
            .with_only_columns(Participant.id)
        )
    )
    db.session.add_all(
        Certificate(event_id=event.id, participant_id=pid, kind=kind, serial=new_serial())
        for pid in ids
    )
    if ids:
        audit.record(
            "certificate.issue",
            event,
            actor=actor,
            event_id=event.id,
            changes={"kind": [None, kind.value], "issued": [None, len(ids)]},
        )
    db.session.flush()
    return len(ids)


def revoke_certificate(certificate: Certificate, reason: str, *, actor: User | None) -> None:
    reason = " ".join(reason.split())[:200]
    if not reason:
        raise DomainError(_l("Say why the certificate is revoked."))
    if certificate.revoked_at is not None:
        raise DomainError(_l("This certificate is already revoked."))
    certificate.revoked_at, certificate.revoked_reason = utcnow(), reason
    audit.record(
        "certificate.revoke",
        certificate.participant,
        actor=actor,
        event_id=certificate.event_id,
        changes={
            "certificate": [format_serial(certificate.serial), None],
            "reason": [None, reason],
        },
    )
    db.session.flush()


def issued_on(certificate: Certificate, event: Event) -> date:
    """The day a certificate was issued in the event's calendar: printed on it, given by its
    verification page and its archived data, the same everywhere."""
    return certificate.issued_at.astimezone(ZoneInfo(event.timezone)).date()


def serial_search(query: str) -> sa.ColumnElement[bool] | None:
    """Certificates whose number holds what an organiser typed (whole or in part, with or
    without the dashes, any case); None when too little was typed to mean a number."""
    text = normalise_serial(query)
    if len(text) < 4 or any(ch not in SERIAL_ALPHABET for ch in text):
        return None
    return Certificate.serial.contains(text, autoescape=True)


def verify(serial: str) -> Certificate | None:
    """The certificate a serial names, valid or revoked; None for anything else."""
    text = normalise_serial(serial)
    if len(text) != 16:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.serial == text))


def verify_url(certificate: Certificate) -> str:
    # Printed for the organiser who asked (a print run keeps their address): not mail.
    return site_url("verify.certificate", serial=format_serial(certificate.serial))


SETTINGS_TEXTS = {
    "title_en": (_l("Title in English"), 120),
    "title_zh": (_l("Title in Chinese"), 120),
    "body_en": (_l("Text in English"), 600),
    "body_zh": (_l("Text in Chinese"), 600),
    "signatory_name": (_l("Signed by"), 120),
    "signatory_title_en": (_l("Signatory's title in English"), 200),
    "signatory_title_zh": (_l("Signatory's title in Chinese"), 200),
}


def save_certificate_settings(
    event: Event,
    data: dict[str, str],
    *,
    signature: bytes | None = None,
    logo: bytes | None = None,
    remove: tuple[str, ...] = (),
    actor: User | None,
) -> dict:
    """Check and store what the certificates say; images are checked by their content."""
    settings = certificate_settings(event)
    errors: dict[str, list[str]] = {}
    values = {}
    rule = data.get("rule") or "approved"
    if rule not in dict(rule_choices(event)):
        errors["rule"] = [str(_l("Choose one of the rules offered."))]
    for name, (label, limit) in SETTINGS_TEXTS.items():
        value = clean(data.get(name, ""))
        if name.startswith(("title", "body")) and not value:
            errors.setdefault(name, []).append(str(_l("%(field)s: required.", field=label)))
        if len(value) > limit:
            errors.setdefault(name, []).append(
                str(_l("%(field)s: at most %(n)d characters.", field=label, n=limit))
            )
        try:
            check_printable(value)
        except MissingFont as error:
            errors.setdefault(name, []).append(str(error))
        values[name] = value
    for name in ("body_en", "body_zh"):
        if values[name] and "{name}" not in values[name]:
            errors.setdefault(name, []).append(
                str(_l("Put {name} where the participant's name goes."))
            )
    images = {}
    for field_name, upload in (("signature_image", signature), ("logo_image", logo)):
        if upload:
            try:
                images[field_name] = prepare_artwork(upload, field_name)
            except DomainError as error:
                errors.setdefault(field_name, []).append(str(error))
    if errors:
        raise SettingsInvalid(errors)
    values["rule"] = rule
    changes = audit.diff(settings, values)
    for name, value in values.items():
        setattr(settings, name, value)
    for field_name in ("signature_image", "logo_image"):
        if field_name in images:
            setattr(settings, field_name, images[field_name])
            changes[field_name] = [None, "uploaded"]
        elif field_name in remove:
            setattr(settings, field_name, None)
            changes[field_name] = ["uploaded", None]
    if changes:
        audit.record("certificate.settings", event, actor=actor, event_id=event.id, changes=changes)
    db.session.flush()
    return changes


def certificates_query(event: Event, kind: CertificateKind, *, unsent: bool = False) -> sa.Select:
    """The valid (not revoked) certificates of a kind, by the participant's name."""
    query = (
        sa.select(Certificate)
        .join(Participant, Participant.id == Certificate.participant_id)
        .where(
            Certificate.event_id == event.id,
            Certificate.kind == kind,
            Certificate.revoked_at.is_(None),
        )
    )
    if unsent:
        query = query.where(Certificate.emailed_at.is_(None), Participant.email != "")
        # Emailing reads each holder and their event: in the same query.
        query = query.options(
            sa.orm.contains_eager(Certificate.participant).joinedload(Participant.event)
        )
    return query.order_by(Participant.sort_name, Certificate.id)
