"""Badges: signed codes that decode from print and phone, reprints that revoke, print runs."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from eventhub.badges import checking, codes, issuing, printing
from eventhub.badges.models import Badge, BadgeBatch, BatchState
from eventhub.badges.styles import styles_of
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.registration.models import Category, Delegation, Participant, Status
from eventhub.registration.own_link import new_access_key
from tests.conftest import run_held


def _own_key(app, participant_id: int) -> str:
    with app.app_context():
        person = db.session.get(Participant, participant_id)
        key = new_access_key(person)
        db.session.commit()
        return key


def _decode_pdf(pdf: bytes, dpi: int) -> list[str]:
    """Every QR code found on the PDF's pages rasterised at `dpi`, as a printer would."""
    found = []
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    for page in range(1, pages + 1):
        png = subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-"],
            input=pdf,
            capture_output=True,
            check=True,
        ).stdout
        found += [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
    return found


def test_codes_are_signed_and_cannot_be_forged_or_altered():
    key = codes.badge_key("one secret")
    code = codes.make_code(key, 4021, 3)
    assert code.startswith("EH1") and code.isalnum() and code.isupper() and len(code) == 29
    assert codes.read_code(key, code) == (4021, 3)
    assert codes.read_code(key, f" {code.lower()}\n") == (4021, 3)  # scanner noise forgiven
    assert codes.read_code(codes.badge_key("another secret"), code) is None  # forged
    for position in (5, 12, 28):  # any character altered
        altered = code[:position] + ("A" if code[position] != "A" else "B") + code[position + 1 :]
        assert codes.read_code(key, altered) is None
    assert codes.read_code(key, "EH1") is None and codes.read_code(key, "x" * 500) is None


def test_badges_already_printed_keep_scanning(app):
    """The signing key is the one badges were always signed with: the secret key's HMAC of
    "eventhub badge codes v1" (or BADGE_KEY's when set), so printed codes stay valid."""
    import hashlib
    import hmac

    from eventhub import crypto

    def old_key(secret: str) -> bytes:
        return hmac.new(secret.encode(), b"eventhub badge codes v1", hashlib.sha256).digest()

    with app.app_context():
        assert crypto.signing_key("badge") == old_key(app.config["SECRET_KEY"])
        assert codes.read_code(
            crypto.signing_key("badge"), codes.make_code(old_key(app.config["SECRET_KEY"]), 7, 2)
        ) == (7, 2)
        app.config["BADGE_KEY"] = "a key of their own"
        try:
            assert crypto.signing_key("badge") == old_key("a key of their own")
        finally:
            del app.config["BADGE_KEY"]
    assert codes.badge_key("one secret") == old_key("one secret")


def test_own_badge_decodes_at_300_dpi_and_a_reprint_revokes_it(client, as_role, app, event, make):
    person = make.participant(event, family_name="KEOMANY", given_name="Somphone")
    key = _own_key(app, person.id)
    response = client.get(f"/events/{event.slug}/me/{key}/badge.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    (code,) = _decode_pdf(response.data, 300)
    phone = zxingcpp.read_barcodes(
        Image.open(io.BytesIO(client.get(f"/events/{event.slug}/me/{key}/badge-qr.png").data))
    )
    assert [r.text for r in phone] == [code]
    with app.app_context():
        check = checking.check_code(event.id, code)
        assert check.result == "valid" and check.holder.id == person.id
        other = make.event()
        assert checking.check_code(other.id, code).result == "invalid"

    as_role("organiser")
    detail = f"/events/{event.slug}/participants/{person.id}"
    refused = client.post(f"{detail}/badge/reprint", data={"reason": " "}, follow_redirects=True)
    assert "Say why the badge is reprinted" in refused.get_data(as_text=True)
    page = client.post(
        f"{detail}/badge/reprint", data={"reason": "Lost at the banquet"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "Badge version 2 issued" in page and "Lost at the banquet" in page
    (new_code,) = _decode_pdf(client.get(f"{detail}/badge.pdf?layout=cr80").data, 300)
    assert new_code != code
    with app.app_context():
        assert checking.check_code(event.id, code).result == "revoked"
        assert checking.check_code(event.id, new_code).result == "valid"


def test_the_participant_pages_show_the_badge(client, as_role, app, event, make):
    """Registration's pages show what badges adds through their signals: the downloads on
    the participant's own page, the badge's state and reprint form on the organisers'."""
    person = make.participant(event)
    waiting = make.participant(event, given_name="Waiting", status=Status.PENDING)
    own = client.get(f"/events/{event.slug}/me/{_own_key(app, person.id)}").get_data(as_text=True)
    assert "Your badge (PDF)" in own and "Badge QR code for your phone" in own
    pending = client.get(f"/events/{event.slug}/me/{_own_key(app, waiting.id)}")
    assert "Your badge (PDF)" not in pending.get_data(as_text=True)

    as_role("organiser")
    detail = f"/events/{event.slug}/participants/{person.id}"
    page = client.get(detail).get_data(as_text=True)
    assert 'id="badge-heading"' in page and "Not printed yet." in page
    assert "Reprint: revoke the printed badge" not in page  # no badge to revoke yet
    client.get(f"{detail}/badge.pdf")
    page = client.get(detail).get_data(as_text=True)
    assert "Version 1" in page and "Reprint: revoke the printed badge" in page
    page = client.get(f"/events/{event.slug}/participants/{waiting.id}").get_data(as_text=True)
    assert 'id="badge-heading"' not in page


def test_only_approved_participants_have_badges(client, app, event, make):
    person = make.participant(event, status=Status.PENDING)
    key = _own_key(app, person.id)
    response = client.get(f"/events/{event.slug}/me/{key}/badge.pdf")
    assert response.status_code == 409
    assert "once your registration is approved" in response.get_data(as_text=True)
    assert client.get(f"/events/{event.slug}/me/not-a-key/badge.pdf").status_code == 404


def test_head_of_delegation_prints_their_delegation_only(client, as_role, app, event, make):
    ours, theirs = make.delegation(event), make.delegation(event)
    for n in range(10):
        make.participant(event, given_name=f"Member{n}", delegation_id=ours.id)
    make.participant(event, given_name="Pending", delegation_id=ours.id, status=Status.PENDING)
    head_user = as_role("head_of_delegation")
    with app.app_context():
        head = Participant(
            event_id=event.id,
            given_name="Head",
            country_code="LA",
            status=Status.APPROVED,
            delegation_id=ours.id,
            user_id=head_user.id,
        )
        db.session.add(head)
        db.session.flush()
        db.session.get(type(ours), ours.id).head_id = head.id
        db.session.commit()
    response = client.get(f"/events/{event.slug}/delegations/{ours.id}/badges.pdf")
    assert response.status_code == 200
    # Eleven approved (ten members and the head) on two A4 sheets of nine; not the pending one.
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 2
    assert len(_decode_pdf(response.data, 150)) == 11
    assert client.get(f"/events/{event.slug}/delegations/{theirs.id}/badges.pdf").status_code == 403


def test_a_print_run_is_queued_drawn_apart_and_then_only_changes_are_new(
    client, as_role, app, event, make, held_jobs
):
    people = [make.participant(event, given_name=f"Delegate{n}") for n in range(12)]
    make.participant(event, given_name="Rejected", status=Status.REJECTED)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/badges/").get_data(as_text=True)
    assert "12 badges to print." in page
    response = client.post(f"/events/{event.slug}/badges/", data={"layout": "cr80"})
    assert response.status_code == 302
    run_url = response.headers["Location"]
    progress = client.get(f"{run_url}.json").get_json()
    assert progress == {"state": "queued", "done": 0, "total": 12, "error": "", "download": None}
    assert client.get(f"{run_url}.pdf").status_code == 409

    with app.app_context():
        batch_id = db.session.scalar(sa.select(BadgeBatch.id))
    assert [task.name for task, _args in held_jobs] == ["eventhub.badges.tasks.draw_print_run"]
    run_held(app, held_jobs)  # the job worker draws it
    progress = client.get(f"{run_url}.json").get_json()
    assert progress["state"] == "done" and progress["done"] == 12 and progress["download"]
    pdf = client.get(progress["download"]).data
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 12  # one CR80 card a page

    changed = f"/events/{event.slug}/badges/?changed=1"
    assert "0 badges to print." in client.get(changed).get_data(as_text=True)
    client.post(
        f"/events/{event.slug}/participants/{people[3].id}/badge/reprint",
        data={"reason": "Name corrected"},
    )
    assert "1 badge to print." in client.get(changed).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(BadgeBatch, batch_id).state == BatchState.DONE
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Badge)) == 12


def test_nothing_to_print_is_said_not_queued(client, as_role, app, event):
    as_role("organiser")
    response = client.post(f"/events/{event.slug}/badges/", data={"layout": "a4"})
    assert "No approved participant matches" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BadgeBatch)) == 0


