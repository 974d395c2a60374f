"""Builds the demo week, idempotently: every record is found by its natural key first.

The material is generated from a fixed seed, so a second run computes the same rows, finds
them all, and adds nothing.
"""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub import crypto
from eventhub.auth import services as auth_services
from eventhub.auth.models import Role
from eventhub.badges.issuing import badges_for
from eventhub.badges.models import BadgeSettings
from eventhub.certificates.models import CertificateSettings
from eventhub.checkin.models import Admission, Checkpoint, CheckpointStaff, Scan, ScanResult
from eventhub.demo import data
from eventhub.demo.agreements import build_agreements
from eventhub.demo.names import GENERATORS
from eventhub.demo.programme import build_programme
from eventhub.directory.models import Country, Organisation, OrganisationKind
from eventhub.directory.services import ASEAN, find_or_add_organisation, seed_countries
from eventhub.events import services as event_services
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Category, Delegation, Diet, Participant, Status
from eventhub.text import search_text

SEED = 20250724
# The ten members that took part in 2025 (Timor-Leste joined ASEAN in October 2025).
DEMO_ASEAN = sorted(data.FOREIGN_HEADCOUNT)
ACADEMIC = (OrganisationKind.UNIVERSITY, OrganisationKind.COLLEGE)
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


def build_demo_if_empty() -> list[str] | None:
    """The demo week in a database holding no event yet (committed); None when it has one."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Event)):
        return None
    report = build_demo()
    db.session.commit()
    return report


def build_demo() -> list[str]:
    """Create or complete the demo week; returns what it did, a line a step."""
    report = [f"Countries: {seed_countries()} added."]
    event = _event(report)
    organisations = _organisations(report)
    delegations = _delegations(event, organisations, report)
    _participants(event, organisations, delegations, report)
    _accounts(event, report)
    build_programme(event, report)
    build_agreements(event, report)
    _print_settings(event, report)
    _checkpoints(event, report)
    _arrivals(event, report)
    return report


def _arrivals(event: Event, report: list[str]) -> None:
    """The opening morning as the dashboard shows it: most approved participants through
    the main entrance between 07:30 and 09:15, the peak before the 09:00 opening."""
    gate = db.session.scalar(
        sa.select(Checkpoint).where(
            Checkpoint.event_id == event.id, Checkpoint.slug == "main-entrance"
        )
    )
    if gate is None or db.session.scalar(sa.select(Scan.id).where(Scan.event_id == event.id)):
        return
    rng = random.Random(2025)  # noqa: S311 (demo data, not secrets)
    people = list(
        db.session.scalars(
            sa.select(Participant)
            .where(Participant.event_id == event.id, Participant.status == Status.APPROVED)
            .order_by(Participant.id)
        )
    )
    arriving = [p for p in people if rng.random() < 0.78]
    badges_for(arriving)
    zone = ZoneInfo(event.timezone)
    opening = datetime.combine(event.starts_on, time(7, 30), zone)
    devices = ["Gate A phone 1", "Gate A phone 2", "Gate B scanner 1", "Gate B scanner 2"]
    scans = []
    for person in arriving:
        minutes = min(105.0, max(0.0, rng.gauss(70, 18)))  # most just before 09:00
        scans.append(
            Scan(
                event_id=event.id,
                checkpoint_id=gate.id,
                client_scan_id=f"demo-{person.id}",
                code="",
                participant_id=person.id,
                result=ScanResult.ADMITTED,
                reason="admitted",
                scanned_at=opening + timedelta(minutes=minutes),
                device=rng.choice(devices),
            )
        )
    db.session.add_all(scans)
    db.session.flush()
    db.session.add_all(
        Admission(
            checkpoint_id=gate.id,
            participant_id=scan.participant_id,
            day=event.starts_on,
            scan_id=scan.id,
        )
        for scan in scans
    )
    db.session.flush()
    report.append(f"Arrivals at the main entrance on the opening morning: {len(scans)}.")


def _checkpoints(event: Event, report: list[str]) -> None:
    """The gates of the week; the demo's staff account scans at the main entrance."""
    wanted = [
        # slug, English, Chinese, categories, re-entry
        ("main-entrance", "Main entrance", "主入口", "", False),
        ("vip-lounge", "VIP lounge", "贵宾休息室", "official,speaker", True),
        ("plenary-hall", "Plenary hall", "主会场", "", True),
        ("media-centre", "Media centre", "新闻中心", "media,staff", True),
    ]
    added = 0
    for slug, name_en, name_zh, categories, reentry in wanted:
        found = db.session.scalar(
            sa.select(Checkpoint).where(Checkpoint.event_id == event.id, Checkpoint.slug == slug)
        )
        if found is None:
            found = Checkpoint(
                event_id=event.id,
                slug=slug,
                name_en=name_en,
                name_zh=name_zh,
                categories=categories,
                reentry=reentry,
            )
            db.session.add(found)
            db.session.flush()
            added += 1
        if slug == "main-entrance":
            staff = auth_services.get_user_by_email("gate@caecw.example")
            if staff and db.session.get(CheckpointStaff, (found.id, staff.id)) is None:
                db.session.add(CheckpointStaff(checkpoint_id=found.id, user_id=staff.id))
    db.session.flush()
    report.append(f"Checkpoints: {added} added.")


