"""Badge layout you can trust before printing 3,000: every block measured, nothing under the
category band, floor sizes, the print preview, and print production (bleed, crop marks, quiet
zone, band contrast, whole phone numbers, the country once, A6's own proportions)."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
import sqlalchemy as sa
from flask import Flask
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from eventhub.badges import codes
from eventhub.badges.models import BadgeBatch
from eventhub.badges.render import A6, CR80, BadgeData, Style, draw_badges, page_size
from eventhub.badges.styles import DEFAULT_STYLES
from eventhub.directory.models import Organisation
from eventhub.extensions import db
from eventhub.pdf import register_fonts
from tests.fixtures.name_corpus import ALL, LONG

CODE = codes.make_code(codes.badge_key("k"), 1, 1)
EVENT = {
    "event_en": "2025 China–ASEAN Education Cooperation Week",
    "event_zh": "2025中国—东盟教育交流周",
}
HENG = BadgeData(
    CODE,
    "HENG Sovannarith",
    "ហេង សុវណ្ណរិទ្ធ",
    "Secretary of State, Ministry of Education, Youth and Sport",
    "Ministry of Education, Youth and Sport",
    "Cambodia",
    **EVENT,
)
BRUNEI = BadgeData(
    CODE,
    dict(LONG)["brunei-minister"],
    "",
    "Minister of Education",
    "Ministry of Education",
    "Brunei Darussalam",
    **EVENT,
)
LAO = BadgeData(
    CODE,
    "Bounthavy PHOMMACHANH KEOMANIVONG",
    dict(LONG)["lao-three-words"],
    "Director-General, Department of Higher Education and Vocational Training",
    "Ministry of Education and Sports",
    "Lao PDR",
    **EVENT,
)
YELLOW = Style(*DEFAULT_STYLES[next(c for c in DEFAULT_STYLES if c.value == "media")])


@pytest.fixture(scope="module")
def fonts():
    with Flask(__name__).app_context():
        register_fonts()


def _pdf(badges: list[BadgeData], layout: str, back: bool = False) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=page_size(layout))
    draw_badges(canvas, badges, layout, back=back)
    canvas.save()
    return buffer.getvalue()


def _words(pdf: bytes, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    """(word, x0, y0, x1, y1) in PDF points from the page's foot, as pdftotext finds them."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html).group(1))
    return [
        (word, float(x0), height - float(y1), float(x1), height - float(y0))
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            html,
        )
    ]


def _filled_rects(
    pdf: bytes, colour: str, page: int = 0
) -> list[tuple[float, float, float, float]]:
    """Rectangles filled in `colour` ("#rrggbb") on the page, as (x, y, w, h)."""
    reader = PdfReader(io.BytesIO(pdf))
    target = tuple(round(int(colour[i : i + 2], 16) / 255, 2) for i in (1, 3, 5))
    fill, pending, found = None, [], []
    ops = ContentStream(reader.pages[page].get_contents(), reader).operations
    for operands, operator in ops:
        if operator == b"rg":
            fill = tuple(round(float(v), 2) for v in operands)
        elif operator == b"re":
            pending.append(tuple(float(v) for v in operands))
        elif operator in (b"f", b"f*", b"B", b"b"):
            if fill == target:
                found += pending
            pending = []
        elif operator == b"n":
            pending = []
    return found


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (120, 90, 60)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize("photo", [False, True], ids=["no-photo", "photo"])
@pytest.mark.parametrize(
    ("layout", "data"),
    [("a6", HENG), ("cr80", LAO), ("a6", LAO), ("cr80", HENG), ("a4", LAO)],
    ids=["a6-heng", "cr80-lao", "a6-lao", "cr80-heng", "a4-lao"],
)
def test_no_word_of_the_badge_is_printed_under_the_band(fonts, layout, data, photo):
    """The user saw "Cambodia" and "Lao PDR" disappear under the band: every word of the name,
    title, organisation and country is found above the band's top edge in the PDF."""
    if photo:
        data = BadgeData(**{**data.__dict__, "photo": _jpeg()})
    pdf = _pdf([data], layout)
    band = min(_filled_rects(pdf, data.style.colour), key=lambda r: r[1])
    band_top = band[1] + band[3]
    label_words = set(f"{data.style.code} {data.style.label_en} {data.style.zones}".split())
    words = [w for w in _words(pdf) if w[0] not in label_words and w[0] != "代表"]
    for expected in (*data.country.split(), "Youth" if data.country == "Cambodia" else "Sports"):
        assert expected in [w[0] for w in words], expected
    under = [w for w in words if w[2] < band_top - 0.5]
    assert not under, (layout, band_top, under)