def test_a_run_whose_people_no_longer_match_says_so(client, as_role, app, event, make, held_jobs):
    person = make.participant(event)
    as_role("organiser")
    run_url = client.post(f"/events/{event.slug}/badges/", data={"layout": "a4"}).headers[
        "Location"
    ]
    with app.app_context():
        from eventhub.registration.models import Participant

        db.session.get(Participant, person.id).status = Status.WITHDRAWN  # before the run
        db.session.commit()
        batch_id = db.session.scalar(sa.select(BadgeBatch.id))
    result = app.test_cli_runner().invoke(args=["badges-run", str(batch_id)])
    assert result.exit_code == 0, result.output
    progress = client.get(f"{run_url}.json").get_json()
    assert progress["state"] == "failed" and progress["download"] is None
    assert progress["error"] == "Nothing left to do: no one matches this run any more."


def test_badges_are_for_organisers_and_the_people_themselves(client, as_role, event, make):
    person = make.participant(event)
    as_role("staff")
    assert client.get(f"/events/{event.slug}/badges/").status_code == 403
    assert client.get(f"/events/{event.slug}/participants/{person.id}/badge.pdf").status_code == 403
    response = client.post(
        f"/events/{event.slug}/participants/{person.id}/badge/reprint", data={"reason": "x"}
    )
    assert response.status_code == 403


