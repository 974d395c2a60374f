"""What an erasure of one person will remove and keep, counted from their export, for the
page that asks the organiser to confirm it (each line a sentence with its number)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from eventhub.registration.personal_fields import erased_values


def summary(export: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(what goes, what stays), as sentences."""
    s = export["sections"]
    person = s.get("participant", {})
    fields = person.get("fields", {})
    held = [k for k in erased_values(0) if fields.get(k) not in (None, "", False)]
    if fields.get("passport_number"):
        held.append("passport_number")
    records = s.get("records", {})
    programme = s.get("programme", {})
    agreements = s.get("agreements", [])
    signed = [a for a in agreements if a["status"] in ("signed", "archived")]
    goes = [
        _(
            "%(count)d personal fields: names, contacts, passport, travel, health needs.",
            count=len(held),
        ),
    ]
    if person.get("photo", "").startswith("held: yes"):
        goes.append(_("The photo."))
    if records.get("mails"):
        goes.append(
            _(
                "The address and text of %(count)d mails (their delivery state stays).",
                count=len(records["mails"]),
            )
        )
    if records.get("audit"):
        goes.append(
            _(
                "The details of %(count)d history entries (who did what, when stays).",
                count=len(records["audit"]),
            )
        )
    if records.get("account"):
        goes.append(
            _(
                "The link to the user account (the account is closed unless it has "
                "a role or another registration)."
            )
        )
    if s.get("badges"):
        goes.append(_("The badge: revoked, so a found badge admits nobody; never reprinted."))
    if s.get("visa", {}).get("note"):
        goes.append(_("The visa case's note."))
    if programme.get("roles") or programme.get("calendar_feed"):
        goes.append(_("Roles in the programme and the calendar feed address."))
    if len(agreements) > len(signed):
        goes.append(
            _("%(count)d places on agreements not yet signed.", count=len(agreements) - len(signed))
        )
    goes.append(_("The participant's own link stops working."))
    stays = [_("Status, country, category and organisation, for the statistics.")]
    if s.get("scans"):
        stays.append(
            _(
                "%(count)d gate scans, without the name (the attendance count).",
                count=len(s["scans"]),
            )
        )
    if programme.get("enrolments"):
        stays.append(
            _("%(count)d enrolments, as places taken.", count=len(programme["enrolments"]))
        )
    if s.get("certificates"):
        stays.append(
            _(
                "%(count)d certificates: their numbers still verify as issued, without the name.",
                count=len(s["certificates"]),
            )
        )
    if signed:
        stays.append(
            _(
                "%(count)d signing records of signed agreements, as signed (a public act).",
                count=len(signed),
            )
        )
    if s.get("privacy", {}).get("consents"):
        stays.append(
            _(
                "%(count)d consents, as proof of what was agreed (no names in them).",
                count=len(s["privacy"]["consents"]),
            )
        )
    return goes, stays