@pytest.mark.parametrize("size", [CR80, A6], ids=["cr80", "a6"])
@pytest.mark.parametrize(("label", "name"), ALL, ids=[label for label, _n in ALL])
def test_every_corpus_name_is_measured_within_its_card_and_above_its_floors(
    fonts, size, label, name
):
    """Each name of the corpus with a two-line title and a long organisation: no block
    overlaps another or the band, no name smaller than the title, no size below its floor."""
    from eventhub.badges.layout import measure_front

    data = BadgeData(
        CODE,
        "SOUVANNAVONG Bounthavy Keomany",
        name,
        "Deputy Director-General, Department of Higher Education and Vocational Training",
        dict(LONG)["long-organisation"] if "long" in label else "Ministry of Education",
        "Lao PDR",
        **EVENT,
    )
    layout = measure_front(data, 0, 0, *size)
    assert layout.problems == [], [(p.kind, p.block, p.size) for p in layout.problems]
    band = layout.blocks["band"]
    stacked = [b for b in layout.blocks.values() if b.name not in ("rule", "band")]
    for block in stacked:
        assert block.y >= band.top - 0.01, block.name
        assert block.y + block.h <= size[1] + 0.01, block.name
    ordered = sorted((b for b in stacked if b.name != "photo"), key=lambda b: -b.top)
    for upper, lower in zip(ordered, ordered[1:], strict=False):
        assert lower.top <= upper.y + 0.01, (upper.name, lower.name)
    name_block = layout.blocks["name"]
    assert name_block.size >= layout.blocks["position"].size
    for block in layout.text_blocks:
        assert block.size >= block.floor, block.name


def test_the_brunei_ministers_long_name_wraps_before_it_shrinks(fonts):
    """On main the name shrank to 6 pt, smaller than the title under it: now it takes more
    lines and keeps at least the card's floor (8 pt) and the title's size."""
    from eventhub.badges.layout import CARD, measure_front

    layout = measure_front(BRUNEI, 0, 0, *CR80)
    name = layout.blocks["name"]
    assert name.size >= CARD.name[1] >= 8
    assert name.size >= layout.blocks["position"].size
    assert len(name.lines) > 2
    assert " ".join(name.lines) == BRUNEI.latin_name  # every word, in order
    assert not layout.problems


def test_a6_has_its_own_proportions_and_room_to_spare(fonts):
    """A6 is not a CR80 card scaled up (scaled, HENG's country fell under the band): its text
    column keeps the largest sizes, with space left above the band."""
    from eventhub.badges.layout import BLEED, CARD, LANYARD, measure_front

    layout = measure_front(HENG, 0, 0, *A6)
    assert layout.blocks["name"].size == LANYARD.name[0]
    assert layout.blocks["country"].y - layout.blocks["band"].top > 5 * mm
    scaled = A6[0] / CR80[0]
    band = layout.blocks["band"].h - BLEED
    assert band == pytest.approx(LANYARD.band)
    assert abs(band - CARD.band * scaled) > 2 * mm  # not the card's band scaled up


@pytest.mark.parametrize("size", [CR80, A6], ids=["cr80", "a6"])
@pytest.mark.parametrize("photo", [False, True], ids=["no-photo", "photo"])
def test_the_qr_code_keeps_four_modules_clear_of_every_coloured_element(fonts, size, photo):
    from eventhub.badges.layout import QR_MODULES, measure_front
    from eventhub.badges.render import qr_matrix

    assert len(qr_matrix(CODE)) == QR_MODULES
    data = BadgeData(**{**HENG.__dict__, "photo": b"jpeg" if photo else None})
    layout = measure_front(data, 0, 0, *size)
    qr = layout.blocks["qr"]
    quiet = 4 * qr.w / QR_MODULES
    for name in ("rule", "band", "photo"):
        if name not in layout.blocks:
            continue
        other = layout.blocks[name]
        dx = max(other.x - (qr.x + qr.w), qr.x - (other.x + other.w), 0)
        dy = max(other.y - (qr.y + qr.h), qr.y - (other.y + other.h), 0)
        assert max(dx, dy) >= quiet - 0.01, (name, dx, dy, quiet)


