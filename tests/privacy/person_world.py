"""One person with data in every domain that holds personal data, for the export and
erasure tests: passport and photo, delegation, consent, visa case, badge and an admission,
an enrolment and a talk, a signed and an unsigned agreement, a certificate, a mail, an
audit entry and a user account."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from eventhub import crypto
from eventhub.audit import services as audit
from eventhub.badges.issuing import badges_for, code_of
from eventhub.ceremonies.models import Agreement, AgreementStatus
from eventhub.ceremonies.signed_record import take_down
from eventhub.certificates.models import Certificate, CertificateKind
from eventhub.checkin import recording, rules
from eventhub.checkin.models import Checkpoint
from eventhub.extensions import db
from eventhub.outbox.models import OutboxMessage
from eventhub.privacy.kinds import Purpose
from eventhub.privacy.models import Consent, ConsentSource
from eventhub.registration.models import Participant, ParticipantPhoto
from eventhub.visas.models import VisaCase, VisaStep

PASSPORT = "K1234567"
THAI, KHMER, CHINESE = "สมชาย ใจดี", "សុខ ចាន់ធី", "宋猜"
SERIAL = "ABCDEFGHJKLMNPQR"


@dataclass
class World:
    person_id: int
    email: str
    code: str
    gate_id: int
    signed_id: int
    unsigned_id: int
    user_id: int


def build(app, make, event) -> World:
    organisation = make.organisation(name_en="Royal University of Phnom Penh")
    delegation = make.delegation(event, name_en="Cambodia", country_code="KH")
    user = make.user(email="sok.chanthy@example.kh")
    person = make.participant(
        event,
        family_name="SOK",
        given_name="Chanthy",
        native_name=KHMER,
        name_zh=CHINESE,
        position=f"Dean ({THAI})",
        country_code="KH",
        email="sok.chanthy@example.kh",
        phone="+855 12 345 678",
        dietary_notes="No peanuts",
        hotel="Sheraton Guiyang",
        passport_name="SOK CHANTHY",
        delegation_id=delegation.id,
        organisation_id=organisation.id,
        user_id=user.id,
        access_key_hash="a" * 64,
    )
    gate = make.checkpoint(event, name_en="Main entrance")
    make.activity(event, title_en="Opening forum", enrolled=[person], speakers=[person])
    signed = make.agreement(event, signatories=[person])
    unsigned = make.agreement(event, witnesses=[person])
    with app.app_context():
        row = db.session.get(Participant, person.id)
        row.passport_number_encrypted = crypto.encrypt(PASSPORT)
        row.passport_digest = crypto.blind_index(PASSPORT, "passport")
        row.date_of_birth_encrypted = crypto.encrypt("1970-05-01")
        row.passport_expiry = date(2030, 1, 1)
        db.session.add(
            ParticipantPhoto(participant_id=row.id, content=b"jpeg", width=300, height=400)
        )
        db.session.add(
            Consent(
                event_id=event.id,
                participant_id=row.id,
                purpose=Purpose.REGISTRATION,
                given=True,
                notice_version=2,
                language="km",
                source=ConsentSource.FORM,
            )
        )
        db.session.add(
            VisaCase(
                event_id=event.id,
                participant_id=row.id,
                state=VisaStep.REQUESTED,
                note="Embassy: call Ms Sok",
            )
        )
        db.session.add(
            Certificate(
                event_id=event.id,
                participant_id=row.id,
                kind=CertificateKind.PARTICIPATION,
                serial=SERIAL,
            )
        )
        db.session.add(
            OutboxMessage(
                event_id=event.id,
                recipient=row.email,
                subject="Welcome, Chanthy",
                text="Your link: https://x/me/k",
                message_id=f"<{uuid.uuid4().hex}@test>",
            )
        )
        audit.record(
            "participant.update",
            row,
            actor_label="test",
            event_id=event.id,
            changes={"family_name": ["SOKH", "SOK"]},
        )
        agreement = db.session.get(Agreement, signed.id)
        take_down(agreement, signed=True)  # as the "Signed" step does
        agreement.status = AgreementStatus.SIGNED
        code = code_of(badges_for([row])[row.id])
        db.session.commit()
        when = datetime(2025, 7, 24, 2, 0, tzinfo=UTC)
        recording.record_scan(
            rules.Gate.of(db.session.merge(event), db.session.get(Checkpoint, gate.id)),
            code,
            uuid.uuid4().hex,
            scanned_at=when,
            device="Gate A",
            now=when,
        )
        db.session.commit()
    return World(person.id, person.email, code, gate.id, signed.id, unsigned.id, user.id)
