"""Recording audit entries. Called by other services inside their own transaction."""

from __future__ import annotations

from typing import Any

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db


def record(
    action: str,
    obj: Any,
    *,
    actor: Any = None,
    event_id: int | None = None,
    changes: dict[str, Any] | None = None,
    ip_address: str = "",
) -> AuditEntry:
    """Add an entry for `action` on `obj`; flushed with the caller's transaction.

    `actor` is a User or None (command line). `changes` maps a field to [old, new].
    """
    entry = AuditEntry(
        user_id=getattr(actor, "id", None),
        actor=getattr(actor, "email", None) or "cli",
        action=action,
        object_type=type(obj).__name__,
        object_id=str(getattr(obj, "id", "") or ""),
        event_id=event_id,
        changes=_jsonable(changes or {}),
        ip_address=ip_address,
    )
    db.session.add(entry)
    return entry


def diff(obj: Any, new_values: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value in `new_values` differs from `obj`'s, as {field: [old, new]}."""
    return {
        field: [getattr(obj, field), value]
        for field, value in new_values.items()
        if getattr(obj, field) != value
    }


def _jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if value is None or isinstance(value, bool | int | float | str):
            return value
        return str(value)

    return {key: plain(value) for key, value in changes.items()}