def test_band_text_is_black_or_white_whichever_reads(fonts):
    """White on the media's yellow is 2.2:1; the band's text must reach 4.5:1 on every
    category's colour, and the PDF draws it in that colour."""
    from eventhub.badges.layout import band_text_colour, contrast

    assert contrast("#ffffff", "#000000") == pytest.approx(21)
    assert contrast(YELLOW.colour, "#ffffff") < 4.5
    for values in DEFAULT_STYLES.values():
        assert contrast(values[0], band_text_colour(values[0])) >= 4.5, values
    data = BadgeData(**{**HENG.__dict__, "style": YELLOW})
    reader = PdfReader(io.BytesIO(_pdf([data], "cr80")))
    ops = ContentStream(reader.pages[0].get_contents(), reader).operations
    fills_before_text, fill = [], None
    for operands, operator in ops:
        if operator == b"rg":
            fill = tuple(float(v) for v in operands)
        elif operator in (b"Tj", b"TJ"):
            fills_before_text.append(fill)
    # The band's letter code is the last text but the label and zones: in black.
    assert fills_before_text[-3:] == [(0, 0, 0)] * 3


def test_bands_bleed_3mm_with_crop_marks_outside(fonts):
    """A4 sheets: the band runs 3 mm past the card's cut on three sides; an A6 page says
    where it is trimmed and how far it bleeds."""
    pdf = _pdf([HENG] * 2, "a4")
    bands = [r for r in _filled_rects(pdf, HENG.style.colour) if r[3] > 5 * mm]
    assert len(bands) == 2
    for _x, _y, w, h in bands:
        assert w == pytest.approx(CR80[0] + 6 * mm)
        assert h == pytest.approx(11 * mm + 3 * mm)
    page = PdfReader(io.BytesIO(_pdf([HENG], "a6"))).pages[0]
    trim = [float(v) for v in page.trimbox]
    bleed = [float(v) for v in page.bleedbox]
    assert [trim[2] - trim[0], trim[3] - trim[1]] == pytest.approx(A6, abs=0.01)
    assert [b - t for b, t in zip(bleed, trim, strict=True)] == pytest.approx(
        [-3 * mm, -3 * mm, 3 * mm, 3 * mm], abs=0.01
    )
    assert float(page.mediabox[2]) > bleed[2] + 3 * mm  # room for the crop marks


def test_the_backs_emergency_number_stays_on_one_line(fonts):
    number = "+855 23 881 234"
    data = BadgeData(
        **{**HENG.__dict__, "back_en": f"Emergency hotline of the organisers: {number}"}
    )
    pdf = _pdf([data], "cr80", back=True)
    text = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    lines = [" ".join(line.replace("\u00a0", " ").split()) for line in text.splitlines()]
    assert any(number in line for line in lines), lines


def test_the_country_is_printed_once(fonts):
    data = BadgeData(
        **{
            **HENG.__dict__,
            "native_name": "",
            "latin_name": "Thida OO",
            "organisation": "Ministry of Education, Myanmar",
            "country": "Myanmar",
        }
    )
    words = [w[0] for w in _words(_pdf([data], "cr80"))]
    assert words.count("Myanmar") == 1 and "Ministry" in words


# --- the print preview and the run ----------------------------------------------------------


def _unfit(make, event):
    with make.app.app_context():
        organisation = Organisation(
            name_en="Ministry of Higher Education, Science, Research and Innovation of the "
            "Kingdom of Thailand, Office of the Permanent Secretary, Bureau of International "
            "Cooperation Strategy",
            country_code="TH",
        )
        db.session.add(organisation)
        db.session.commit()
        organisation_id = organisation.id
    return make.participant(
        event,
        family_name="PENGIRANANAKHAJIMUHAMMADKHAIRULAZMIBINPENGIRANHAJIMOHDYUSOF",
        given_name="Pengiran Anak Haji Muhammad Khairul Azmi",
        native_name="ສົມພອນ ແກ້ວມະນີ ສີຈະເລີນ ວົງສະຫວັນ ພົມມະຈັນ ອິນທະວົງ ສຸວັນນະວົງ",
        position="Deputy Permanent Secretary (Higher Education) and Chair of the Council",
        organisation_id=organisation_id,
    )


