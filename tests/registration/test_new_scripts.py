"""Delegates from Singapore, Malaysia and Brunei register with their name in Tamil or in Jawi,
and a Chinese delegate with a rare character beyond the BMP (𠮷): the form takes them; a
script no installed font prints is still refused by its name."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from eventhub.extensions import db
from eventhub.registration.models import Participant


@pytest.mark.parametrize(
    ("field", "name", "email"),
    [
        ("native_name", "முத்து குமாரசாமி", "muthu@example.sg"),
        ("native_name", "محمد بن عبدالله", "muhammad@example.bn"),
        ("native_name", "ڠاه ڤيتري ۏاهيد ڽوڽا ݢوروه", "jawi@example.my"),
        ("name_zh", "𠮷田一郎", "yoshida@example.cn"),
    ],
)
def test_a_native_name_in_tamil_jawi_or_cjk_extension_b_is_registered(
    client, app, open_event, lao_delegate, field, name, email
):
    data = dict(lao_delegate, email=email, **{field: name})
    if field == "name_zh":
        data["native_name"] = ""
    page = client.post(f"/events/{open_event.slug}/register", data=data).get_data(as_text=True)
    assert "No installed font prints" not in page
    with app.app_context():
        person = db.session.scalar(sa.select(Participant).where(Participant.email == email))
        assert person is not None and getattr(person, field) == name


@pytest.mark.parametrize(("name", "script"), [("ተስፋዬ", "Ethiopic"), ("བསྟན་འཛིན", "Tibetan")])
def test_a_script_without_a_font_is_still_refused_by_its_name(
    client, app, open_event, lao_delegate, name, script
):
    data = dict(lao_delegate, native_name=name)
    page = client.post(f"/events/{open_event.slug}/register", data=data).get_data(as_text=True)
    assert f"No installed font prints {script} text" in page


def test_an_imported_list_takes_tamil_jawi_and_extension_b_names(client, as_role, app, event):
    """Embassy lists from Singapore, Brunei and Malaysia carry the names in their own script."""
    from tests.registration.test_import import _mapping, _upload

    as_role("organiser")
    header = "family_name,given_name,native_name,position,organisation,country,category,email\n"
    rows = [
        "KUMARASAMY,Muthu,முத்து குமாரசாமி,Director,Ministry of Education,SG,delegate,m@example.sg",
        "ABDULLAH,Muhammad,محمد بن عبدالله,Director,Ministry of Education,BN,delegate,a@example.bn",
        "YOSHIDA,Ichiro,𠮷田一郎,Professor,Guizhou University,CN,delegate,y@example.cn",
    ]
    preview = _upload(client, event, (header + "\n".join(rows)).encode(), "embassies.csv")
    page = client.get(preview).get_data(as_text=True)
    assert "No installed font prints" not in page
    response = client.post(preview, data={"action": "import", **_mapping(page)})
    assert response.status_code == 302
    with app.app_context():
        names = set(db.session.scalars(sa.select(Participant.native_name)))
    assert {"முத்து குமாரசாமி", "محمد بن عبدالله", "𠮷田一郎"} <= names
