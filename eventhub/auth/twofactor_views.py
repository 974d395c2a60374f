"""Two-step login pages: the code after the password, and turning it on and off.
Thin: parse, call auth.twofactor, render."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from eventhub.auth import bp, login_flow, twofactor
from eventhub.auth import services as auth_services
from eventhub.auth.forms import (
    DisableTwoStepForm,
    EnableTwoStepForm,
    LoginCodeForm,
    NewRecoveryCodesForm,
)
from eventhub.web import commit


@bp.route("/login/code", methods=["GET", "POST"])
@login_flow.limited
def login_code():
    """The second step: the password was right, the account asks for a code."""
    found = login_flow.pending_user()
    if found is None:
        flash(_("Enter your email and password again, then the code."), "info")
        return redirect(url_for("auth.login"))
    user, pending = found
    form = LoginCodeForm()
    if form.validate_on_submit():
        if twofactor.verify(user, form.code.data) is None:
            login_flow.record_failure("auth.2fa_failed", user.email, user)
            form.code.errors.append(_("This code is not right, or has already been used."))
        else:
            return login_flow.finish(
                user, remember=pending.get("r", False), next_url=pending.get("n")
            )
    return render_template("auth/login_code.html", form=form)


@bp.get("/two-step")
@login_required
def two_step():
    """Whether two-step login is on, with the forms to turn it on or off and to make new
    recovery codes."""
    return _two_step_page(current_user)


def _two_step_page(user, **forms):
    enabled = twofactor.is_enabled(user)
    return render_template(
        "auth/two_step.html",
        enabled=enabled,
        codes_left=twofactor.recovery_codes_left(user) if enabled else 0,
        disable_form=forms.get("disable_form") or DisableTwoStepForm(),
        codes_form=forms.get("codes_form") or NewRecoveryCodesForm(prefix="codes"),
    )


def _proven(user, form: DisableTwoStepForm) -> bool:
    """The password and a current code (or a recovery code) are right; else the errors are on
    the form and the failure counted and audited."""
    if auth_services.authenticate(user.email, form.password.data) is None:
        login_flow.record_failure("auth.login_failed", user.email, user)
        form.password.errors.append(_("This is not your current password."))
        return False
    if twofactor.verify(user, form.code.data) is None:
        login_flow.record_failure("auth.2fa_failed", user.email, user)
        form.code.errors.append(_("This code is not right, or has already been used."))
        return False
    return True


@bp.route("/two-step/setup", methods=["GET", "POST"])
@login_required
@login_flow.limited
def two_step_setup():
    """Scan the QR code, type the code the app shows: on, and the recovery codes shown once."""
    user = current_user._get_current_object()
    if twofactor.is_enabled(user):
        return redirect(url_for("auth.two_step"))
    form = EnableTwoStepForm()
    secret = twofactor.start_enrolment(user)
    commit()
    if form.validate_on_submit():
        codes = twofactor.confirm_enrolment(user, form.code.data)
        if codes is not None:
            commit()
            flash(_("Two-step login is on."), "success")
            return render_template("auth/two_step_codes.html", codes=codes)
        login_flow.record_failure("auth.2fa_failed", user.email, user)
        form.code.errors.append(
            _("This code is not right. Check the time on your phone and try the next code.")
        )
    uri = twofactor.provisioning_uri(user, secret)
    return render_template(
        "auth/two_step_setup.html",
        form=form,
        qr=twofactor.qr_data_uri(uri),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )


@bp.post("/two-step/disable")
@login_required
@login_flow.limited
def two_step_disable():
    user = current_user._get_current_object()
    form = DisableTwoStepForm()
    if form.validate_on_submit() and _proven(user, form):
        twofactor.disable(user)
        commit()
        flash(_("Two-step login is off."), "info")
        return redirect(url_for("auth.two_step"))
    return _two_step_page(user, disable_form=form)


@bp.post("/two-step/recovery-codes")
@login_required
@login_flow.limited
def two_step_new_codes():
    """A new set of recovery codes (the old ones void), shown once."""
    user = current_user._get_current_object()
    if not twofactor.is_enabled(user):
        return redirect(url_for("auth.two_step"))
    form = NewRecoveryCodesForm(prefix="codes")
    if form.validate_on_submit() and _proven(user, form):
        codes = twofactor.renew_recovery_codes(user)
        commit()
        flash(_("New recovery codes made: the earlier ones no longer work."), "success")
        return render_template("auth/two_step_codes.html", codes=codes)
    return _two_step_page(user, codes_form=form)
