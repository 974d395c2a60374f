"""The audit logs: an event's, for its organisers, and the whole installation's (logins and
failed logins too, which belong to no event), for installation administrators; filtered,
paged, exported."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, render_template, request
from flask_babel import lazy_gettext as _l

from eventhub.audit import display, queries
from eventhub.auth.access import admin_required, event_view
from eventhub.auth.models import ApiToken, EventMembership, Role
from eventhub.events import bp
from eventhub.events.forms import ROLE_LABELS
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized
from eventhub.web import paginate, record_download

display.describe_values("role", ROLE_LABELS)
display.describe_fields(
    {
        "slug": _l("Web address (slug)"),
        "name_en": _l("Name in English"),
        "name_zh": _l("Name in Chinese"),
        "city_en": _l("City in English"),
        "city_zh": _l("City in Chinese"),
        "venue_address": _l("Venue address"),
        "venue_address_zh": _l("Venue address in Chinese"),
        "starts_on": _l("First day"),
        "ends_on": _l("Last day"),
        "timezone": _l("Time zone"),
        "registration_opens_at": _l("Online registration opens"),
        "registration_closes_at": _l("Online registration closes"),
        "letter_issuer_en": _l("Letters issued by (English)"),
        "letter_issuer_zh": _l("Letters issued by (Chinese)"),
        "letter_signatory": _l("Signatory"),
        "letter_signatory_title_en": _l("Signatory's title (English)"),
        "letter_signatory_title_zh": _l("Signatory's title (Chinese)"),
        "letter_contact": _l("Contact for the embassies"),
        "programme_opens_at": _l("Programme starts each day at"),
        "programme_closes_at": _l("Programme ends each day at"),
        "lunch_starts_at": _l("Lunch from"),
        "lunch_ends_at": _l("Lunch until"),
        "vip_rest_minutes": _l("VIPs' rest between two duties (minutes)"),
    }
)
display.describe_record(
    "Event", _l("Event settings"), Event, display.endpoint_url("events.settings")
)
display.describe_record(
    "EventMembership", _l("Team role"), EventMembership, display.endpoint_url("events.team")
)
display.describe_record("User", _l("Account"))
display.describe_record(
    "ApiToken", _l("API token"), ApiToken, display.endpoint_url("events.tokens")
)


@bp.get("/events/<slug>/audit")
@event_view(Role.ORGANISER)
def audit_log(event):
    filters, page = _filtered_page(event)
    return render_template(
        "events/audit.html",
        event=event,
        record_urls=display.record_urls(page.items, event),
        **_page_values(event, filters, page),
    )


def _filtered_page(event):
    """The filters the query string asks for and the page of entries they find, in `event`'s
    log (None: the installation's)."""
    filters = queries.AuditFilters.from_args(request.args)
    return filters, paginate(queries.entries_query(event, filters))


def _page_values(event, filters, page) -> dict:
    return {
        "page": page,
        "filters": filters,
        "choices": queries.choices(event),
        "action_label": queries.action_label,
        "record_label": display.record_label,
        "changes_of": display.changes_of,
    }


@bp.get("/events/<slug>/audit.csv")
@event_view(Role.ORGANISER)
def audit_export(event):
    """The entries the page shows with the same filters, all pages, as CSV."""
    filters = queries.AuditFilters.from_args(request.args)
    entries = db.session.scalars(queries.entries_query(event, filters).limit(queries.EXPORT_LIMIT))
    body = queries.to_csv(entries)
    record_download(event, f"audit-{event.slug}.csv")
    return _csv_response(body, f"audit-{event.slug}.csv")


@bp.get("/admin/audit")
@admin_required
def installation_audit():
    """Every entry, of every event and of none (logins, failed logins), with the address."""
    filters, page = _filtered_page(None)
    return render_template(
        "events/installation_audit.html",
        events=_events_of(page.items),
        **_page_values(None, filters, page),
    )


@bp.get("/admin/audit.csv")
@admin_required
def installation_audit_export():
    filters = queries.AuditFilters.from_args(request.args)
    entries = list(
        db.session.scalars(queries.entries_query(None, filters).limit(queries.EXPORT_LIMIT))
    )
    names = {id_: localized(e, "name") for id_, e in _events_of(entries).items()}
    body = queries.to_csv(entries, event_names=names)
    record_download(None, "audit-installation.csv")
    return _csv_response(body, "audit-installation.csv")


def _events_of(entries) -> dict[int, Event]:
    """{event id: event} for the events the entries belong to (a deleted one is absent)."""
    ids = {entry.event_id for entry in entries if entry.event_id}
    if not ids:
        return {}
    return {e.id: e for e in db.session.scalars(sa.select(Event).where(Event.id.in_(ids)))}


def _csv_response(body: bytes, filename: str) -> Response:
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
