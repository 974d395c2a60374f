"""One name model (issue 20, item 5): what forms, lists, the API and the importer put in it,
and what badges and letters print from it."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import openpyxl
import sqlalchemy as sa

from eventhub.badges.printing import badge_data
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant
from tests.registration.test_api import _token
from tests.registration.test_import import _mapping, _upload

from .conftest import api_body


def _api(client, app, event, body):
    return client.post(
        f"/api/v1/events/{event.slug}/registrations",
        json=api_body(body),
        headers={"Authorization": f"Bearer {_token(app, event, 'organiser')}"},
    )


def test_a_malay_name_typed_the_old_way_prints_given_name_first_with_the_style(
    app, client, event, lao_delegate
):
    """The badge printed "BINTI ABDULLAH Nurul Huda" and "Tan Sri Dr. Secretary-General"."""
    body = dict(
        lao_delegate,
        family_name="BINTI ABDULLAH",
        given_name="Nurul Huda",
        honorific="Tan Sri Dr.",
        position="Secretary-General",
        country="MY",
        email="nurul@example.my",
    )
    response = _api(client, app, event, body)
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        person = db.session.get(Participant, response.get_json()["id"])
        [printed] = badge_data(db.session.get(Event, event.id), [person])
        assert printed.latin_name == "Tan Sri Dr. Nurul Huda binti Abdullah"
        assert (person.family_name, person.patronymic) == ("", "binti Abdullah")
        assert (person.style, person.honorific) == ("Tan Sri", "Dr.")
        assert printed.position == "Secretary-General"  # no title glued to it
        assert person.salutation_name == "Tan Sri Dr. Nurul Huda"
        assert person.mrz_name == "NURUL HUDA BINTI ABDULLAH"


def test_the_api_takes_the_new_fields_and_refuses_a_passport_name_with_accents(
    app, client, event, lao_delegate
):
    body = dict(
        lao_delegate,
        family_name="Nguyễn",
        given_name="Thị Lan",
        country="VN",
        email="lan@example.vn",
        style="H.E.",
        name_order="family",
        passport_name="NGUYỄN THỊ LAN",
    )
    refused = _api(client, app, event, body)
    assert refused.status_code == 422
    [message] = refused.get_json()["errors"]["passport_name"]
    assert "A-Z" in message and "NGUYEN THI LAN" in message
    accepted = _api(client, app, event, dict(body, passport_name="nguyen thi lan"))
    assert accepted.status_code == 201, accepted.get_json()
    with app.app_context():
        person = db.session.get(Participant, accepted.get_json()["id"])
        assert person.passport_name == "NGUYEN THI LAN"
        assert person.titled_name == "H.E. Assoc. Prof. Dr. NGUYỄN Thị Lan"


def test_the_openapi_description_lists_the_name_parts(client):
    schema = client.get("/api/v1/openapi.json").get_json()
    registration = schema["components"]["schemas"]
    properties = next(
        s["properties"] for s in registration.values() if "given_name" in s.get("properties", {})
    )
    assert {"patronymic", "style", "name_order", "passport_name"} <= set(properties)


class _Fields(HTMLParser):
    """The values a browser would send back from a form."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in {"file", "submit"}:
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.values[a["name"]] = a.get("value", "y")
            else:
                self.values[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a.get("name")
            self.values.setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _form(page: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(page[page.index('enctype="multipart/form-data"') :])
    return parser.values


NAME_COLUMNS = ("family_name", "given_name", "patronymic", "style", "honorific", "name_order")


def test_saving_the_form_unchanged_moves_nothing(app, client, as_role, make, event):
    university = make.organisation(country_code="MY", name_en="Universiti Malaya")
    person = make.participant(
        event,
        organisation_id=university.id,
        family_name="",
        given_name="Ahmad",
        patronymic="bin Hassan",
        style="Tan Sri",
        honorific="Dr.",
        country_code="MY",
        name_order="",
        passport_name="AHMAD BIN HASSAN",
    )
    with app.app_context():
        before = tuple(getattr(db.session.get(Participant, person.id), c) for c in NAME_COLUMNS)
    assert before[-1] == ""  # Malaysia's custom, left to the country
    as_role("organiser")
    url = f"/events/{event.slug}/participants/{person.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Tan Sri Dr. Ahmad bin Hassan" in page
    response = client.post(url, data=_form(page), follow_redirects=True)
    shown = response.get_data(as_text=True)
    assert "Nothing was changed." in shown, re.findall(r"invalid-feedback[^>]*>([^<]*)", shown)
    with app.app_context():
        after = db.session.get(Participant, person.id)
        assert tuple(getattr(after, c) for c in NAME_COLUMNS) == before
        assert after.passport_name == "AHMAD BIN HASSAN"


def test_a_wrong_passport_name_keeps_what_was_typed(app, client, as_role, make, event):
    university = make.organisation(country_code="MY", name_en="Universiti Malaya")
    person = make.participant(
        event, organisation_id=university.id, country_code="MY", family_name="", given_name="Ahmad"
    )
    as_role("organiser")
    url = f"/events/{event.slug}/participants/{person.id}"
    data = _form(client.get(url).get_data(as_text=True))
    data.update(patronymic="bin Hassan", style="Tan Sri", passport_name="AHMAD B. HASSAN")
    page = client.post(url, data=data).get_data(as_text=True)
    assert "capital letters A-Z and spaces only" in page
    assert 'value="bin Hassan"' in page and 'value="Tan Sri"' in page
    with app.app_context():
        assert db.session.get(Participant, person.id).patronymic == ""


def test_import_reads_the_name_part_columns(app, client, as_role, event):
    csv = (
        b"Family name,Given name,bin/binti,Style,Title,Passport name,Order,Organisation,Country,"
        b"Email\n"
        b",Nurul Huda,binti Abdullah,Yang Mulia,Dr.,,,Universiti Brunei Darussalam,BN,"
        b"nurul@example.bn\n"
        b"Jaidee,Somchai,,,Mr.,JAIDEE SOMCHAI,family,Chulalongkorn University,TH,"
        b"somchai@example.th\n"
        b"LIM,Wei Ling,,Dato',Prof.,,family,Universiti Malaya,MY,lim@example.my\n"
    )
    as_role("organiser")
    preview = _upload(client, event, csv, "names.csv")
    page = client.get(preview).get_data(as_text=True)
    response = client.post(
        preview, data={"action": "import", **_mapping(page)}, follow_redirects=True
    )
    assert "3 participants imported" in response.get_data(as_text=True)
    with app.app_context():
        people = {p.email: p for p in db.session.scalars(sa.select(Participant))}
        nurul = people["nurul@example.bn"]
        assert nurul.titled_name == "Yang Mulia Dr. Nurul Huda binti Abdullah"
        somchai = people["somchai@example.th"]
        assert somchai.name_order == "family" and somchai.latin_name == "JAIDEE Somchai"
        assert somchai.mrz_name == "JAIDEE SOMCHAI"
        lim = people["lim@example.my"]
        assert lim.titled_name == "Dato' Prof. LIM Wei Ling"  # a Chinese Malaysian name


def test_a_malay_name_is_found_by_the_fathers_name(app, client, as_role, event, lao_delegate):
    body = dict(
        lao_delegate,
        family_name="",
        given_name="Nurul Huda",
        patronymic="binti Abdullah",
        country="MY",
        email="nurul@example.my",
    )
    assert _api(client, app, event, body).status_code == 201
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/participants/?q=abdullah").get_data(as_text=True)
    assert "Nurul Huda binti Abdullah" in page


def test_the_rooming_list_gives_hotels_the_passport_name(app, client, as_role, make, event):
    make.participant(
        event, family_name="Nguyễn", given_name="Thị Lan", country_code="VN", hotel="Guiyang Hotel"
    )
    as_role("organiser")
    response = client.get(f"/events/{event.slug}/participants/export/rooming.xlsx")
    rows = [
        [c.value for c in r]
        for r in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows()
    ]
    column = rows[0].index("Name in the passport's machine-readable zone")
    assert rows[1][column] == "NGUYEN THI LAN"
    assert rows[1][1] == "NGUYỄN Thị Lan"


def test_an_indonesian_anak_agung_keeps_the_family_name(app, client, event, lao_delegate):
    """ "Anak Agung" is a Balinese title: the API saved "Gde Agung anak Agung"."""
    body = dict(
        lao_delegate,
        family_name="ANAK AGUNG",
        given_name="Gde Agung",
        country="ID",
        email="agung@example.id",
    )
    response = _api(client, app, event, body)
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        person = db.session.get(Participant, response.get_json()["id"])
        assert (person.family_name, person.patronymic) == ("ANAK AGUNG", "")
        assert person.latin_name == "Gde Agung ANAK AGUNG"


def test_a_corrected_country_brings_its_custom_order(app, client, as_role, make, event):
    """Saved as Thai, corrected to Vietnamese: the badge still printed "Van Minh NGUYEN"."""
    university = make.organisation(country_code="VN", name_en="Vietnam National University")
    person = make.participant(
        event,
        organisation_id=university.id,
        family_name="NGUYEN",
        given_name="Van Minh",
        country_code="TH",
        name_order="",
    )
    as_role("organiser")
    url = f"/events/{event.slug}/participants/{person.id}"
    data = _form(client.get(url).get_data(as_text=True))
    assert data["name_order"] == ""  # "as customary in the country"
    data.update(country="VN")
    response = client.post(url, data=data, follow_redirects=True)
    assert "NGUYEN Van Minh" in response.get_data(as_text=True)
    with app.app_context():
        after = db.session.get(Participant, person.id)
        assert (after.country_code, after.name_order) == ("VN", "")
        assert after.latin_name == "NGUYEN Van Minh"
