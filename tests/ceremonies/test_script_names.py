"""The MC script and the press list as a protocol office reads them aloud and hands them out:
a greeting for the time of day, titles in both languages, foreign names in Chinese, and Latin
names never broken across lines."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from eventhub.ceremonies.models import Agreement
from eventhub.extensions import db
from eventhub.scheduling.models import ActivityType


def _greetings(hour: int) -> tuple[str, str]:
    """What a protocol office says at that local hour, in English and Chinese."""
    if hour < 12:
        return "good morning", "上午好"
    if hour < 18:
        return "good afternoon", "下午好"
    return "good evening", "晚上好"


def _signing(client, app, make, event, *, local_start: datetime, people: list[dict]):
    """A ceremony starting at `local_start` (the event's zone) with one agreement between a
    Chinese and a Lao university, signed by `people` (participant fields); returns its id."""
    guizhou = make.organisation(name_en="Guizhou University", country_code="CN")
    nuol = make.organisation(name_en="National University of Laos", country_code="LA")
    starts = local_start.replace(tzinfo=ZoneInfo(event.timezone)).astimezone(UTC)
    ceremony_id = make.activity(
        event,
        title_en="Signing Ceremony I",
        title_zh="签约仪式一",
        type=ActivityType.SIGNING_CEREMONY,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=90),
    ).id
    url = client.post(
        f"/events/{event.slug}/agreements/new",
        data={
            "title_en": "MoU on Engineering Education",
            "title_zh": "工程教育合作谅解备忘录",
            "kind": "mou",
            "languages": ["en", "zh", "lo"],
            "prevailing_language": "en",
            "party": [str(guizhou.id), str(nuol.id)],
            "ceremony_id": str(ceremony_id),
        },
    ).headers["Location"]
    with app.app_context():
        parties = [p.id for p in db.session.scalar(sa.select(Agreement)).parties]
    for party, values, organisation in zip(parties, people, (guizhou, nuol), strict=True):
        person = make.participant(event, organisation_id=organisation.id, **values)
        client.post(f"{url}/signatory", data={"party_id": party, "participant_id": person.id})
    return ceremony_id


RECTOR = {
    "family_name": "WANG",
    "given_name": "Jianhua",
    "native_name": "王建华",
    "honorific": "Prof.",
    "position": "President",
    "country_code": "CN",
}
LAO_PRESIDENT = {
    "family_name": "PHOMMACHANH",
    "given_name": "Bounthavy Xaysomphou",
    "native_name": "ບຸນທະວີ ພົມມະຈັນ",
    "honorific": "Assoc. Prof. Dr.",
    "position": "Vice President for International Cooperation and Academic Affairs",
    "country_code": "LA",
}


def _text(data: bytes, *options: str) -> str:
    return subprocess.run(
        ["pdftotext", *options, "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.parametrize("local_hour", [10, 15, 19])
def test_the_mc_greets_for_the_ceremonys_local_time(client, as_role, event, app, make, local_hour):
    as_role("organiser")
    local_start = datetime(2025, 7, 25, local_hour, 0)
    ceremony_id = _signing(
        client, app, make, event, local_start=local_start, people=[RECTOR, LAO_PRESIDENT]
    )
    response = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/mc-script.pdf")
    text = " ".join(_text(response.data).split())
    english, chinese = _greetings(local_hour)
    assert f"ladies and gentlemen, {english}" in text
    assert chinese in text
    for other in {"good morning", "good afternoon", "good evening"} - {english}:
        assert other not in text
    for other in {"上午好", "下午好", "晚上好"} - {chinese}:
        assert other not in text


def test_a_long_lao_name_is_never_broken_inside_a_word(client, as_role, event, app, make):
    as_role("organiser")
    ceremony_id = _signing(
        client,
        app,
        make,
        event,
        local_start=datetime(2025, 7, 25, 10, 0),
        people=[RECTOR, LAO_PRESIDENT],
    )
    base = f"/events/{event.slug}/ceremonies/{ceremony_id}"
    for document in ("mc-script.pdf", "press-list.pdf", "register.pdf", "cover-sheets.pdf"):
        data = client.get(f"{base}/{document}").data
        lines = _text(data).splitlines()
        assert [line for line in lines if "PHOMMACHANH" in line], document
        # The name may wrap between its words, never inside one (PHO / MMACHANH).
        words = {"PHOMMACHANH", "Bounthavy", "Xaysomphou"}
        pieces = [
            line
            for line in lines
            for token in line.split()
            if len(token) > 2 and token not in words and any(token in w for w in words)
        ]
        assert not pieces, (document, pieces)


def _form_data(app, person_id: int, **changes) -> dict:
    from eventhub.registration import own_link
    from eventhub.registration.models import Participant

    with app.app_context():
        data = own_link.form_values(db.session.get(Participant, person_id))
    return {**{k: v for k, v in data.items() if v}, **changes}


def test_a_chinese_rendering_entered_on_the_form_is_read_and_printed(
    client, as_role, event, app, make
):
    from eventhub.registration.models import Participant

    as_role("organiser")
    ceremony_id = _signing(
        client,
        app,
        make,
        event,
        local_start=datetime(2025, 7, 25, 10, 0),
        people=[RECTOR, LAO_PRESIDENT],
    )
    with app.app_context():
        lao_id = db.session.scalar(
            sa.select(Participant.id).where(Participant.family_name == "PHOMMACHANH")
        )
    page = f"/events/{event.slug}/participants/{lao_id}"
    form = client.get(page).get_data(as_text=True)
    assert 'name="name_zh"' in form and 'name="position_zh"' in form
    # Latin letters only are no Chinese rendering: refused, with what was typed kept.
    refused = client.post(page, data=_form_data(app, lao_id, name_zh="Bounthavy"))
    assert refused.status_code in (200, 422)
    assert "Chinese characters" in refused.get_data(as_text=True)
    saved = client.post(
        page,
        data=_form_data(app, lao_id, name_zh="本塔维·彭马占", position_zh="国际合作副校长"),
    )
    assert saved.status_code == 302, re.findall(
        r"invalid-feedback[^<]*<[^<]*|alert[^<]*<[^<]*", saved.get_data(as_text=True)
    )
    assert "本塔维·彭马占" in client.get(page).get_data(as_text=True)

    base = f"/events/{event.slug}/ceremonies/{ceremony_id}"
    script = " ".join(_text(client.get(f"{base}/mc-script.pdf").data).split())
    # The Chinese line names him in Chinese with his Chinese title and honorific, as the
    # English line does in English.
    assert "国际合作副校长本塔维·彭马占副教授" in script
    assert "President 王建华教授" in script  # no Chinese title: the English one, and a warning
    warning = script[script.index("no title in Chinese") :]
    assert "WANG Jianhua" in warning.split("Position in Chinese")[0]

    press = " ".join(_text(client.get(f"{base}/press-list.pdf").data).split())
    assert "Bounthavy Xaysomphou PHOMMACHANH 本塔维·彭马占" in press
    assert "国际合作副校长" in press

    # Each party's original gives the titles in that party's language: Chinese on the Chinese
    # university's original, the Lao one's as entered on the Lao university's.
    pages = _text(client.get(f"{base}/cover-sheets.pdf").data).split("\f")
    host, guest = pages[0], pages[1]
    assert "中文 Chinese" in host and "国际合作副校长" in host
    assert "Vice President for International" not in host
    assert "Vice President for International" in guest and "国际合作副校长" not in guest


def test_a_chinese_name_column_is_imported_as_the_chinese_rendering(client, as_role, app, event):
    from eventhub.registration.importer import guess_columns
    from eventhub.registration.models import Participant

    for header in ("Chinese name", "中文名", "Name in Chinese", "中文译名"):
        rows = [(1, ["Family name", "Given name", "Name in Lao", header, "Email"])]
        _header, columns = guess_columns(rows)
        assert [c.field for c in columns][2:4] == ["native_name", "name_zh"], header

    as_role("organiser")
    content = (
        "Family name,Given name,Name in Lao,中文名,Position,中文职务,Organisation,Country,Email\n"
        "PHOMMACHANH,Bounthavy,ບຸນທະວີ ພົມມະຈັນ,本塔维·彭马占,Vice President,副校长,"
        "National University of Laos,LA,b.p@example.la\n"
        "YANG,Ming,,杨明,Dean,院长,Guizhou University,CN,yang.ming@example.cn\n"
    ).encode()
    upload = client.post(
        f"/events/{event.slug}/participants/import",
        data={"file": (io.BytesIO(content), "list.csv")},
        content_type="multipart/form-data",
    )
    preview = upload.headers["Location"]
    page = client.get(preview).get_data(as_text=True)
    assert "Import 2 participants" in page, page[:3000]
    client.post(preview, data={"action": "import", "attest_registration": "y"})
    with app.app_context():
        person = db.session.scalar(
            sa.select(Participant).where(Participant.family_name == "PHOMMACHANH")
        )
        assert person.name_zh == "本塔维·彭马占"
        assert person.native_name == "ບຸນທະວີ ພົມມະຈັນ"
        assert person.position_zh == "副校长"
        # A Chinese delegate's 中文名 is his own name: printed on his badge as such.
        yang = db.session.scalar(sa.select(Participant).where(Participant.family_name == "YANG"))
        assert (yang.native_name, yang.name_zh) == ("杨明", "")


def test_the_press_list_as_a_spreadsheet_names_everyone_in_three_ways(
    client, as_role, event, app, make
):
    import openpyxl

    as_role("organiser")
    lao = {**LAO_PRESIDENT, "name_zh": "本塔维·彭马占", "position_zh": "国际合作副校长"}
    ceremony_id = _signing(
        client, app, make, event, local_start=datetime(2025, 7, 25, 10, 0), people=[RECTOR, lao]
    )
    response = client.get(f"/events/{event.slug}/ceremonies/{ceremony_id}/press-list.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = [
        [cell or "" for cell in row]
        for row in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(
            values_only=True
        )
    ]
    header = rows[0]
    assert "Name in Chinese 中文译名" in header and "Title in Chinese 中文职务" in header
    lao_row = next(dict(zip(header, row, strict=True)) for row in rows if "PHOMMACHANH" in row[7])
    assert lao_row["Time 时间"] == "10:15"
    assert lao_row["Agreement 协议"] == "MoU on Engineering Education"
    assert lao_row["Party 签约方"] == "National University of Laos"
    assert lao_row["Name 姓名"] == "Assoc. Prof. Dr. Bounthavy Xaysomphou PHOMMACHANH"
    assert lao_row["Name in Chinese 中文译名"] == "本塔维·彭马占"
    assert lao_row["Name in own script 本国文字姓名"] == "ບຸນທະວີ ພົມມະຈັນ"
    assert lao_row["Title in Chinese 中文职务"] == "国际合作副校长"
