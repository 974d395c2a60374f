"""Small helpers for views of every domain, and the lookup of a record inside its event."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import sqlalchemy as sa
from blinker import Signal
from flask import (
    Request,
    Response,
    abort,
    current_app,
    flash,
    has_request_context,
    make_response,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from eventhub.errors import DomainError, NoPublicAddress, abort_with
from eventhub.extensions import db

Row = TypeVar("Row")

# The largest id the database's integer columns hold (PostgreSQL's int4).
MAX_ID = 2**31 - 1


def as_id(value) -> int | None:
    """`value` as an id a row can have, else None (a larger number would overflow the
    query: an error page instead of "not found")."""
    text = str(value if value is not None else "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 10 and 0 < int(text) <= MAX_ID:
        return int(text)
    return None


def id_arg(source, name: str) -> int | None:
    """An id from a query string or form, else None."""
    return as_id(source.get(name))


def id_list(source, name: str) -> list[int]:
    """Every id under `name` (checkboxes, repeated fields); anything else is ignored."""
    return [i for i in map(as_id, source.getlist(name)) if i is not None]


def in_event(model: type[Row], record_id: int | None, event, *, via=None) -> Row | None:
    """The `model` row with this id if it belongs to `event`, else None: one query that can
    only find the event's own rows, instead of a lookup and a comparison that each page must
    remember. `via` is the parent holding `event_id` for rows that have none of their own
    (a room: `via=Venue`)."""
    if record_id is None:
        return None
    row: Any = model
    query = sa.select(model).where(row.id == record_id)
    if via is not None:
        query = query.join(via)
    holder: Any = via or model
    return db.session.scalar(query.where(holder.event_id == event.id))


def in_event_or_404(
    model: type[Row], record_id: int | None, event, message: Any = None, *, via=None
) -> Row:
    """The `model` row with this id in `event` (see `in_event`), or a 404 saying `message`
    (the same answer whether the row is missing or another event's: nothing leaks)."""
    record = in_event(model, record_id, event, via=via)
    if record is None:
        if message is None:
            abort(404)
        abort_with(404, message)
    return record


def paginate(query, per_page: int = 50):
    """A page of `query` as the query string asks (?page=, ?per_page= up to 200). A page
    number no list could reach is read as the first page, not an overflowing query; one past
    the end of this list is a 404."""
    page = min(as_id(request.args.get("page")) or 1, 100_000)
    return db.paginate(query, page=page, per_page=per_page, max_per_page=200)


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`: no open redirects."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return fallback


def without(mapping: dict, *keys: str) -> dict:
    """A copy of `mapping` without `keys` (for links that change one query parameter)."""
    return {key: value for key, value in mapping.items() if key not in keys}


def public_base() -> str:
    """The site's address for links that leave it (emails, documents, jobs' mail): PUBLIC_URL.
    Without it, the request's own address only when TRUSTED_HOSTS lists that host and port
    (Flask refuses any other host name with a 400); never the Host header alone, or a
    forged Host turns a reset link into the attacker's. Otherwise NoPublicAddress: the mail
    is refused, and the log says what to set."""
    config = current_app.config
    base = config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/")
    if has_request_context() and config.get("TRUSTED_HOSTS"):
        base = _trusted_base(config["TRUSTED_HOSTS"])
        if base:
            return base
    current_app.logger.error(
        "A link to send by email was refused: set EVENTHUB_PUBLIC_URL to the site's address "
        "(or EVENTHUB_TRUSTED_HOSTS to the host names it answers to)."
    )
    raise NoPublicAddress(
        _l(
            "This site cannot send links by email yet: its public address is not configured. "
            "Please tell the organising committee's technical desk."
        )
    )


def _trusted_base(entries: list[str]) -> str | None:
    """The request's address when its host and port are exactly an entry of TRUSTED_HOSTS
    (Flask checks the name only: `Host: site:6666` passes it). An entry without a port means
    the scheme's default port. The scheme is https (PUBLIC_SCHEME, or the request's in
    debug), never what a proxy in front might have been told by the client."""
    scheme = current_app.config.get("PUBLIC_SCHEME") or (
        request.scheme if current_app.debug else "https"
    )
    default = "443" if scheme == "https" else "80"
    name, _colon, port = request.host.lower().rpartition(":")
    if not name or "]" in port:  # no port given (or an IPv6 address without one)
        name, port = request.host.lower(), default
    for entry in entries:
        entry_name, _colon, entry_port = entry.lower().rpartition(":")
        if not entry_name or "]" in entry_port:
            entry_name, entry_port = entry.lower(), default
        if name == entry_name and port == entry_port:
            return f"{scheme}://{name}" + ("" if port == default else f":{port}")
    return None


def links_can_be_mailed() -> bool:
    """Asked before saving what a mail with a link must follow (a registration, a member):
    without an address, nothing is saved and the page says why (flashed), the form kept."""
    try:
        public_base()
    except NoPublicAddress as error:
        flash(str(error), "danger")
        return False
    return True


def external_url(endpoint: str, **values) -> str:
    """An absolute link for emails and documents, on `public_base()`; works in jobs too,
    where there is no request."""
    parts = urlsplit(public_base())
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def site_url(endpoint: str, **values) -> str:
    """An absolute link shown to the person asking (a page, an API answer): PUBLIC_URL when
    set, else the address they used themselves (theirs to forge: it only reaches them)."""
    if current_app.config.get("PUBLIC_URL"):
        return external_url(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def private(response: Any):
    """A page reached with a secret token (a reset or confirmation link): not cached, and no
    Referer naming its address to anyone."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def commit() -> None:
    """The request's commit: views call this, not the session. The jobs and mail that the
    transaction asked for are handed to the queue when the request ends (jobs.dispatch)."""
    db.session.commit()


def record_download(event: Any, filename: str, *, action: str = "data.export") -> None:
    """Audit a list or file leaving the system (who, which, from where) and commit; `event`
    None for a file of the whole installation."""
    from flask_login import current_user

    from eventhub.audit import services as audit

    audit.record_export(event, filename, actor=current_user._get_current_object(), action=action)
    commit()


def attempt(action: Callable[[], Any], form: Any = None) -> tuple[bool, Any]:
    """Run a service call for a form and commit; on a domain error roll back and show why,
    next to the fields when the error names them, else as a message. (ok, result)."""
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        after_rollback = getattr(error, "after_rollback", None)
        if after_rollback is not None:  # e.g. keep an uploaded photo for the next attempt
            after_rollback()
            commit()
        field = getattr(form, "_fields", {}).get(getattr(error, "field", None) or "")
        if getattr(error, "errors", None) and hasattr(form, "show_domain_error"):
            form.show_domain_error(error)
        elif field is not None:  # one rule about one field: said next to it
            field.errors = [*field.errors, str(error)]
        else:
            flash(str(error), "danger")
        return False, None
    commit()
    return True, result


def content_disposition(disposition: str, filename: str) -> str:
    """The header naming a file: an ASCII name for old clients and the real one (a plate
    "贵A·D1001", a hotel's name) as RFC 6266's filename*; a header holds Latin-1 only."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-") or "download"
    if plain == filename:
        return f'{disposition}; filename="{filename}"'
    return f"{disposition}; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


def pdf_response(body: bytes, filename: str, *, download: bool = False):
    """A PDF shown in the browser (or saved, with download=True) under a given file name."""
    response = Response(body, mimetype="application/pdf")
    disposition = "attachment" if download else "inline"
    response.headers["Content-Disposition"] = content_disposition(disposition, filename)
    return response


@dataclass(frozen=True)
class Panel:
    """A part of a page that another domain adds through a signal, so that the page's own
    module need not import that domain: its HTML, and its place among the others (lower
    first)."""

    html: Markup
    order: int = 100

    @classmethod
    def rendered(cls, template: str, *, order: int = 100, **context: Any) -> Panel:
        html = render_template(template, **context)  # escaped by Jinja, like any page
        return cls(Markup(html), order)  # noqa: S704 (our template's output, not input)


def panels(signal: Signal, sender: Any, **kwargs: Any) -> list[Markup]:
    """The HTML of the panels that the receivers of `signal` return (a Panel each, or None
    when they have nothing to show), in their order."""
    found = [panel for _receiver, panel in signal.send(sender, **kwargs) if panel is not None]
    return [panel.html for panel in sorted(found, key=lambda panel: panel.order)]


class BoundedRequest(Request):
    """A request whose JSON body is bounded before the views see it: too large (413), nested
    too deep or holding a text too long (400), each with its reason. Python's parser
    recurses once per level (RecursionError, a 500, at about 1,000) and a 1 MB text would
    walk every validation rule; no JSON this app accepts comes near these limits."""

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        if not (force or self.is_json):
            return super().get_json(force=force, silent=silent, cache=cache)
        limit = current_app.config["JSON_MAX_KB"]
        if len(self.get_data(cache=True)) > limit * 1024:
            abort_with(
                413,
                _("The JSON body is larger than %(n)s MB; send it in parts.", n=limit // 1024),
            )
        try:
            body = super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            body = _TOO_DEEP  # refused below, with the reason
        if not getattr(self, "_json_checked", False):
            _check_json(body, current_app.config["JSON_MAX_DEPTH"])
            self._json_checked = cache
        return body


_TOO_DEEP = object()  # stands for a body too deep to parse
JSON_MAX_TEXT = 10_000  # characters in one text: the longest field takes 500


def _check_json(body: Any, max_depth: int) -> None:
    """Walk the parsed body without recursion; refuse at the first excess."""
    pending = [(body, 1)]
    while pending:
        value, depth = pending.pop()
        if value is _TOO_DEEP or (isinstance(value, dict | list) and depth > max_depth):
            abort_with(400, _("The JSON body is nested more than %(n)d levels deep.", n=max_depth))
        if isinstance(value, str) and len(value) > JSON_MAX_TEXT:
            abort_with(
                400,
                _("A text in the JSON body is longer than %(n)d characters.", n=JSON_MAX_TEXT),
            )
        if isinstance(value, dict):
            pending.extend((key, depth) for key in value)
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