def test_the_preview_lists_badges_that_would_not_fit_and_the_run_asks_first(
    client, as_role, app, event, make, held_jobs
):
    make.participant(event, given_name="Fits")
    unfit = _unfit(make, event)
    as_role("organiser")
    url = f"/events/{event.slug}/badges/"
    page = client.post(url, data={"layout": "cr80", "preview": "1"}).get_data(as_text=True)
    assert "1 badge would not print whole" in page
    assert f"/participants/{unfit.id}" in page and "PENGIRANANAK" in page
    # Its long name falls below its floor and its organisation is squeezed: both are said.
    assert "below the smallest size allowed" in page
    assert "would be squeezed narrower to fit" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BadgeBatch)) == 0

    refused = client.post(url, data={"layout": "cr80"})
    assert refused.status_code == 200
    assert "1 badge would not print whole: look at the preview" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BadgeBatch)) == 0

    queued = client.post(url, data={"layout": "cr80", "confirm": "1"})
    assert queued.status_code == 302
    run_page = client.get(queued.headers["Location"]).get_data(as_text=True)
    assert "PENGIRANANAK" in run_page and "does not print whole" in run_page


def test_a_run_that_fits_is_said_to_fit(client, as_role, event, make):
    make.participant(event, given_name="Fits")
    as_role("organiser")
    page = client.post(
        f"/events/{event.slug}/badges/", data={"layout": "a6", "preview": "1"}
    ).get_data(as_text=True)
    assert "Every badge fits" in page


def test_the_style_form_warns_of_white_on_yellow(client, as_role, event):
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/badges/styles").get_data(as_text=True)
    assert 'id="media-contrast"' in page and "prints in black" in page
    assert 'id="delegate-contrast"' not in page


def test_the_preview_writes_nothing_signs_nothing_and_runs_once_per_post(
    client, as_role, app, event, make, held_jobs, monkeypatch
):
    """The preview is read-only: no Badge rows, no signed codes, no photo read; a refused
    run measures each badge once (it was measured twice: in the service, then again for
    the page)."""
    from eventhub.badges import preview as preview_module
    from eventhub.badges.models import Badge

    make.participant(event, given_name="Fits")
    _unfit(make, event)
    as_role("organiser")
    measured = []
    real = preview_module.measure_front

    def counting(data, *args):
        measured.append(data.latin_name)
        return real(data, *args)

    def no_signing(*_args):
        raise AssertionError("the preview signed a code")

    monkeypatch.setattr(preview_module, "measure_front", counting)
    monkeypatch.setattr(codes, "make_code", no_signing)
    url = f"/events/{event.slug}/badges/"
    page = client.post(url, data={"layout": "cr80", "preview": "1"})
    assert "1 badge would not print whole" in page.get_data(as_text=True)
    assert len(measured) == 2
    refused = client.post(url, data={"layout": "cr80"}).get_data(as_text=True)
    assert "1 badge would not print whole: look at the preview" in refused
    assert 'id="preview-findings"' in refused and "PENGIRANANAK" in refused
    assert len(measured) == 4  # two badges, once each
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Badge)) == 0


@pytest.mark.parametrize(
    "line",
    ["Arrival 24 25 July, departure 26 July", "Bus 5 10:30 from the hotel", "Room 3 2nd floor"],
)
def test_only_phone_numbers_are_kept_whole_not_any_digits(line):
    from eventhub.badges.render import keep_numbers

    assert keep_numbers(line) == line


@pytest.mark.parametrize(
    "number", ["+855 23 881 234", "(+86) 10 6512 3456", "(021) 5555 1234", "+66 2 123 4567"]
)
def test_phone_numbers_starting_with_plus_or_bracket_stay_whole(number):
    from eventhub.badges.render import keep_numbers

    kept = keep_numbers(f"Hotline: {number} (24 h)")
    assert number.replace(" ", "\u00a0") in kept and kept.startswith("Hotline: ")


def test_a4_crop_marks_stay_clear_of_the_printers_unprintable_margin(fonts):
    """Office printers leave about 5 mm at each edge unprinted: the crop marks ended
    3.6 mm from the top and bottom of the sheet, so they were lost."""
    from eventhub.badges.render import A4

    margin = 5 * mm

    reader = PdfReader(io.BytesIO(_pdf([HENG] * 9, "a4")))
    ops = ContentStream(reader.pages[0].get_contents(), reader).operations
    points = [tuple(float(v) for v in operands) for operands, op in ops if op in (b"m", b"l")]
    assert points
    for x, y in points:
        assert margin - 0.01 <= x <= A4[0] - margin + 0.01, (x / mm, y / mm)
        assert margin - 0.01 <= y <= A4[1] - margin + 0.01, (x / mm, y / mm)
