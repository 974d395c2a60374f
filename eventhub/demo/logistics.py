"""How the guests travel and stay: flights, hotels, diet, interpretation, visa letters."""

from __future__ import annotations

import random
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from eventhub import crypto
from eventhub.demo.event import EVENT
from eventhub.directory.models import Organisation
from eventhub.registration.models import Diet

# Each country's delegation mostly arrives on one flight (local time in Guiyang).
FLIGHTS = {
    "LA": ("QV 917", date(2025, 7, 23), time(14, 35)),
    "KH": ("CZ 3052", date(2025, 7, 23), time(9, 10)),
    "MM": ("MU 2032", date(2025, 7, 24), time(1, 20)),
    "VN": ("VN 530", date(2025, 7, 23), time(21, 45)),
    "MY": ("MH 376", date(2025, 7, 23), time(16, 5)),
    "ID": ("MH 376", date(2025, 7, 23), time(16, 5)),
    "PH": ("PR 336", date(2025, 7, 23), time(12, 30)),
    "BN": ("BI 651", date(2025, 7, 23), time(18, 40)),
    "SG": ("SQ 830", date(2025, 7, 23), time(13, 15)),
    "TH": ("FD 578", date(2025, 7, 23), time(11, 50)),
}
# The flights home on 28 July (local time in Guiyang).
RETURN_FLIGHTS = {
    "LA": ("QV 918", time(15, 40)),
    "KH": ("CZ 3051", time(8, 30)),
    "MM": ("MU 2031", time(22, 10)),
    "VN": ("VN 531", time(23, 5)),
    "MY": ("MH 377", time(17, 20)),
    "ID": ("MH 377", time(17, 20)),
    "PH": ("PR 337", time(13, 50)),
    "BN": ("BI 652", time(19, 55)),
    "SG": ("SQ 831", time(14, 30)),
    "TH": ("FD 579", time(12, 45)),
}

HOTELS = ["Eco-Conference Center Hotel", "Guiyang Lakeside Hotel", "Huaxi Garden Hotel"]
LANGUAGES = {
    "LA": "lo",
    "KH": "km",
    "MM": "my",
    "VN": "vi",
    "TH": "th",
    "ID": "id",
    "MY": "en",
    "PH": "en",
    "BN": "en",
    "SG": "en",
}

ZONE = ZoneInfo(EVENT["timezone"])


def logistics_of(
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
                hotel=rng.choice(HOTELS[1:]),
            )
        return values
    flight, day, moment = FLIGHTS[country]
    values.update(
        arrival_date=day,
        arrival_at=datetime.combine(day, moment, ZONE),
        arrival_flight=flight,
        arrival_point="Guiyang Longdongbao International Airport (KWE)",
        departure_date=date(2025, 7, 28),
        departure_at=datetime.combine(date(2025, 7, 28), RETURN_FLIGHTS[country][1], ZONE),
        departure_flight=RETURN_FLIGHTS[country][0],
        departure_point="Guiyang Longdongbao International Airport (KWE)",
        hotel=HOTELS[0] if rank and rank <= 3 else rng.choice(HOTELS[:2]),
        interpretation_language=LANGUAGES.get(country, "") if rng.random() < 0.6 else "",
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