def _print_settings(event: Event, report: list[str]) -> None:
    """What the committee prints on the back of badges and signs certificates with."""
    if db.session.get(BadgeSettings, event.id) is None:
        db.session.add(
            BadgeSettings(
                event_id=event.id,
                back_zh="无线网络：CAECW-2025（密码 asean2025）\n"
                "医疗急救：120 · 组委会热线：0851-8888 2025\n"
                "会场班车：酒店 07:30、08:00 发车",
                back_en="Wi-Fi: CAECW-2025 (password asean2025)\nMedical emergency: 120 · "
                "Committee hotline: +86 851 8888 2025\nShuttles from the hotels at 07:30 and 08:00",
            )
        )
    if db.session.get(CertificateSettings, event.id) is None:
        db.session.add(
            CertificateSettings(
                event_id=event.id,
                signatory_name="陈静 CHEN Jing",
                signatory_title_en="Secretary-General, Organising Committee",
                signatory_title_zh="组委会秘书长",
            )
        )
    report.append("Badge back and certificate signatory set.")


def demo_logins() -> list[tuple[str, str, str]]:
    return [(role, email, password) for role, email, password, _name in data.LOGINS]


def _event(report: list[str]) -> Event:
    event = event_services.get_event_by_slug(data.EVENT["slug"])
    if event is None:
        event = event_services.create_event(dict(data.EVENT))
        report.append(f"Event {event.slug} created.")
    else:
        report.append(f"Event {event.slug} exists.")
    return event


def _organisations(report: list[str]) -> dict[tuple[str, str], Organisation]:
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Organisation))
    found = {}
    for country, entries in data.ORGANISATIONS.items():
        for name_en, name_zh, native, kind, city, _domain in entries:
            found[(country, name_en)] = find_or_add_organisation(
                name_en, country, kind=kind, name_zh=name_zh, name_native=native, city=city
            )
    after = db.session.scalar(sa.select(sa.func.count()).select_from(Organisation))
    report.append(f"Organisations: {after - before} added, {after} in all.")
    return found


def _delegation_names(country: str, organisation: Organisation | None) -> tuple[str, str]:
    if organisation is not None:
        return (f"{organisation.name_en} delegation", f"{organisation.name_zh}代表团")
    c = db.session.get(Country, country)
    if country == "CN":
        return ("Host delegation (China)", "中方代表团")
    return (f"{c.name_en} national delegation", f"{c.name_zh}国家代表团")


def _delegations(event, organisations, report) -> dict[tuple[str, str | None], Delegation]:
    """A national delegation per country, and one per ASEAN university or college."""
    existing = {
        d.name_en: d
        for d in db.session.scalars(sa.select(Delegation).where(Delegation.event_id == event.id))
    }
    wanted: dict[tuple[str, str | None], Delegation] = {}
    added = 0
    for country in ["CN", *DEMO_ASEAN]:
        keys = [(country, None)]
        if country in ASEAN:
            keys += [
                (country, name)
                for (c, name), org in organisations.items()
                if c == country and org.kind in ACADEMIC
            ]
        for key in keys:
            organisation = organisations[key] if key[1] else None
            name_en, name_zh = _delegation_names(country, organisation)
            delegation = existing.get(name_en)
            if delegation is None:
                delegation = Delegation(
                    event=event,
                    name_en=name_en,
                    name_zh=name_zh,
                    country_code=country,
                    organisation=organisation,
                )
                db.session.add(delegation)
                added += 1
            wanted[key] = delegation
    db.session.flush()
    report.append(f"Delegations: {added} added, {len(wanted)} in all.")
    return wanted


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


ZONE = ZoneInfo(data.EVENT["timezone"])


