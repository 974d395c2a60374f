"""Login, logout, password change and reset, language choice. Thin: parse, call, render."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from eventhub.audit import services as audit
from eventhub.auth import bp, login_flow, twofactor
from eventhub.auth import services as auth_services
from eventhub.auth import sessions as auth_sessions
from eventhub.auth.forms import LoginForm, PasswordChangeForm, ResetPasswordForm, ResetRequestForm
from eventhub.auth.signals import language_chosen
from eventhub.errors import DomainError, error_response
from eventhub.extensions import db, limiter
from eventhub.i18n import normalise_locale, select_locale, supported_locales
from eventhub.mail import send_mail
from eventhub.web import commit, external_url, private, public_base, safe_next


@bp.route("/login", methods=["GET", "POST"])
@login_flow.limited
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), url_for("events.index")))
    form = LoginForm()
    if form.validate_on_submit():
        user = auth_services.authenticate(form.email.data, form.password.data)
        if user is None:
            login_flow.record_failure(
                "auth.login_failed",
                form.email.data,
                auth_services.get_user_by_email(form.email.data),
            )
            form.password.errors.append(_("Wrong email or password."))
        elif twofactor.is_enabled(user):  # the second step: auth/twofactor_views.py
            return login_flow.await_code(
                user, remember=form.remember.data, next_url=request.args.get("next")
            )
        else:
            return login_flow.finish(
                user, remember=form.remember.data, next_url=request.args.get("next")
            )
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        audit.record("auth.logout", current_user._get_current_object(), actor=current_user)
    auth_sessions.revoke_current()  # a copy of the cookie stops working too
    logout_user()
    commit()
    flash(_("You have logged out."), "info")
    response = redirect(url_for("events.index"))
    # The browser forgets what pages kept (the scanner's roster in localStorage, the
    # service worker's cache); not "cookies", which would take the message above with them.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if auth_services.authenticate(current_user.email, form.current_password.data) is None:
            form.current_password.errors.append(_("This is not your current password."))
        else:
            try:
                auth_services.set_password(current_user, form.new_password.data)
            except DomainError as error:
                db.session.rollback()
                form.new_password.errors.append(str(error))
            else:
                # Whoever else was logged in (a stolen cookie, a forgotten PC) is no longer.
                auth_sessions.revoke_all(current_user, keep=auth_sessions.current())
                commit()
                flash(_("Your password has been changed."), "success")
                return redirect(url_for("events.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_RATE_LIMIT"], methods=["POST"])
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        # Asked of every address, not only existing accounts: a refusal must not tell which.
        public_base()
        user = auth_services.get_user_by_email(form.email.data)
        if user is not None and user.active:
            token = auth_services.make_reset_token(user)
            link = external_url("auth.reset_password", token=token)
            with force_locale(normalise_locale(user.locale) or select_locale()):
                send_mail(
                    user.email,
                    _("Reset your EventHub password"),
                    render_template(
                        "email/password_reset.txt",
                        user=user,
                        link=link,
                        minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
                    ),
                )
        # The same answer whether or not the account exists: addresses stay private.
        flash(
            _(
                "If an account exists for %(email)s, a reset link is on its way. Check your inbox.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/request_reset.html", form=form)


# The session key of a reset link's token, between the mailed link and the new password.
RESET_TOKEN = "eventhub_reset_token"  # noqa: S105 (a session key, not a secret)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The mailed link: checked, its token kept in the session, and the browser sent on to
    a URL without it, so the token stays out of the history, of Referer headers and of the
    access log's later lines. (A POST here is a form opened before that; it still works.)"""
    try:
        auth_services.user_for_reset_token(token)
    except auth_services.ResetLinkError as error:
        return private(error_response(400, str(error)))
    if request.method == "POST":
        return _choose_password(token)
    session[RESET_TOKEN] = token
    return private(redirect(url_for("auth.new_password"), 303))


@bp.route("/new-password", methods=["GET", "POST"])
def new_password():
    token = session.get(RESET_TOKEN)
    if not token:
        return private(
            error_response(400, _("Open the link in your email again to choose a new password."))
        )
    return _choose_password(token)


def _choose_password(token: str):
    try:
        user = auth_services.user_for_reset_token(token)
    except auth_services.ResetLinkError as error:
        session.pop(RESET_TOKEN, None)
        return private(error_response(400, str(error)))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            auth_services.set_password(user, form.new_password.data)
        except DomainError as error:
            db.session.rollback()
            form.new_password.errors.append(str(error))
        else:
            session.pop(RESET_TOKEN, None)  # spent: the password it was bound to changed
            auth_sessions.revoke_all(user)  # whoever knew the old password is out
            commit()
            if twofactor.is_enabled(user):  # a mailbox alone must not open the account
                flash(_("Your new password is set."), "success")
                return login_flow.await_code(user, remember=False, next_url=None)
            login_user(user)
            commit()
            flash(_("Your new password is set. You are logged in."), "success")
            return redirect(url_for("events.index"))
    return private(render_template("auth/reset_password.html", form=form, user=user))


@bp.get("/language/<code>")
def set_language(code: str):
    """Remember the chosen language for this browser, and for the account when logged in."""
    locale = normalise_locale(code)
    back = safe_next(request.args.get("next"), url_for("events.index"))
    if locale in supported_locales():
        session["locale"] = locale
        user = current_user._get_current_object() if current_user.is_authenticated else None
        if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
            # A link or image on another site: this browser's pages change, but nothing
            # kept (the account's and registrations' language, for mail) is rewritten.
            return redirect(back)
        if user is not None:
            user.locale = locale
        # Registration follows: the account's registrations, or the one whose own page
        # (its secret link) the choice was made on.
        language_chosen.send(user, locale=locale, page=back)
        commit()
    return redirect(back)