def test_cli_prints_a_delegation(app, event, make, tmp_path):
    delegation = make.delegation(event, name_en="Lao Delegation")
    for n in range(3):
        make.participant(event, given_name=f"Lao{n}", delegation_id=delegation.id)
    make.participant(event, given_name="Elsewhere")
    out = tmp_path / "lao.pdf"
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "badges",
            event.slug,
            "--out",
            str(out),
            "--layout",
            "a6",
            "--delegation",
            "Lao Delegation",
            "--workers",
            "1",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "3 badges written" in result.output
    assert len(PdfReader(str(out)).pages) == 3
    unknown = runner.invoke(args=["badges", event.slug, "--out", str(out), "--delegation", "Nope"])
    assert unknown.exit_code != 0 and "No delegation 'Nope'" in unknown.output


@pytest.mark.parametrize("workers", [1, 2])
def test_a_large_run_in_parts_keeps_every_badge_once(app, event, make, workers):
    import pikepdf  # noqa: F401 (the parts are joined with it)

    with app.app_context():
        stored = db.session.merge(event)
        db.session.add_all(
            Participant(
                event_id=event.id,
                family_name=f"P{n:04d}",
                given_name="Test",
                country_code="LA",
                status=Status.APPROVED,
            )
            for n in range(25)
        )
        db.session.flush()
        people = list(db.session.scalars(printing.batch_query(stored, printing.BatchFilters())))
        original, printing.PART_SIZE = printing.PART_SIZE, 9  # three parts of nine
        statements = []
        engine = db.session.get_bind().engine

        def log(conn, cursor, statement, *args):
            statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", log)
        drawn = []
        try:
            buffer = io.BytesIO()
            count = printing.write_badges(
                stored,
                people,
                buffer,
                layout="a4",
                workers=workers,
                release=db.session.expire_all,  # what a run's commit does to its people
                drawn=drawn,
            )
        finally:
            printing.PART_SIZE = original
            sa.event.remove(engine, "before_cursor_execute", log)
        # A part comes back in one query, not one a person.
        assert not [q for q in statements if "WHERE participant.id = " in q]
        expected = [issuing.code_of(b) for b in issuing.badges_for(people).values()]
        # Reprinted while the run was drawing: still to print after the run.
        issuing.reprint(people[0], "Lost while printing", actor=None)
        printing.mark_printed(drawn, utcnow())
        assert printing.count_batch(stored, printing.BatchFilters(changed_only=True)) == 1
        db.session.rollback()
    assert count == 25 and len(drawn) == 25
    assert len(PdfReader(io.BytesIO(buffer.getvalue())).pages) == 3
    decoded = _decode_pdf(buffer.getvalue(), 200)
    assert sorted(decoded) == sorted(expected)


