"""Hostile text everywhere it can be typed: shown as text on every page and in PDFs, never
run as markup; searches treat SQL and LIKE characters as letters."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa
from pypdf import PdfReader

from eventhub.certificates.services import format_serial
from eventhub.extensions import db

from .test_authorization import _log_in, _requests, _world

PAYLOAD = "<script>alert(1)</script><img src=x onerror=alert(2)>&<b>"
# Where people, delegations, venues, activities, agreements and gates get their text.
FIELDS = {
    "participant": (
        "family_name",
        "given_name",
        "native_name",
        "honorific",
        "position",
        "dietary_notes",
        "accessibility_needs",
        "hotel",
        "arrival_point",
        "status_reason",
    ),
    "delegation": ("name_en", "name_zh"),
    "organisation": ("name_en", "name_zh", "name_native", "city"),
    "activity": ("title_en", "title_zh", "description_en", "description_zh"),
    "room": ("name_en", "name_zh", "equipment"),
    "venue": ("name_en", "name_zh", "address"),
    "agreement": ("title_en", "title_zh", "field", "notes"),
    "checkpoint": ("name_en", "name_zh"),
}


def _poison(app, world: dict) -> None:
    from eventhub.ceremonies.models import Agreement
    from eventhub.checkin.models import Checkpoint
    from eventhub.registration.models import Delegation, Participant
    from eventhub.scheduling.models import Activity, Room

    with app.app_context():
        person = db.session.get(Participant, world["participant_id"])
        room = db.session.get(Room, world["room_id"])
        rows = {
            "participant": person,
            "delegation": db.session.get(Delegation, world["delegation_id"]),
            "organisation": person.organisation,
            "activity": db.session.get(Activity, world["activity_id"]),
            "room": room,
            "venue": room.venue,
            "agreement": db.session.get(Agreement, world["agreement_id"]),
            "checkpoint": db.session.get(Checkpoint, world["checkpoint_id"]),
        }
        for kind, names in FIELDS.items():
            assert rows[kind] is not None, kind
            for name in names:
                setattr(rows[kind], name, PAYLOAD)
        db.session.commit()


def test_hostile_text_is_shown_as_text_on_every_page_and_in_pdfs(app, client, make):
    world = _world(app, make)
    _poison(app, world)
    _log_in(client, "organiser")
    unsafe, failed, pdfs = [], [], {}
    for endpoint, method, url in _requests(app, world):
        if method != "GET" or endpoint.startswith("api.") and endpoint != "api.openapi":
            continue
        response = client.get(url)
        if response.status_code >= 500:
            failed.append(f"{url}: {response.status_code}")
        body = response.get_data()
        if response.mimetype == "text/html":
            text = body.decode()
            if "<script>alert(1)" in text or "<img src=x onerror" in text:
                unsafe.append(url)
        elif response.mimetype == "application/pdf" and response.status_code == 200:
            pdfs[endpoint] = body
    assert not failed and not unsafe, (failed, unsafe)
    # Where the payload is printed, it is printed as typed: reportlab's markup is not run.
    for endpoint in ("badges.participant_badge", "ceremonies.signing_register"):
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdfs[endpoint])).pages)
        assert "<script>alert(1)</script>" in re.sub(r"\s+", "", text).lower(), endpoint


def test_searches_take_sql_and_wildcards_as_letters(app, client, make):
    world = _world(app, make)
    _log_in(client, "organiser")
    slug, ref = world["slug"], world["ref"]
    serial = format_serial(world["serial"])
    # The list is paged (the demo week issued thousands): found by the holder's name.
    with app.app_context():
        from eventhub.registration.models import Participant

        name = db.session.get(Participant, world["participant_id"]).family_name
    found = client.get(f"/events/{slug}/certificates/", query_string={"q": name})
    assert serial in found.get_data(as_text=True)
    for query in ("' OR 1=1 --", '" OR ""="', "%", "_", "\\", "'; DROP TABLE participant; --"):
        listing = client.get(f"/events/{slug}/participants/", query_string={"q": query})
        assert listing.status_code == 200, query
        assert "No participant matches these filters." in listing.get_data(as_text=True), query
        found = client.get(f"/events/{slug}/checkin/{ref}/search", query_string={"q": query})
        assert found.status_code == 200 and found.get_json()["people"] == [], query
        certificates = client.get(f"/events/{slug}/certificates/", query_string={"q": query})
        assert serial not in certificates.get_data(as_text=True), query
    with app.app_context():
        from eventhub.registration.models import Participant

        assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) > 4000


def test_an_imported_list_with_sql_and_markup_in_its_cells_is_refused_or_kept_as_text(
    app, client, as_role, event
):
    from eventhub.registration.models import Participant

    from .registration.test_import import _mapping, _upload

    as_role("organiser")
    rows = [
        "family_name,given_name,organisation,country,email",
        "O'BRIEN,Seán,\"Robert'); DROP TABLE participant;--\",TH,obrien@example.ac.th",
        f"\"{PAYLOAD}\",\"' OR '1'='1\",Chulalongkorn University,TH,x1@example.ac.th",
    ]
    preview = _upload(client, event, "\n".join(rows).encode(), "list.csv")
    page = client.get(preview).get_data(as_text=True)
    # Markup and quotes are no passport name: the row is refused by name, nothing imported.
    assert "<script>alert(1)" not in page
    assert "Names cannot contain &lt; or &gt;." in page and "Import 2" not in page
    # Without that row, the SQL in the organisation's name is stored as typed.
    preview = _upload(client, event, "\n".join(rows[:2]).encode(), "list.csv")
    page = client.get(preview).get_data(as_text=True)
    done = client.post(preview, data={"action": "import", **_mapping(page)}, follow_redirects=True)
    assert "imported from list.csv." in done.get_data(as_text=True)
    with app.app_context():
        (stored,) = db.session.scalars(
            sa.select(Participant).where(Participant.event_id == event.id)
        ).all()
        assert stored.organisation.name_en == "Robert'); DROP TABLE participant;--"
        assert (stored.family_name, stored.given_name) == ("O'BRIEN", "Seán")
    listing = client.get(f"/events/{event.slug}/participants/").get_data(as_text=True)
    assert "O&#39;BRIEN" in listing
