"""What an erasure of one person will remove and keep, counted from their export, for the
page that asks the organiser to confirm it (each line a sentence with its number)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

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
        ngettext(
            "%(num)d personal field: names, contacts, passport, travel, health needs.",
            "%(num)d personal fields: names, contacts, passport, travel, health needs.",
            len(held),
        ),
    ]
    if person.get("photo", "").startswith("held: yes"):
        goes.append(_("The photo."))
    if records.get("mails"):
        goes.append(
            ngettext(
                "The address and text of %(num)d mail (its delivery state stays).",
                "The address and text of %(num)d mails (their delivery state stays).",
                len(records["mails"]),
            )
        )
    if records.get("audit"):
        goes.append(
            ngettext(
                "The details of %(num)d history entry (who did what, when stays).",
                "The details of %(num)d history entries (who did what, when stays).",
                len(records["audit"]),
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
            ngettext(
                "%(num)d place on an agreement not yet signed.",
                "%(num)d places on agreements not yet signed.",
                len(agreements) - len(signed),
            )
        )
    goes.append(_("The participant's own link stops working."))
    stays = [_("Status, country, category and organisation, for the statistics.")]
    if s.get("scans"):
        stays.append(
            ngettext(
                "%(num)d gate scan, without the name (the attendance count).",
                "%(num)d gate scans, without the name (the attendance count).",
                len(s["scans"]),
            )
        )
    if programme.get("enrolments"):
        stays.append(
            ngettext(
                "%(num)d enrolment, as a place taken.",
                "%(num)d enrolments, as places taken.",
                len(programme["enrolments"]),
            )
        )
    if s.get("certificates"):
        stays.append(
            ngettext(
                "%(num)d certificate: its number still verifies as issued, without the name.",
                "%(num)d certificates: their numbers still verify as issued, without the name.",
                len(s["certificates"]),
            )
        )
    if signed:
        stays.append(
            ngettext(
                "%(num)d signing record of a signed agreement, as signed (a public act).",
                "%(num)d signing records of signed agreements, as signed (a public act).",
                len(signed),
            )
        )
    if s.get("privacy", {}).get("consents"):
        stays.append(
            ngettext(
                "%(num)d consent, as proof of what was agreed (no name in it).",
                "%(num)d consents, as proof of what was agreed (no names in them).",
                len(s["privacy"]["consents"]),
            )
        )
    return goes, stays