def test_organisers_set_the_colour_scheme_and_bad_values_are_refused_whole(
    client, as_role, app, event
):
    as_role("organiser")
    url = f"/events/{event.slug}/badges/styles"
    page = client.get(url).get_data(as_text=True)
    form = dict(re.findall(r'name="([a-z]+-[a-z_]+)" id="[^"]+" value="([^"]*)"', page))
    assert form["delegate-code"] == "D" and form["official-colour"] == "#c8102e"
    form.update({"delegate-colour": "blue", "media-code": "D", "speaker-label_zh": ""})
    refused = client.post(url, data=form).get_data(as_text=True)
    assert "A colour such as #c8102e." in refused
    assert "Another category already uses this code." in refused
    assert "Required." in refused
    assert 'value="blue"' in refused  # kept as typed
    form.update({"delegate-colour": "#0055aa", "media-code": "m", "speaker-label_zh": "演讲嘉宾"})
    saved = client.post(url, data=form, follow_redirects=True).get_data(as_text=True)
    assert "Saved." in saved
    with app.app_context():
        styles = styles_of(event.id)
        assert styles[Category.DELEGATE].colour == "#0055aa"
        assert styles[Category.MEDIA].code == "M"


def test_backs_carry_the_events_information_behind_each_front(
    client, as_role, app, event, make, tmp_path
):
    make.participant(event, family_name="KEOMANY", given_name="Somphone")
    make.participant(event, family_name="HENG", given_name="Sreypov", country_code="KH")
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/badges/styles").get_data(as_text=True)
    form = dict(re.findall(r'name="([a-z]+-[a-z_]+)" id="[^"]+" value="([^"]*)"', page))
    form.update(back_en="Wi-Fi: CAECW-2025\nMedical emergency: 120", back_zh="无线网络：CAECW-2025")
    assert "Saved." in client.post(
        f"/events/{event.slug}/badges/styles", data=form, follow_redirects=True
    ).get_data(as_text=True)
    out = tmp_path / "duplex.pdf"
    result = app.test_cli_runner().invoke(
        args=[
            "badges",
            event.slug,
            "--out",
            str(out),
            "--layout",
            "cr80",
            "--back",
            "--workers",
            "1",
        ]
    )
    assert result.exit_code == 0, result.output
    reader = PdfReader(str(out))
    assert len(reader.pages) == 4  # front, back, front, back
    fronts_and_backs = [p.extract_text() for p in reader.pages]
    assert "HENG Sreypov" in fronts_and_backs[0] and "Wi-Fi" not in fronts_and_backs[0]
    assert "Wi-Fi: CAECW-2025" in fronts_and_backs[1] and "HENG Sreypov" in fronts_and_backs[1]
    assert "Medical emergency: 120" in fronts_and_backs[3]
    assert "Somphone KEOMANY" in fronts_and_backs[3]


