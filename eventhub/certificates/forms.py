"""The certificate settings form; the rules are in services.save_certificate_settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField

from eventhub.certificates.services import SETTINGS_TEXTS

IMAGE_TYPES = {"accept": "image/png,image/jpeg"}


class CertificateSettingsForm(FlaskForm):
    title_en = StringField(SETTINGS_TEXTS["title_en"][0], render_kw={"maxlength": 120})
    title_zh = StringField(SETTINGS_TEXTS["title_zh"][0], render_kw={"maxlength": 120})
    body_en = TextAreaField(
        SETTINGS_TEXTS["body_en"][0],
        description=_l("{name} and {event} are filled in on each certificate."),
        render_kw={"rows": 2, "maxlength": 600},
    )
    body_zh = TextAreaField(SETTINGS_TEXTS["body_zh"][0], render_kw={"rows": 2, "maxlength": 600})
    signatory_name = StringField(SETTINGS_TEXTS["signatory_name"][0])
    signatory_title_en = StringField(SETTINGS_TEXTS["signatory_title_en"][0])
    signatory_title_zh = StringField(SETTINGS_TEXTS["signatory_title_zh"][0])
    signature_image = FileField(
        _l("Scanned signature (PNG or JPEG)"),
        description=_l("A transparent PNG prints best."),
        render_kw=IMAGE_TYPES,
    )
    remove_signature_image = BooleanField(_l("Remove the signature"))
    logo_image = FileField(_l("Logo (PNG or JPEG)"), render_kw=IMAGE_TYPES)
    remove_logo_image = BooleanField(_l("Remove the logo"))
    rule = SelectField(
        _l("Who receives a participation certificate"),
        description=_l("Attendance comes from the check-in scans."),
        choices=[],
        validate_choice=False,
    )
    submit = SubmitField(_l("Save"))

    def texts(self) -> dict[str, str]:
        return {name: self[name].data or "" for name in (*SETTINGS_TEXTS, "rule")}

    def upload(self, name: str) -> bytes | None:
        data = self[name].data
        if data and getattr(data, "filename", ""):
            return data.read()
        return None

    def removed(self) -> tuple[str, ...]:
        return tuple(
            name for name in ("signature_image", "logo_image") if self[f"remove_{name}"].data
        )

    def show_domain_error(self, error) -> None:
        for name, messages in error.errors.items():
            self[name].errors = list(self[name].errors or []) + list(messages)
