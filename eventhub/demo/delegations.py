"""Who each country sends: how many, the VIPs who lead, and the delegations they form."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.directory.models import Country, Organisation, OrganisationKind
from eventhub.directory.services import ASEAN
from eventhub.extensions import db
from eventhub.registration.models import Delegation

# How many people each ASEAN country sends (about 1,150 foreign guests in all).
FOREIGN_HEADCOUNT = {
    "TH": 190,
    "LA": 150,
    "KH": 130,
    "MM": 100,
    "VN": 150,
    "MY": 130,
    "SG": 70,
    "ID": 120,
    "PH": 70,
    "BN": 40,
}
CHINESE_HEADCOUNT = 3080

# The ten members that took part in 2025 (Timor-Leste joined ASEAN in October 2025).
DEMO_ASEAN = sorted(FOREIGN_HEADCOUNT)
ACADEMIC = (OrganisationKind.UNIVERSITY, OrganisationKind.COLLEGE)

# Each ASEAN country's national delegation: its head and the VIPs travelling with it.
# (country, delegation name in English / Chinese, [(family, given, native, honorific,
#  position, organisation index, protocol rank)], head index)
VIPS: dict[str, list[tuple[str, str, str, str, str, int, int]]] = {
    "LA": [
        ("PHOMMACHANH", "Bounmy", "ບຸນມີ ພົມມະຈັນ", "H.E.", "Minister of Education and Sports", 0, 2),
        (
            "SOUVANNAVONG",
            "Khamphanh",
            "ຄຳພັນ ສຸວັນນະວົງ",
            "H.E.",
            "Vice-Chair of the National Assembly",
            0,
            2,
        ),
        (
            "INTHAVONG",
            "Viengsavanh",
            "ວຽງສະຫວັນ ອິນທະວົງ",
            "H.E.",
            "Ambassador of the Lao PDR to China",
            3,
            3,
        ),
    ],
    "TH": [
        (
            "SUKSAWAT",
            "Wichai",
            "วิชัย สุขสวัสดิ์",
            "H.E.",
            "Minister of Higher Education, Science, Research and Innovation",
            0,
            2,
        ),
        (
            "NA AYUTTHAYA",
            "Pimchanok",
            "พิมพ์ชนก ณ อยุธยา",
            "H.E.",
            "Ambassador of Thailand to China",
            4,
            3,
        ),
    ],
    "KH": [
        (
            "HENG",
            "Sovannarith",
            "ហេង សុវណ្ណរិទ្ធ",
            "H.E.",
            "Secretary of State, Ministry of Education, Youth and Sport",
            0,
            3,
        ),
        ("TEP", "Chanmony", "ទេព ច័ន្ទមុនី", "H.E.", "Ambassador of Cambodia to China", 4, 3),
    ],
    "MM": [
        ("", "Myint Myat Htun", "မြင့်မြတ်ထွန်း", "H.E. U", "Deputy Minister of Education", 0, 3),
        ("", "Thida Oo", "သီတာဦး", "H.E. Daw", "Ambassador of Myanmar to China", 3, 3),
    ],
    "VN": [
        (
            "HOÀNG",
            "Minh Tuấn",
            "Hoàng Minh Tuấn",
            "H.E.",
            "Vice Minister of Education and Training",
            0,
            3,
        ),
        ("PHẠM", "Quang Huy", "Phạm Quang Huy", "H.E.", "Ambassador of Viet Nam to China", 3, 3),
    ],
    "MY": [
        (
            "BIN OMAR",
            "Ahmad Faizal",
            "",
            "Yang Berhormat Dato' Seri",
            "Minister of Higher Education",
            0,
            2,
        ),
        (
            "BINTI HASSAN",
            "Siti Khadijah",
            "",
            "H.E. Datin",
            "Ambassador of Malaysia to China",
            3,
            3,
        ),
    ],
    "SG": [
        (
            "TAN",
            "Kah Wee",
            "陈家伟",
            "Mr.",
            "Senior Parliamentary Secretary, Ministry of Education",
            0,
            3,
        ),
    ],
    "ID": [
        (
            "NUGROHO",
            "Bayu",
            "",
            "H.E. Prof. Dr.",
            "Minister of Higher Education, Science and Technology",
            0,
            2,
        ),
        ("", "Sutrisno", "", "H.E.", "Ambassador of Indonesia to China", 3, 3),
    ],
    "PH": [
        (
            "DE LOS SANTOS",
            "Jose Miguel",
            "",
            "Hon.",
            "Chairperson, Commission on Higher Education",
            0,
            3,
        ),
    ],
    "BN": [
        (
            "PEHIN ORANG KAYA HAJI MOHAMMAD",
            "Pengiran Anak Haji Muhammad Khairul Azmi bin",
            "",
            "Yang Berhormat",
            "Minister of Education",
            0,
            2,
        ),
    ],
    "CN": [
        ("WANG", "Jianhua", "王建华", "H.E.", "Vice Minister of Education", 0, 3),
        ("ZHOU", "Guoqing", "周国庆", "Mr.", "Vice Governor of Guizhou Province", 1, 4),
        (
            "LIN",
            "Haiyan",
            "林海燕",
            "Ms.",
            "Director-General, Department of International "
            "Cooperation and Exchanges, Ministry of Education",
            0,
            4,
        ),
    ],
}


def _delegation_names(country: str, organisation: Organisation | None) -> tuple[str, str]:
    if organisation is not None:
        return (f"{organisation.name_en} delegation", f"{organisation.name_zh}代表团")
    c = db.session.get(Country, country)
    if country == "CN":
        return ("Host delegation (China)", "中方代表团")
    return (f"{c.name_en} national delegation", f"{c.name_zh}国家代表团")


def build_delegations(event, organisations, report) -> dict[tuple[str, str | None], Delegation]:
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
    # Protocol order: the host delegation first, then the national delegations and the
    # universities, as listed above (the organisers change it on the Delegations page).
    for number, delegation in enumerate(wanted.values(), start=1):
        if not delegation.protocol_order:
            delegation.protocol_order = number
    db.session.flush()
    report.append(f"Delegations: {added} added, {len(wanted)} in all.")
    return wanted
