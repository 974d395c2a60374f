"""The participants of the demo week, row by row from a fixed seed, and each delegation's head."""

from __future__ import annotations

import random
import re
import unicodedata

import sqlalchemy as sa

from eventhub import personnames
from eventhub.demo.delegations import (
    ACADEMIC,
    CHINESE_HEADCOUNT,
    DEMO_ASEAN,
    FOREIGN_HEADCOUNT,
    VIPS,
)
from eventhub.demo.logistics import logistics_of
from eventhub.demo.names import GENERATORS
from eventhub.demo.organisations import ORGANISATIONS
from eventhub.directory.models import Organisation, OrganisationKind
from eventhub.extensions import db
from eventhub.registration.models import Category, Participant, Status
from eventhub.text import search_text

SEED = 20250724

POSITIONS = {
    "academic": [
        "Rector",
        "Vice President",
        "Dean of Engineering",
        "Head of International Relations",
        "Senior Lecturer",
        "Lecturer in Logistics",
        "Director of Industry Partnerships",
        "Professor of Computer Science",
        "Associate Professor of Education",
        "Researcher",
        "Student Representative",
        "Director of the Confucius Institute Office",
    ],
    "government": [
        "Director General",
        "Deputy Director",
        "Senior Officer",
        "Head of Division",
        "Education Officer",
        "Deputy Director of Vocational Training",
    ],
    "embassy": [
        "Counsellor (Education)",
        "First Secretary",
        "Second Secretary",
        "Education Attaché",
    ],
    "enterprise": ["General Manager", "HR Director", "Chief Engineer", "Training Manager"],
    "alliance": ["Secretary General", "Programme Officer", "Coordinator"],
}
FOREIGN_CATEGORIES = [
    (Category.DELEGATE, 80),
    (Category.SPEAKER, 8),
    (Category.OFFICIAL, 4),
    (Category.MEDIA, 3),
    (Category.INTERPRETER, 3),
    (Category.STAFF, 2),
]
CHINESE_CATEGORIES = [
    (Category.DELEGATE, 70),
    (Category.SPEAKER, 5),
    (Category.MEDIA, 7),
    (Category.INTERPRETER, 5),
    (Category.STAFF, 7),
    (Category.VOLUNTEER, 6),
]
STATUSES = [
    (Status.APPROVED, 86),
    (Status.PENDING, 8),
    (Status.WAITLISTED, 2),
    (Status.REJECTED, 2),
    (Status.WITHDRAWN, 2),
]

CALLING_CODES = {
    "CN": 86,
    "TH": 66,
    "LA": 856,
    "KH": 855,
    "MM": 95,
    "VN": 84,
    "MY": 60,
    "SG": 65,
    "ID": 62,
    "PH": 63,
    "BN": 673,
}


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z]", "", folded.encode("ascii", "ignore").decode().lower()) or "guest"


def _weighted(rng: random.Random, options: list[tuple[object, int]]):
    return rng.choices([o for o, _w in options], weights=[w for _o, w in options])[0]


def _position(rng: random.Random, organisation: Organisation) -> str:
    kind = organisation.kind
    if kind in ACADEMIC:
        return rng.choice(POSITIONS["academic"])
    if kind == OrganisationKind.EMBASSY:
        return rng.choice(POSITIONS["embassy"])
    if kind == OrganisationKind.ENTERPRISE:
        return rng.choice(POSITIONS["enterprise"])
    if kind == OrganisationKind.ALLIANCE:
        return rng.choice(POSITIONS["alliance"])
    return rng.choice(POSITIONS["government"])


# Where the demo's family names are Chinese ones (LIM Wei Ling), written family name first;
# Malay names there have a patronymic and no family name.
CHINESE_FAMILY_NAMES_IN = frozenset({"MY", "SG", "BN"})


def _name_parts(country: str, family: str, given: str, honorific: str) -> dict[str, str]:
    """The generators' "FAMILY Given" and one title, as the name model stores them: a
    patronymic ("binti Abdullah"), a style (Yang Mulia, Dato') apart from the honorific, and
    the customary order (Thai given name first, Chinese family name first)."""
    family, given, patronymic = personnames.split_patronymic(family, given, country)
    style, honorific = personnames.split_title(honorific)
    # Empty: the country's custom, as the form's "As customary in my country" stores it;
    # Chinese Malaysians and Singaporeans write their family name first.
    order = "family" if country in CHINESE_FAMILY_NAMES_IN and family else ""
    return {
        "family_name": family,
        "given_name": given,
        "patronymic": patronymic,
        "style": style,
        "honorific": honorific,
        "name_order": order,
        "country_code": country,
    }


