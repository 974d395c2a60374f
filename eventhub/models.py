"""Imports every domain's models, so the metadata is complete for Alembic and create_all."""

from eventhub.audit.models import AuditEntry
from eventhub.auth.models import ApiToken, EventMembership, RecoveryCode, Role, User
from eventhub.badges.models import Badge, BadgeBatch, BadgeSettings, BadgeStyle
from eventhub.ceremonies.models import (
    Agreement,
    AgreementAmendment,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    AgreementTransition,
    AgreementWitness,
)
from eventhub.certificates.models import Certificate, CertificateKind, CertificateSettings
from eventhub.checkin.models import Admission, Checkpoint, CheckpointStaff, Scan, ScanResult
from eventhub.directory.models import Country, Organisation, OrganisationKind
from eventhub.events.models import Event
from eventhub.outbox.models import MailState, OutboxMessage
from eventhub.registration.models import (
    Category,
    Delegation,
    Diet,
    DuplicateDismissal,
    ImportBatch,
    Participant,
    ParticipantPhoto,
    PendingPhoto,
    ProtocolRank,
    Source,
    Status,
)
from eventhub.scheduling.models import (
    Activity,
    ActivityPerson,
    ActivityRole,
    ActivityState,
    ActivityType,
    AgendaFeed,
    Enrolment,
    EnrolmentStatus,
    Room,
    TravelTime,
    Venue,
)
from eventhub.visas.models import VisaCase, VisaStep

__all__ = [
    "Admission",
    "Checkpoint",
    "CheckpointStaff",
    "Scan",
    "ScanResult",
    "Badge",
    "BadgeBatch",
    "BadgeSettings",
    "BadgeStyle",
    "Certificate",
    "CertificateKind",
    "CertificateSettings",
    "ProtocolRank",
    "Agreement",
    "AgreementAmendment",
    "AgreementKind",
    "AgreementParty",
    "AgreementStatus",
    "AgreementTransition",
    "AgreementWitness",
    "Activity",
    "ActivityPerson",
    "ActivityRole",
    "ActivityState",
    "ActivityType",
    "AgendaFeed",
    "Enrolment",
    "EnrolmentStatus",
    "Room",
    "TravelTime",
    "Venue",
    "ApiToken",
    "AuditEntry",
    "Category",
    "Country",
    "Delegation",
    "Diet",
    "DuplicateDismissal",
    "ImportBatch",
    "MailState",
    "OutboxMessage",
    "Event",
    "EventMembership",
    "Organisation",
    "OrganisationKind",
    "Participant",
    "ParticipantPhoto",
    "PendingPhoto",
    "Role",
    "Source",
    "Status",
    "RecoveryCode",
    "User",
    "VisaCase",
    "VisaStep",
]