def _logistics(
    country: str, organisation: Organisation, rank: int | None, rng: random.Random
) -> dict:
    """Travel, hotel, diet, interpretation and sometimes a visa letter, as a partner would
    send them: each country's delegation mostly on its own flight."""
    values: dict = {}
    if country == "CN":
        if organisation.city != "Guiyang":
            day = date(2025, 7, 23)
            values.update(
                arrival_date=day,
                arrival_flight=f"G{rng.randint(1300, 2999)}",
                arrival_point="Guiyang North Railway Station",
                arrival_at=datetime.combine(
                    day, time(rng.randint(8, 20), rng.choice((5, 25, 48))), ZONE
                ),
                departure_date=date(2025, 7, 27),
                hotel=rng.choice(data.HOTELS[1:]),
            )
        return values
    flight, day, moment = data.FLIGHTS[country]
    values.update(
        arrival_date=day,
        arrival_at=datetime.combine(day, moment, ZONE),
        arrival_flight=flight,
        arrival_point="Guiyang Longdongbao International Airport (KWE)",
        departure_date=date(2025, 7, 28),
        departure_flight=data.RETURN_FLIGHTS[country],
        departure_point="Guiyang Longdongbao International Airport (KWE)",
        hotel=data.HOTELS[0] if rank and rank <= 3 else rng.choice(data.HOTELS[:2]),
        interpretation_language=data.LANGUAGES.get(country, "") if rng.random() < 0.6 else "",
    )
    muslim_majority = country in ("MY", "ID", "BN")
    roll = rng.random()
    if roll < (0.7 if muslim_majority else 0.04):
        values["diet"] = Diet.HALAL
    elif roll > 0.95:
        values["diet"] = Diet.VEGETARIAN
    if rng.random() < 0.03:
        values["dietary_notes"] = rng.choice(["Nut allergy", "No seafood", "Lactose intolerant"])
    if rng.random() < 0.12:  # a visa invitation letter, with passport details
        number = f"{country[0]}{rng.randint(1000000, 9999999)}"
        values.update(
            visa_letter_requested=True,
            nationality_code=country,
            passport_number_encrypted=crypto.encrypt(number),
            passport_digest=crypto.blind_index(number, "passport"),
            date_of_birth_encrypted=crypto.encrypt(
                date(rng.randint(1960, 1998), rng.randint(1, 12), rng.randint(1, 28)).isoformat()
            ),
            passport_expiry=date(rng.randint(2027, 2034), rng.randint(1, 12), 1),
        )
    return values


def _participant_rows(event, organisations, delegations) -> list[dict]:
    """Every demo participant as a row, in a fixed order from a fixed seed."""
    rng = random.Random(SEED)  # noqa: S311  (repeatable demo data, not secrets)
    domains = {(c, e[0]): e[5] for c, entries in data.ORGANISATIONS.items() for e in entries}
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
        rows.append(
            {
                "event_id": event.id,
                "family_name": family,
                "given_name": given,
                "native_name": native,
                "honorific": honorific,
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
                "phone": f"+{data.CALLING_CODES[country]} {rng.randint(100, 999)} "
                f"{rng.randint(1000, 9999)}",
                **_logistics(country, organisation, rank, logistics_rng),
            }
        )

    logistics_rng = random.Random(SEED + 1)  # noqa: S311  (names stay as they were)
    special = {"head.la@caecw.example": ("LA", 0), "delegate.la@caecw.example": None}
    for country in ["CN", *DEMO_ASEAN]:
        entries = data.ORGANISATIONS[country]
        national = delegations[(country, None)]
        for index, (family, given, native, honorific, position, org_index, rank) in enumerate(
            data.VIPS.get(country, [])
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

        headcount = data.CHINESE_HEADCOUNT if country == "CN" else data.FOREIGN_HEADCOUNT[country]
        generate = GENERATORS[country]
        categories = CHINESE_CATEGORIES if country == "CN" else FOREIGN_CATEGORIES
        heads_given: set[str] = set()
        names_taken: set[tuple[int, str, str]] = set()
        for _ in range(headcount - len(data.VIPS.get(country, []))):
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


def _participants(event, organisations, delegations, report) -> None:
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


def _accounts(event, report) -> None:
    roles = {
        "admin@eventhub.example": None,
        "organiser@caecw.example": Role.ORGANISER,
        "gate@caecw.example": Role.STAFF,
        "head.la@caecw.example": Role.HEAD_OF_DELEGATION,
        "delegate.la@caecw.example": Role.DELEGATE,
    }
    added = 0
    for _role, email, password, name in data.LOGINS:
        user = auth_services.get_user_by_email(email)
        if user is None:
            user = auth_services.create_user(
                email, password, display_name=name, is_admin=roles[email] is None
            )
            added += 1
        if roles[email] is not None:
            auth_services.grant_role(user, event, roles[email])
        participant = db.session.scalar(
            sa.select(Participant).where(
                Participant.event_id == event.id, Participant.email == email
            )
        )
        if participant is not None and participant.user_id is None:
            participant.user_id = user.id
    db.session.flush()
    report.append(f"Accounts: {added} added.")
