"""The registration form. Its field names are the API's; the rules live in validation.py, so
the fields here only carry and render the values."""

from __future__ import annotations

from flask_babel import format_number, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from eventhub.directory.services import countries_for_choice
from eventhub.i18n import LOCALE_LABELS, country_label, supported_locales
from eventhub.registration.consent_fields import ConsentFields
from eventhub.registration.models import Category, Diet
from eventhub.registration.precedence import RankRow
from eventhub.registration.submissions import new_key
from eventhub.registration.validation import INTERPRETATION_LANGUAGES

CATEGORY_CHOICES = [
    (Category.OFFICIAL, _l("Official / VIP")),
    (Category.DELEGATE, _l("Delegate")),
    (Category.SPEAKER, _l("Speaker")),
    (Category.MEDIA, _l("Media")),
    (Category.INTERPRETER, _l("Interpreter")),
    (Category.STAFF, _l("Staff")),
    (Category.VOLUNTEER, _l("Volunteer")),
]
DIET_LABELS = {
    Diet.NONE: _l("No special diet"),
    Diet.HALAL: _l("Halal"),
    Diet.VEGETARIAN: _l("Vegetarian"),
    Diet.VEGAN: _l("Vegan"),
}
DATE = {"type": "date"}
TIME = {"type": "time"}


