"""Recording audit entries. Called by other services inside their own transaction."""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time
from typing import Any

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db

# What each recorded action is called in the log, in the reader's language.
ACTION_LABELS = {
    "event.create": _l("Event created"),
    "event.update": _l("Event settings changed"),
    "event.copy": _l("Event copied as the next edition"),
    "content.translate": _l("Translations of organisers' texts saved"),
    "event.export": _l("Event exported to an archive"),
    "event.imported": _l("Event restored from an archive"),
    "auth.login": _l("Logged in"),
    "auth.login_failed": _l("Failed login"),
    "auth.logout": _l("Logged out"),
    "auth.2fa_enabled": _l("Two-step login turned on"),
    "auth.2fa_disabled": _l("Two-step login turned off"),
    "auth.2fa_failed": _l("Wrong two-step login code"),
    "auth.2fa_recovery": _l("Recovery code used to log in"),
    "auth.2fa_new_codes": _l("New recovery codes made (the old ones no longer work)"),
    "data.export": _l("List or file downloaded"),
    "role.grant": _l("Role given"),
    "user.admin": _l("Made an installation administrator"),
    "role.revoke": _l("Role removed"),
    "token.create": _l("API token created"),
    "token.revoke": _l("API token revoked"),
    "participant.create": _l("Participant registered by an organiser"),
    "participant.update": _l("Participant's details changed"),
    "participant.status": _l("Participant's status changed"),
    "participant.category": _l("Participant's category changed"),
    "participant.lock": _l("Participant's data locked"),
    "participant.unlock": _l("Participant's data unlocked"),
    "participant.import": _l("Participants imported"),
    "participant.export_passport": _l("Passport data exported"),
    "participant.merge": _l("Duplicate registrations merged"),
    "participant.merge_removed": _l("Registration removed by a merge (what it held)"),
    "participant.anonymise": _l("Participants anonymised"),
    "participant.visa_letter": _l("Visa invitation letter printed"),
    "visa.step": _l("Visa step recorded"),
    "participant.email": _l("Email sent to participants"),
    "participant.delegation": _l("Participant moved to another delegation"),
    "delegation.create": _l("Delegation created"),
    "delegation.update": _l("Delegation changed"),
    "delegation.order": _l("Protocol order of delegations changed"),
    "delegation.head": _l("Head of delegation chosen"),
    "delegation.delete": _l("Delegation deleted"),
    "registration.limits": _l("Registration places and quotas changed"),
    "venue.create": _l("Venue added"),
    "venue.travel": _l("Travel time between venues set"),
    "room.create": _l("Room added"),
    "activity.create": _l("Activity created"),
    "activity.update": _l("Activity changed"),
    "activity.unschedule": _l("Activity taken off the timetable"),
    "agreement.create": _l("Agreement added"),
    "agreement.signatory": _l("Signatory named"),
    "agreement.witness": _l("Witness added"),
    "agreement.status": _l("Agreement moved in the workflow"),
    "agreement.update": _l("Agreement changed"),
    "agreement.assistant": _l("Signing assistant named"),
    "agreement.scan": _l("Signed copy of an agreement uploaded or removed"),
    "agreement.amend": _l("Signed agreement amended (the record as signed is kept)"),
    "ceremony.materials": _l("Ceremony materials checklist changed"),
    "ceremony.settings": _l("Ceremony settings changed"),
    "checkpoint.create": _l("Checkpoint created"),
    "checkpoint.update": _l("Checkpoint changed"),
    "ceremony.order": _l("Running order of a ceremony changed"),
    "participant.keep_both": _l("Possible duplicates kept apart"),
    "participant.rank": _l("Participant's protocol rank changed"),
    "protocol_ranks.update": _l("Order of precedence changed"),
    "badge.reprint": _l("Badge reprinted (earlier badge revoked)"),
    "badge.batch": _l("Badges printed"),
    "badge.styles": _l("Badge colours and codes changed"),
    "certificate.issue": _l("Certificates issued"),
    "certificate.revoke": _l("Certificate revoked"),
    "certificate.settings": _l("Certificate text changed"),
    "certificate.batch": _l("Certificates printed or emailed"),
}


def record(
    action: str,
    obj: Any,
    *,
    actor: Any = None,
    actor_label: str | None = None,
    event_id: int | None = None,
    changes: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Add an entry for `action` on `obj`; flushed with the caller's transaction.

    `actor` is a User, or None with `actor_label` saying who acted (else the command line).
    `changes` maps a field to [old, new]. The address is the request's client (behind
    EVENTHUB_PROXY_COUNT proxies, the one they saw) unless given.
    """
    if ip_address is None:
        ip_address = (request.remote_addr or "")[:64] if has_request_context() else ""
    entry = AuditEntry(
        user_id=getattr(actor, "id", None),
        actor=getattr(actor, "email", None) or actor_label or "cli",
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "id", "") or ""),
        event_id=event_id,
        changes=_jsonable(changes or {}),
        ip_address=ip_address,
    )
    db.session.add(entry)
    return entry


def record_export(
    event: Any, filename: str, *, actor: Any = None, action: str = "data.export"
) -> AuditEntry:
    """A list or file with personal data left the system: which, for whom, from where.
    `action` names a more sensitive kind ("participant.export_passport"): one entry says
    both what it held and which file."""
    return record(
        action,
        event,
        actor=actor,
        event_id=getattr(event, "id", None),
        changes={"file": [None, filename]},
    )


def diff(obj: Any, new_values: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value in `new_values` differs from `obj`'s, as {field: [old, new]}."""
    return changed({field: getattr(obj, field) for field in new_values}, new_values)


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The keys whose value differs between two snapshots, as {key: [before, after]}."""
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


def _jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    """Raw values: codes, numbers, text; instants in UTC and dates in ISO 8601 (shown in
    the reader's language and the event's zone when read, see display.py)."""

    def plain(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, enum.Enum):
            return plain(value.value)
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, datetime):
            if value.tzinfo is None:  # never guess a zone: keep what was given, marked naive
                return value.isoformat()
            return value.astimezone(UTC).isoformat()
        if isinstance(value, date | time):
            return value.isoformat()
        return str(value)

    return {key: plain(value) for key, value in changes.items()}


def history(obj: Any, limit: int = 100) -> list[AuditEntry]:
    """What was recorded about one record, newest first."""
    import sqlalchemy as sa

    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(
                AuditEntry.object_type == type(obj).__name__, AuditEntry.object_id == str(obj.id)
            )
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
    )