def _participant_rows(event, organisations, delegations) -> list[dict]:
    """Every demo participant as a row, in a fixed order from a fixed seed."""
    rng = random.Random(SEED)  # noqa: S311  (repeatable demo data, not secrets)
    domains = {(c, e[0]): e[5] for c, entries in ORGANISATIONS.items() for e in entries}
    rows: list[dict] = []

    def add(
        country,
        organisation,
        family,
        given,
        native,
        honorific,
        position,
        category,
        status,
        rank,
        delegation,
        email=None,
    ):
        number = len(rows) + 1
        email = email or (
            f"{_ascii(given.split()[0])}.{number:04d}@{domains[(country, organisation.name_en)]}"
        )
        names = _name_parts(country, family, given, honorific)
        rows.append(
            {
                "event_id": event.id,
                **names,
                "native_name": native,
                "position": position,
                "organisation_id": organisation.id,
                "country_code": country,
                "category": category,
                "status": status,
                "protocol_rank": rank,
                "delegation_id": delegation.id if delegation else None,
                "email": email,
                # What the name searches look in (the participant list, the gate, certificates).
                "search_text": search_text(family, given, native, email, organisation.name_en),
                # A bulk insert skips the model's save hook: the sort key is set here.
                "sort_name": personnames.sort_key(names),
                "phone": f"+{CALLING_CODES[country]} {rng.randint(100, 999)} "
                f"{rng.randint(1000, 9999)}",
                **logistics_of(country, organisation, rank, logistics_rng),
            }
        )

    logistics_rng = random.Random(SEED + 1)  # noqa: S311  (names stay as they were)
    special = {"head.la@caecw.example": ("LA", 0), "delegate.la@caecw.example": None}
    for country in ["CN", *DEMO_ASEAN]:
        entries = ORGANISATIONS[country]
        national = delegations[(country, None)]
        for index, (family, given, native, honorific, position, org_index, rank) in enumerate(
            VIPS.get(country, [])
        ):
            organisation = organisations[(country, entries[org_index][0])]
            email = (
                "head.la@caecw.example"
                if (country, index) == special["head.la@caecw.example"]
                else None
            )
            add(
                country,
                organisation,
                family,
                given,
                native,
                honorific,
                position,
                Category.OFFICIAL,
                Status.APPROVED,
                rank,
                national,
                email,
            )
        if country == "LA":
            organisation = organisations[("LA", "National University of Laos")]
            add(
                "LA",
                organisation,
                "KEOMANY",
                "Somphone",
                "ສົມພອນ ແກ້ວມະນີ",
                "Assoc. Prof. Dr.",
                "Vice President",
                Category.DELEGATE,
                Status.APPROVED,
                6,
                delegations[("LA", organisation.name_en)],
                "delegate.la@caecw.example",
            )

        headcount = CHINESE_HEADCOUNT if country == "CN" else FOREIGN_HEADCOUNT[country]
        generate = GENERATORS[country]
        categories = CHINESE_CATEGORIES if country == "CN" else FOREIGN_CATEGORIES
        heads_given: set[str] = set()
        names_taken: set[tuple[int, str, str]] = set()
        for _ in range(headcount - len(VIPS.get(country, []))):
            organisation = organisations[(country, entries[rng.randrange(len(entries))][0])]
            # Two people of one name at one organisation happen, but rarely: re-draw.
            for _attempt in range(25):
                family, given, native, honorific = generate(rng)
                if (organisation.id, family, given) not in names_taken:
                    break
            names_taken.add((organisation.id, family, given))
            delegation = None
            rank = None
            if country != "CN":
                delegation = delegations.get((country, organisation.name_en), national)
                if organisation.kind in ACADEMIC and organisation.name_en not in heads_given:
                    heads_given.add(organisation.name_en)
                    rank = 5  # the first of each university leads its delegation
            elif organisation.kind in (
                OrganisationKind.MINISTRY,
                OrganisationKind.GOVERNMENT_AGENCY,
            ):
                delegation = national
            add(
                country,
                organisation,
                family,
                given,
                native,
                honorific,
                "President" if rank == 5 else _position(rng, organisation),
                _weighted(rng, categories),
                Status.APPROVED if rank else _weighted(rng, STATUSES),
                rank,
                delegation,
            )
    return rows


def build_participants(event, organisations, delegations, report) -> None:
    rows = _participant_rows(event, organisations, delegations)
    existing = set(
        db.session.scalars(sa.select(Participant.email).where(Participant.event_id == event.id))
    )
    missing = [row for row in rows if row["email"] not in existing]
    if missing:
        db.session.execute(sa.insert(Participant), missing)
    # Heads: the most senior member of each delegation, as listed first.
    for delegation in delegations.values():
        if delegation.head_id is None:
            delegation.head_id = db.session.scalar(
                sa.select(Participant.id)
                .where(Participant.delegation_id == delegation.id)
                .order_by(
                    Participant.protocol_rank.is_(None), Participant.protocol_rank, Participant.id
                )
                .limit(1)
            )
    db.session.flush()
    total = db.session.scalar(sa.select(sa.func.count()).where(Participant.event_id == event.id))
    report.append(f"Participants: {len(missing)} added, {total} in all.")