def test_a_120_character_name_shrinks_and_stays_on_its_card(app):
    """Nine cards of the longest names side by side: no ink in the gutters between them,
    beyond the bands' 3 mm bleed (only the crop marks at the corners), so nothing ran off a
    card."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from eventhub.badges.render import (
        A4,
        A4_GUTTER,
        A4_ROW_GUTTER,
        BLEED,
        CR80,
        BadgeData,
        draw_badges,
    )
    from eventhub.pdf import register_fonts

    name = "PENGIRAN ANAK HAJI MUHAMMAD KHAIRUL AZMI BIN PENGIRAN HAJI MOHD YUSOF " * 2
    long = BadgeData(
        code=codes.make_code(codes.badge_key("k"), 1, 1),
        latin_name=name[:120],
        native_name="ສົມພອນ ແກ້ວມະນີ ສີຈະເລີນ ວົງສະຫວັນ ພົມມະຈັນ ອິນທະວົງ ສຸວັນນະວົງ",
        position="Deputy Permanent Secretary (Higher Education) and Chair of the Council",
        organisation="Ministry of Higher Education, Science, Research and Innovation of the "
        "Kingdom of Thailand, Office of the Permanent Secretary",
        country="Brunei Darussalam",
    )
    with app.app_context():
        register_fonts()
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4)
        draw_badges(canvas, [long] * 9, "a4")
        canvas.save()
    dpi = 100
    png = subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-"],
        input=buffer.getvalue(),
        capture_output=True,
        check=True,
    ).stdout
    image = Image.open(io.BytesIO(png)).convert("L")
    px = dpi / 25.4  # pixels per mm
    gutter, bleed, (w, h) = A4_GUTTER / mm, BLEED / mm, (CR80[0] / mm, CR80[1] / mm)
    left = (210 - 3 * w - 2 * gutter) / 2
    rows = A4_ROW_GUTTER / mm
    bottom = (297 - 3 * h - 2 * rows) / 2
    for column in (1, 2):  # the two vertical gutters, away from the corners' marks
        x0 = left + column * w + (column - 1) * gutter + bleed + 0.4
        strip = image.crop(
            (
                int(x0 * px),
                int((297 - bottom - 3 * h - 2 * rows) * px) + 20,
                int((x0 + gutter - 2 * bleed - 0.8) * px),
                int((297 - bottom) * px) - 20,
            )
        )
        ink = strip.point(lambda v: 255 if v < 128 else 0)
        rows_with_ink = [
            y for y in range(ink.height) if ink.crop((0, y, ink.width, y + 1)).getbbox()
        ]
        # Crop marks: short horizontal lines at the card edges; nothing else.
        assert len(rows_with_ink) <= 12, rows_with_ink


def test_drawing_processes_end_with_a_killed_job_worker(tmp_path):
    """A job worker killed mid-run (deploy, out of memory) leaves no drawing process behind
    waiting for work forever."""
    import os
    import signal
    import sys
    import time

    script = tmp_path / "worker.py"
    # The pool's processes report their ids; then the worker is killed as a deploy would.
    script.write_text(
        "import os, sys, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from eventhub.badges.printing import _die_with_parent, _process_context\n"
        "def pid(_):\n"
        "    time.sleep(0.2)\n"
        "    return os.getpid()\n"
        "if __name__ == '__main__':\n"
        "    pool = ProcessPoolExecutor(2, mp_context=_process_context(),"
        " initializer=_die_with_parent)\n"
        "    print(' '.join(map(str, set(pool.map(pid, range(6))))), flush=True)\n"
        "    time.sleep(60)\n"
    )
    worker = subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=os.getcwd()
    )
    children = [int(pid) for pid in worker.stdout.readline().split()]
    assert children and worker.pid not in children
    worker.send_signal(signal.SIGKILL)
    worker.wait()

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        # A zombie waiting for init to reap it is gone too.
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"

    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in children)


def test_a_print_run_comes_delegation_by_delegation_in_protocol_order(app, event, make):
    """Badges are handed out per delegation, in the order protocol puts delegations in,
    whatever order the delegations were entered in."""
    entered_first = make.delegation(event, name_en="Viet Nam national delegation")
    entered_last = make.delegation(event, name_en="Brunei Darussalam national delegation")
    with app.app_context():
        db.session.get(Delegation, entered_first.id).protocol_order = 2
        db.session.get(Delegation, entered_last.id).protocol_order = 1
        db.session.commit()
    make.participant(event, delegation_id=entered_first.id, status=Status.APPROVED)
    make.participant(event, delegation_id=entered_last.id, status=Status.APPROVED)
    with app.app_context():
        stored = db.session.merge(event)
        people = db.session.scalars(printing.batch_query(stored, printing.BatchFilters()))
        assert [p.delegation_id for p in people] == [entered_last.id, entered_first.id]
