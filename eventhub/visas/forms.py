"""The visa desk's form for one person's visa step."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from eventhub.visas.labels import DATE_LABELS, STEP_LABELS
from eventhub.visas.models import VisaCase, VisaStep
from eventhub.visas.workflow import DATE_ORDER, StepInput


class VisaStepForm(FlaskForm):
    state = SelectField(
        _l("Step reached"),
        choices=[SelectChoice(step.value, label) for step, label in STEP_LABELS.items()],
    )
    requested_on = DateField(DATE_LABELS["requested_on"], validators=[Optional()])
    issued_on = DateField(DATE_LABELS["issued_on"], validators=[Optional()])
    sent_on = DateField(DATE_LABELS["sent_on"], validators=[Optional()])
    decided_on = DateField(
        DATE_LABELS["decided_on"],
        validators=[Optional()],
        description=_l("The date of the step reached is today's when left empty."),
    )
    note = StringField(
        _l("Note (embassy, reference, courier)"), validators=[Optional(), Length(max=500)]
    )
    submit = SubmitField(_l("Record the step"))

    @classmethod
    def for_case(cls, case: VisaCase | None, state: VisaStep | None, **data) -> VisaStepForm:
        """The form showing the case as stored (a submitted form shows what was typed)."""
        values = {"state": (state or VisaStep.REQUESTED).value}
        if case is not None:
            values |= {name: getattr(case, name) for name in DATE_ORDER} | {"note": case.note}
        return cls(data=values | data)

    def step(self) -> StepInput:
        return StepInput(
            VisaStep(self.state.data),
            {name: self[name].data for name in DATE_ORDER},
            self.note.data or "",
        )

    def show_domain_error(self, error) -> None:
        """The rules' messages next to the fields they concern."""
        for name, messages in error.errors.items():
            if name in self._fields:
                self[name].errors = [*self[name].errors, *messages]
