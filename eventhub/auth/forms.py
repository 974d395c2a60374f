"""Account forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length


def email_field() -> EmailField:
    """An email address, checked for form."""
    return EmailField(
        _l("Email"),
        validators=[
            DataRequired(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
    )


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class NewPasswordMixin:
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=500)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(),
            EqualTo("new_password", message=_l("The two passwords differ.")),
        ],
    )


class PasswordChangeForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    submit = SubmitField(_l("Change password"))


class ResetRequestForm(FlaskForm):
    email = email_field()
    submit = SubmitField(_l("Send me a reset link"))


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField(_l("Set new password"))


def code_field() -> StringField:
    return StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=32)],
        render_kw={"autocomplete": "one-time-code"},
        description=_l("The 6 digits your authenticator app shows, or one of your recovery codes."),
    )


class LoginCodeForm(FlaskForm):
    code = code_field()
    submit = SubmitField(_l("Log in"))


class EnableTwoStepForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
        description=_l("The 6 digits your authenticator app shows now."),
    )
    submit = SubmitField(_l("Turn on two-step login"))


class DisableTwoStepForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])
    code = code_field()
    submit = SubmitField(_l("Turn off two-step login"))


class NewRecoveryCodesForm(DisableTwoStepForm):
    """The same proof as turning off: a stolen session alone makes no new codes."""

    submit = SubmitField(_l("Make new recovery codes"))
