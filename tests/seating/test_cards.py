"""Place cards, table cards and the entrance plan of a seated banquet, as an organiser prints
them: every name in the Latin script and the guest's own script or Chinese, shaped as HarfBuzz
shapes it; only the changed cards on a reprint; everyone at the door with their table."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.seating import cards, cards_pdf
from eventhub.seating.models import SeatAssignment

from ..pdf_glyphs import compare, harfbuzz_line, pdf_glyphs
from .seated import seat_banquet


def _text(pdf: bytes, *, layout: bool = False) -> str:
    """The PDF's text as a reader copies it (the shaped names through their /ActualText)."""
    return subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()


def _pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    return int(
        next(line for line in info.decode().splitlines() if line.startswith("Pages:")).split()[1]
    )


@pytest.fixture
def seated(app, make, event):
    return seat_banquet(app, make, event)


@pytest.fixture
def organiser(as_role):
    return as_role("organiser")


def _url(event, seated, tail: str = "") -> str:
    return f"/events/{event.slug}/seating/{seated.plan_id}/cards{tail}"


def _printed(app, seated) -> dict[int, object]:
    with app.app_context():
        return dict(
            db.session.execute(
                sa.select(SeatAssignment.participant_id, SeatAssignment.card_printed_at).where(
                    SeatAssignment.plan_id == seated.plan_id
                )
            ).all()
        )


