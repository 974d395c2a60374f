"""Text files say their charset once: Werkzeug adds its own to a text/* mimetype, and a
'charset=utf-8; charset=utf-8' header is one some programs refuse."""

from __future__ import annotations


def test_csv_exports_say_their_charset_once(client, as_role, make, event):
    as_role("organiser")
    make.participant(event)
    for url in (
        f"/events/{event.slug}/participants/export/participants.csv",
        f"/events/{event.slug}/visas/export.csv",
        f"/events/{event.slug}/agreements/export.csv",
        f"/events/{event.slug}/checkin/attendance.csv",
        f"/events/{event.slug}/audit.csv",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8", url
