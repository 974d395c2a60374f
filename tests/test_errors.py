"""Error pages in both languages, JSON errors under /api/, and no 500 for bad input."""

from __future__ import annotations


def test_404_page_in_english_and_chinese(client):
    english = client.get("/no/such/page")
    assert english.status_code == 404 and "Page not found" in english.get_data(as_text=True)
    chinese = client.get("/no/such/page", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert "页面不存在" in chinese.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in chinese.get_data(as_text=True)


def test_oversized_request_gets_413_not_500(client, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    try:
        response = client.post("/auth/login", data={"email": "x" * (2 * 1024 * 1024)})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024
    assert response.status_code == 413
    assert "larger than 1 MB" in response.get_data(as_text=True)


def test_wrong_method_is_405_with_allow_header(client):
    response = client.delete("/auth/login")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_unexpected_errors_show_a_calm_page_and_are_logged(tmp_path, caplog):
    from eventhub import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})

    @app.get("/__boom")
    def boom():
        raise RuntimeError("a bug")

    @app.get("/api/v1/__boom")
    def api_boom():
        raise RuntimeError("a bug")

    client = app.test_client()
    response = client.get("/__boom", headers={"Accept-Language": "zh-Hans"})
    api = client.get("/api/v1/__boom")
    assert response.status_code == 500
    assert "出错了" in response.get_data(as_text=True)
    assert "a bug" not in response.get_data(as_text=True)
    assert api.status_code == 500 and api.get_json()["status"] == 500
    assert "a bug" in caplog.text


def test_ids_too_large_for_the_database_are_not_found_not_errors(client, as_role, event):
    """Ids and page numbers in query strings and forms are checked once, in eventhub.web."""
    as_role("organiser")
    big = "99999999999999999999"
    base = f"/events/{event.slug}"
    responses = {
        "participants": client.get(f"{base}/participants/?delegation={big}&organisation={big}"),
        "badges": client.get(f"{base}/badges/?delegation={big}"),
        "badge run": client.post(f"{base}/badges/", data={"delegation": big, "layout": "a4"}),
        "agreements": client.get(f"{base}/agreements/?ceremony={big}"),
        "bulk": client.post(f"{base}/participants/bulk", data={"ids": [big], "action": "approve"}),
        "new agreement": client.post(
            f"{base}/agreements/new", data={"title_en": "MoU", "party": [big, big]}
        ),
        # Page numbers go through eventhub.web.paginate.
        "participants page": client.get(f"{base}/participants/?page={big}"),
        "certificates page": client.get(f"{base}/certificates/?page={big}&per_page=-5"),
        "audit page": client.get(f"{base}/audit?page=²"),
    }
    assert {name: r.status_code for name, r in responses.items() if r.status_code >= 500} == {}
    assert {responses[name].status_code for name in responses if name.endswith(" page")} == {200}


def test_a_busy_database_is_a_503_to_retry_and_a_database_mistake_a_logged_500(tmp_path, caplog):
    import sqlite3

    import sqlalchemy as sa

    from eventhub import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})

    def failing(message):
        return sa.exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError(message))

    @app.get("/api/v1/__locked")
    def locked():
        raise failing("database is locked")

    @app.get("/api/v1/__missing")
    def missing():
        raise failing("no such table: scan")

    client = app.test_client()
    busy = client.get("/api/v1/__locked")
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
    assert busy.get_json()["message"].startswith("The database could not be reached")
    bug = client.get("/api/v1/__missing")  # a migration not run is no restart
    assert bug.status_code == 500 and "no such table: scan" in caplog.text
