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