class RegistrationForm(ConsentFields, FlaskForm):
    family_name = StringField(
        _l("Family name (as in passport)"),
        description=_l("Leave empty if you have one name only; write it under given name."),
        render_kw={"autocomplete": "family-name"},
    )
    given_name = StringField(
        _l("Given name (as in passport)"),
        render_kw={"autocomplete": "given-name", "required": True},
    )
    patronymic = StringField(
        _l("Patronymic (bin, binti, a/l, a/p)"),
        description=_l(
            "For a name with the father's name, e.g. binti Abdullah, a/l Muthusamy. Not a "
            "family name: leave the family name empty."
        ),
    )
    name_order = SelectField(
        _l("Name order"),
        choices=[
            SelectChoice("", _l("As customary in my country")),
            SelectChoice("given", _l("Given name first (Somchai JAIDEE)")),
            SelectChoice("family", _l("Family name first (YANG Ming)")),
        ],
        description=_l("How your name is written and read out in Latin letters."),
    )
    passport_name = StringField(
        _l("Name in the passport's machine-readable zone"),
        description=_l(
            "Capital letters A-Z as at the foot of the passport page, e.g. NGUYEN THI LAN. "
            "Leave empty to use your name without accents. For hotels and airlines."
        ),
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    native_name = StringField(
        _l("Name in own script"), description=_l("e.g. ສົມພອນ ແກ້ວມະນີ, 杨明, ហេង ស្រីពៅ")
    )
    name_zh = StringField(
        _l("Name in Chinese characters"),
        description=_l(
            "For a foreign name: how it is written in Chinese, e.g. 通伦·西苏里. Read out at "
            "ceremonies and printed on Chinese lists."
        ),
        render_kw={"lang": "zh-Hans"},
    )
    style = StringField(
        _l("Style of address"),
        description=_l("e.g. H.E., Tan Sri, Dato', Yang Mulia, Lok Chumteav: before the title"),
    )
    honorific = StringField(_l("Title"), description=_l("e.g. Dr., Prof., U, Daw"))
    position = StringField(_l("Position"))
    position_zh = StringField(
        _l("Position in Chinese"),
        description=_l("e.g. 外交部长: read out at ceremonies, printed on Chinese originals."),
        render_kw={"lang": "zh-Hans"},
    )
    organisation = StringField(
        _l("Organisation"),
        render_kw={"list": "organisations", "autocomplete": "organization", "required": True},
    )
    country = SelectField(_l("Country"), render_kw={"required": True})
    category = SelectField(
        _l("Participant category requested"),
        choices=[SelectChoice(c.value, label) for c, label in CATEGORY_CHOICES],
        default=Category.DELEGATE.value,
    )
    email = EmailField(_l("Email"), render_kw={"autocomplete": "email", "required": True})
    phone = StringField(
        _l("Phone"),
        description=_l("With country code, e.g. +856 20 5555 0101"),
        render_kw={"autocomplete": "tel", "type": "tel"},
    )
    diet = SelectField(
        _l("Diet"), choices=[SelectChoice(d.value, label) for d, label in DIET_LABELS.items()]
    )
    dietary_notes = StringField(_l("Allergies and other dietary needs"))
    accessibility_needs = TextAreaField(_l("Accessibility needs"), render_kw={"rows": 2})
    interpretation_language = SelectField(_l("Interpretation language"))
    # Kept with the registration: every email to the person is written in it.
    locale = SelectField(_l("Language of the pages and mails"))
    arrival_date = StringField(_l("Arrival date"), render_kw=DATE)
    arrival_time = StringField(_l("Arrival time (local)"), render_kw=TIME)
    arrival_flight = StringField(_l("Arrival flight or train"), description=_l("e.g. QV 917"))
    arrival_point = StringField(_l("Arriving at (airport or station)"))
    departure_date = StringField(_l("Departure date"), render_kw=DATE)
    departure_time = StringField(_l("Departure time (local)"), render_kw=TIME)
    departure_flight = StringField(_l("Departure flight or train"))
    departure_point = StringField(_l("Leaving from (airport or station)"))
    hotel = StringField(_l("Hotel"))
    photo = FileField(
        _l("Portrait photo"),
        description=_l(
            "JPEG or PNG, at least 200 pixels wide, at most 10 MB. Printed on your badge."
        ),
        render_kw={"accept": "image/jpeg,image/png"},
    )
    photo_token = HiddenField()  # a photo kept from the previous attempt
    # One per rendered form: the same form sent twice registers once (submissions.py).
    submission = HiddenField(default=new_key)
    visa_letter_requested = BooleanField(_l("I need a visa invitation letter"))
    nationality = SelectField(_l("Nationality"))
    date_of_birth = StringField(_l("Date of birth"), render_kw=DATE)
    passport_number = StringField(_l("Passport number"), render_kw={"autocomplete": "off"})
    passport_expiry = StringField(_l("Passport expiry date"), render_kw=DATE)
    submit = SubmitField(_l("Register"))

    # Marked with an asterisk; the rules themselves are in validation.py.
    REQUIRED = ("given_name", "organisation", "country", "category", "email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.REQUIRED:
            self[name].flags.required = True
        countries = [SelectChoice(c.code, country_label(c)) for c in countries_for_choice()]
        self.country.choices = [SelectChoice("", _l("Choose a country")), *countries]
        self.nationality.choices = [SelectChoice("", "—"), *countries]
        # Each language named in itself; a new registration starts in the page's language.
        self.locale.choices = [SelectChoice(c, LOCALE_LABELS[c]) for c in supported_locales()]
        if not self.locale.data:
            self.locale.data = str(get_locale())
        self.interpretation_language.choices = [
            SelectChoice("", _l("None needed")),
            *(SelectChoice(code, label) for code, label in INTERPRETATION_LANGUAGES.items()),
        ]

    def raw(self) -> dict:
        """What was typed, by field name, for the validation rules."""
        return {
            name: field.data
            for name, field in self._fields.items()
            if name not in {"csrf_token", "submit", "photo", "photo_token", "submission"}
            and not name.startswith("consent_")
        }

    def photo_bytes(self) -> bytes | None:
        upload = self.photo.data
        if upload and getattr(upload, "filename", ""):
            return upload.read()
        return None

    def show_domain_error(self, error) -> None:
        """The rules' messages by their fields, and the kept photo's token."""
        self.show_errors(error.errors)
        if getattr(error, "photo_token", None):
            self.photo_token.data = error.photo_token

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the rules' messages next to their fields (the pair's date for a time)."""
        for name, messages in errors.items():
            target = {"country_code": "country", "nationality_code": "nationality"}.get(name, name)
            field = self._fields.get(target)
            if field is None:
                continue
            field.errors = list(field.errors or []) + list(messages)

    def validate(self, extra_validators=None) -> bool:  # noqa: ARG002
        """Only the CSRF token here: every other rule is in validation.py, with better words
        than a select field's "Not a valid choice"."""
        csrf = self._fields.get("csrf_token")
        return csrf is None or csrf.validate(self)


class ImportForm(FlaskForm):
    file = FileField(
        _l("Delegation list (CSV or Excel .xlsx, .xls)"),
        description=_l(
            "One participant per row. A title row above the headers is fine; "
            "you can check how each column is read before anything is imported."
        ),
        render_kw={
            "accept": ".csv,.xlsx,.xls,text/csv,application/vnd.openxmlformats-officedocument"
            ".spreadsheetml.sheet,application/vnd.ms-excel",
            "required": True,
        },
    )
    submit = SubmitField(_l("Upload and check"))

    def validate(self, extra_validators=None) -> bool:  # noqa: ARG002
        ok = super().validate()
        if not (self.file.data and getattr(self.file.data, "filename", "")):
            self.file.errors = [*self.file.errors, _l("Choose a file.")]
            return False
        return ok


# What each importable field is called in the column mapping.
IMPORT_FIELD_LABELS = {
    "family_name": _l("Family name (as in passport)"),
    "given_name": _l("Given name (as in passport)"),
    "patronymic": _l("Patronymic (bin, binti, a/l, a/p)"),
    "name_order": _l("Name order"),
    "passport_name": _l("Name in the passport's machine-readable zone"),
    "native_name": _l("Name in own script"),
    "name_zh": _l("Name in Chinese characters"),
    "style": _l("Style of address"),
    "honorific": _l("Title"),
    "position": _l("Position"),
    "position_zh": _l("Position in Chinese"),
    "organisation": _l("Organisation"),
    "country": _l("Country"),
    "category": _l("Participant category requested"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "delegation": _l("Delegation"),
    "diet": _l("Diet"),
    "dietary_notes": _l("Allergies and other dietary needs"),
    "accessibility_needs": _l("Accessibility needs"),
    "interpretation_language": _l("Interpretation language"),
    "arrival_date": _l("Arrival date"),
    "arrival_time": _l("Arrival time (local)"),
    "arrival_flight": _l("Arrival flight or train"),
    "arrival_point": _l("Arriving at (airport or station)"),
    "departure_date": _l("Departure date"),
    "departure_time": _l("Departure time (local)"),
    "departure_flight": _l("Departure flight or train"),
    "departure_point": _l("Leaving from (airport or station)"),
    "hotel": _l("Hotel"),
    "visa_letter_requested": _l("I need a visa invitation letter"),
    "nationality": _l("Nationality"),
    "date_of_birth": _l("Date of birth"),
    "passport_number": _l("Passport number"),
    "passport_expiry": _l("Passport expiry date"),
}


# Field names as the history of a registration shows them.
HISTORY_LABELS = {
    **IMPORT_FIELD_LABELS,
    "country_code": _l("Country"),
    "nationality_code": _l("Nationality"),
    "arrival_at": _l("Arrival time (local)"),
    "departure_at": _l("Departure time (local)"),
    "status": _l("Status"),
    "protocol_rank": _l("Protocol rank"),
    "appointed_on": _l("Appointed on"),
    "badge_version": _l("Badge version"),
    "reason": _l("Reason"),
    "photo": _l("Photo"),
    "passport": _l("Passport number"),
    "name": _l("Name"),
    "source": _l("Source"),
    "restored": _l("Withdrawal undone"),
    # The visa workflow's steps (eventhub.visas), recorded on the participant.
    "visa_state": _l("Visa"),
    "visa_requested_on": _l("Requested on"),
    "visa_issued_on": _l("Letter issued on"),
    "visa_sent_on": _l("Sent on"),
    "visa_decided_on": _l("Embassy's decision on"),
    "visa_note": _l("Note"),
    "account": _l("Account"),
    "arrival": _l("Arrival"),
    "departure": _l("Departure"),
    "merged": _l("Merged"),
}


class LadderForm(FlaskForm):
    """The order of precedence as a table; the rows are read by `rows_from` (their number
    varies), the rules are in precedence.py. This form carries the CSRF token."""

    BLANK_ROWS = 2  # empty rows offered for new ranks
    MAX_ROWS = 99

    submit = SubmitField(_l("Save the order of precedence"))

    @classmethod
    def rows_from(cls, form) -> list[RankRow]:
        rows = []
        for index in range(cls.MAX_ROWS + cls.BLANK_ROWS):
            if f"level-{index}" not in form:
                break
            was = form.get(f"was-{index}", "")
            rows.append(
                RankRow(
                    level=form.get(f"level-{index}", "")[:10],
                    label_en=form.get(f"label_en-{index}", "")[:500],
                    label_zh=form.get(f"label_zh-{index}", "")[:500],
                    vip=bool(form.get(f"vip-{index}")),
                    remove=bool(form.get(f"remove-{index}")),
                    was=int(was) if was.isascii() and was.isdigit() else None,
                )
            )
        return rows


class DelegationForm(FlaskForm):
    """A delegation's name, country and organisation; the rules are in delegation_admin."""

    name_en = StringField(_l("Name in English"), render_kw={"required": True, "maxlength": 200})
    name_zh = StringField(_l("Name in Chinese"), render_kw={"maxlength": 200})
    country = SelectField(_l("Country"), render_kw={"required": True})
    organisation = StringField(
        _l("Organisation"),
        description=_l("For a university's or a company's delegation; empty for a country's."),
        render_kw={"list": "organisations", "maxlength": 200},
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.name_en.flags.required = self.country.flags.required = True
        self.country.choices = [
            SelectChoice("", _l("Choose a country")),
            *(SelectChoice(c.code, country_label(c)) for c in countries_for_choice()),
        ]

    def raw(self) -> dict:
        return {name: self[name].data for name in ("name_en", "name_zh", "country", "organisation")}

    def show_domain_error(self, error) -> None:
        for name, messages in error.errors.items():
            self[name].errors = [*(self[name].errors or []), *messages]

    def validate(self, extra_validators=None) -> bool:  # noqa: ARG002
        """Only the CSRF token here: the rules, with their words, are in delegation_admin."""
        csrf = self._fields.get("csrf_token")
        return csrf is None or csrf.validate(self)


class PlacesForm(FlaskForm):
    """The event's capacity and quotas, one number field per limit (their number varies,
    read by `places_from`). This form carries the CSRF token."""

    MAX_PLACES = 1_000_000

    submit = SubmitField(_l("Save places and quotas"))

    @classmethod
    def places_from(
        cls, form, names: list[str]
    ) -> tuple[dict[str, int | None], dict[str, str], dict[str, str]]:
        """(places by field name, what was typed, errors by field name); empty: no limit."""
        places: dict[str, int | None] = {}
        typed: dict[str, str] = {}
        errors: dict[str, str] = {}
        for name in names:
            raw = (form.get(name) or "").strip()
            typed[name] = raw
            if not raw:
                places[name] = None
            elif raw.isascii() and raw.isdigit() and 1 <= int(raw) <= cls.MAX_PLACES:
                places[name] = int(raw)
            else:
                errors[name] = str(
                    _l(
                        "Enter a whole number of places from 1 to %(max)s, or leave it empty "
                        "for no limit.",
                        max=format_number(cls.MAX_PLACES),
                    )
                )
        return places, typed, errors