def test_all_place_cards_carry_every_seated_name_in_both_scripts(
    app, client, organiser, event, seated
):
    response = client.post(_url(event, seated, "/all.pdf"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = _text(response.data)
    guests, interpreter = seated.participants[:-1], seated.participants[-1]
    for person in guests:
        # Each name twice: once on each face of the folded card.
        assert text.count(person.family_name) >= 2, person.family_name
        for other in (person.native_name, person.name_zh):
            if other:
                assert text.count(other) >= 2, other
    assert "Dr. Somphone CHANTHAVONG" in text  # the title before the name, as tent cards
    assert "Table 2 · seat 1" in text and "2号桌 1号座" in text
    # The interpreter behind her minister has no card; six cards, two to a sheet.
    assert interpreter.family_name not in text
    assert _pages(response.data) == 3
    printed = _printed(app, seated)
    assert all(printed[p.id] is not None for p in guests)
    assert printed[interpreter.id] is None


def test_place_card_names_are_drawn_glyph_for_glyph_as_harfbuzz_shapes_them(
    app, make, event, seated, monkeypatch
):
    lines = []
    original = cards_pdf.draw_text

    def record(canvas, x, y, text, size, **options):
        # Only the upright faces: the upper face is the same lines turned half round.
        if canvas._currentMatrix[0] > 0:
            lines.append(harfbuzz_line(text, *canvas.absolutePosition(x, y), size, **options))
        return original(canvas, x, y, text, size, **options)

    monkeypatch.setattr(cards_pdf, "draw_text", record)
    with app.app_context():
        plan_places = cards.places_of(db.session.get(cards.SeatingPlan, seated.plan_id))
        pdf = cards_pdf.place_cards(
            [cards.place_card(p) for p in cards.with_cards(plan_places)],
            title="cards",
            table_label=lambda card: f"Table {card.table}",
        )
        drawn = [glyph for page in pdf_glyphs(pdf) for glyph in page]
        assert compare(drawn, lines) == []
    said = {line.text for line in lines}
    # Thai stacked marks, Khmer register shifters, Myanmar medials, Lao, Chinese.
    assert {"สมชาย ใจดี", "ហ៊ុន ម៉ាណែត", "ကျော်အောင်", "ສົມພອນ ຈັນທະວົງ", "王建华"} <= said


def test_place_cards_print_without_empty_boxes(app, client, organiser, event, seated, tmp_path):
    """Every page looked at as an image has ink in both faces of both cards."""
    from PIL import Image, ImageOps

    pdf = client.post(_url(event, seated, "/all.pdf")).data
    (tmp_path / "cards.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "30", "-png", str(tmp_path / "cards.pdf"), str(tmp_path / "page")],
        check=True,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 3
    image = ImageOps.invert(Image.open(pages[0]).convert("L"))
    quarter = image.height // 4
    for face in range(4):  # two cards, two faces each: none left blank
        assert image.crop((0, face * quarter, image.width, (face + 1) * quarter)).getbbox()


def test_changed_cards_print_only_what_changed_and_then_nothing(
    app, client, organiser, event, seated
):
    client.post(_url(event, seated, "/all.pdf"))
    moved = seated.participants[3]  # HUN Manet, moved after the cards were printed
    with app.app_context():
        place = db.session.scalar(
            sa.select(SeatAssignment).where(SeatAssignment.participant_id == moved.id)
        )
        place.seat = 7
        # As the planner does: the move after the print (backdated, not waited for).
        place.card_printed_at -= timedelta(minutes=5)
        place.changed_at = place.card_printed_at + timedelta(minutes=1)
        db.session.commit()

    page = client.get(_url(event, seated)).get_data(as_text=True)
    assert "6 place cards in all: 5 current, 1 to issue." in page
    assert "HUN Manet" in page and "Place changed since its card was printed" in page

    response = client.post(_url(event, seated, "/changed.pdf"))
    assert response.status_code == 200
    text = _text(response.data)
    assert "HUN Manet" in text and "洪玛奈" in text
    assert "Table 2 · seat 7" in text
    others = [p for p in seated.participants if p.id != moved.id]
    assert not any(p.family_name in text for p in others)
    assert _pages(response.data) == 1
    printed = _printed(app, seated)
    assert printed[moved.id] > printed[others[0].id]

    again = client.post(_url(event, seated, "/changed.pdf"), follow_redirects=True)
    assert again.mimetype == "text/html"
    assert "Every place card is current" in again.get_data(as_text=True)


def test_the_reprint_page_counts_new_cards_and_says_why(client, organiser, event, seated):
    page = client.get(_url(event, seated)).get_data(as_text=True)
    assert "6 place cards in all: 0 current, 6 to issue." in page
    assert "6 new places have no card yet." in page and "HUN Manet (Table 2 · seat 1)" in page
    assert "1 interpreter sits behind their principal and has no card." in page


def test_the_entrance_plan_lists_every_guest_with_their_table(client, organiser, event, seated):
    response = client.get(_url(event, seated, "/entrance.pdf"))
    assert response.status_code == 200
    text = _text(response.data, layout=True)
    assert "Version 3" in text
    rows = text.splitlines()
    for person in seated.participants:
        table = seated.places[person.id][0]
        row = next(r for r in rows if person.latin_name in r)
        # The name, then its table at the end of its column.
        after = row.split(person.latin_name, 1)[1].split()
        assert str(table) in after[:4], (person.latin_name, row)
        if person.name_zh:
            assert person.name_zh in row
    # Alphabetical by the Latin sort name.
    order = [
        r
        for p in ("AUNG", "CHANTHAVONG", "HUN", "JAIDEE", "NGUYEN", "PHOMMA", "WANG")
        for r in [text.find(p)]
    ]
    assert order == sorted(order) and -1 not in order


def test_table_cards_show_the_number_and_both_names(client, organiser, event, seated):
    response = client.get(_url(event, seated, "/tables.pdf"))
    text = _text(response.data)
    assert _pages(response.data) == 2
    for name in ("Mekong", "湄公", "Lancang", "澜沧"):
        assert text.count(name) == 2  # both faces


def test_a_plan_of_another_event_or_a_bad_id_is_not_found(client, login, make, event, seated):
    other = make.event()
    # An organiser of both weeks: this week's plan is not found at the other week's address.
    login(make.user(roles={event: "organiser", other: "organiser"}).email)
    for url in (
        f"/events/{other.slug}/seating/{seated.plan_id}/cards",
        f"/events/{event.slug}/seating/99999999999/cards",
        f"/events/{event.slug}/seating/{seated.plan_id + 1000}/cards/entrance.pdf",
    ):
        assert client.get(url).status_code == 404, url


def test_delegates_may_not_print_cards(client, as_role, event, seated):
    as_role("delegate")
    assert client.get(_url(event, seated)).status_code == 403
    assert client.post(_url(event, seated, "/all.pdf")).status_code == 403


def test_a_plan_with_nobody_seated_prints_nothing_and_says_why(app, client, organiser, make, event):
    from eventhub.seating.models import SeatingPlan

    banquet = make.activity(event, title_en="Farewell Dinner")
    with app.app_context():
        plan = SeatingPlan(event_id=event.id, activity_id=banquet.id)
        db.session.add(plan)
        db.session.commit()
        base = f"/events/{event.slug}/seating/{plan.id}/cards"
    page = client.get(base).get_data(as_text=True)
    assert "Nobody is seated in this plan yet" in page
    response = client.post(base + "/all.pdf", follow_redirects=True)
    assert response.mimetype == "text/html"
    assert "there is no card to print" in response.get_data(as_text=True)
    response = client.get(base + "/tables.pdf", follow_redirects=True)
    assert "This plan has no tables yet" in response.get_data(as_text=True)


def test_printing_cards_needs_the_forms_csrf_token(app, client, organiser, event, seated, csrf):
    response = client.post(_url(event, seated, "/changed.pdf"))
    assert response.status_code == 400
    assert all(printed is None for printed in _printed(app, seated).values())
    page = client.get(_url(event, seated)).get_data(as_text=True)
    for action in ("all.pdf", "changed.pdf"):
        form = page.split(f'action="{_url(event, seated, "/" + action)}"', 1)[1].split("</form>")[0]
        assert 'name="csrf_token"' in form, action
