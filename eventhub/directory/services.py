"""The country list and organisation lookups."""

from __future__ import annotations

import pycountry
import sqlalchemy as sa
from babel import Locale
from sqlalchemy.exc import IntegrityError

from eventhub.directory.models import (
    Country,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
)
from eventhub.extensions import db

# Members of ASEAN. Timor-Leste joined on 26 October 2025 as the eleventh.
ASEAN = {"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN", "TL"}
CHINA = "CN"
# ASEAN's own short forms, which delegations expect on their badges and flags.
ENGLISH_OVERRIDES = {
    "BN": "Brunei Darussalam",
    "LA": "Lao PDR",
    "MM": "Myanmar",
    "VN": "Viet Nam",
    "TL": "Timor-Leste",
    "HK": "Hong Kong, China",
    "MO": "Macao, China",
}


def country_rows() -> list[dict]:
    """Every ISO 3166-1 country with English and Chinese names and flags."""
    english, chinese = Locale.parse("en").territories, Locale.parse("zh_Hans").territories
    rows = []
    for entry in pycountry.countries:
        code = entry.alpha_2
        rows.append(
            {
                "code": code,
                "name_en": ENGLISH_OVERRIDES.get(code) or english.get(code) or entry.name,
                "name_zh": chinese.get(code) or entry.name,
                "is_asean": code in ASEAN,
                "is_focus": code in ASEAN or code == CHINA,
            }
        )
    return rows


def seed_countries() -> int:
    """Add the countries not yet stored and keep the flags right; returns how many added."""
    existing = {c.code: c for c in db.session.scalars(sa.select(Country))}
    added = 0
    for row in country_rows():
        country = existing.get(row["code"])
        if country is None:
            db.session.add(Country(**row))
            added += 1
        else:
            country.is_asean, country.is_focus = row["is_asean"], row["is_focus"]
    db.session.flush()
    return added


def countries_for_choice() -> list[Country]:
    """China and ASEAN first, then the rest, each alphabetically in English."""
    return list(
        db.session.scalars(sa.select(Country).order_by(Country.is_focus.desc(), Country.name_en))
    )


def find_or_add_organisation(
    name_en: str,
    country_code: str,
    *,
    pending: bool,
    kind: OrganisationKind = OrganisationKind.OTHER,
    name_zh: str = "",
    name_native: str = "",
    city: str = "",
) -> Organisation:
    """The organisation of this name in this country, added when missing.

    Several registrations naming a new organisation at the same moment all get the one row
    the first of them adds (the unique key decides; the others read it back). A new one is
    `pending` review when named by the public or a partner, accepted when by an organiser; an
    existing one keeps its status (naming it again accepts nothing).
    """
    name_en = " ".join(name_en.split())
    query = sa.select(Organisation).where(
        Organisation.country_code == country_code,
        sa.func.lower(Organisation.name_en) == name_en.lower(),
    )
    organisation = db.session.scalar(query)
    if organisation is None:
        organisation = Organisation(
            name_en=name_en,
            country_code=country_code,
            kind=kind,
            name_zh=name_zh,
            name_native=name_native,
            city=city,
            status=OrganisationStatus.PENDING if pending else OrganisationStatus.ACCEPTED,
        )
        try:
            with db.session.begin_nested():
                db.session.add(organisation)
        except IntegrityError:
            organisation = db.session.scalar(query)
    return organisation


def accepted_organisations() -> sa.Select:
    """The organisations any picker may offer: those an organiser entered or accepted."""
    return sa.select(Organisation).where(Organisation.status == OrganisationStatus.ACCEPTED)


def organisation_names() -> list[str]:
    """Every accepted organisation's English name, in order: the registration form's
    suggestions (a pending one is shown to nobody but the person who typed it)."""
    return list(
        db.session.scalars(
            sa.select(Organisation.name_en)
            .where(Organisation.status == OrganisationStatus.ACCEPTED)
            .order_by(Organisation.name_en)
        )
    )
