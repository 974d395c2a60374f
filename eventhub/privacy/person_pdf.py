"""The readable copy of one person's export (persons.export_person): every section, in the
reader's language, every script shaped. (Placeholder until the export PDF lands.)"""

from __future__ import annotations

from typing import Any


def render(export: dict[str, Any], *, locale: str = "en") -> bytes:
    raise NotImplementedError("person_pdf.render is written with the person export")
