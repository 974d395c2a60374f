"""Requests checked against the schemas of api.schemas (those the OpenAPI description
publishes), with a translated reason per refused field."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import jsonschema_rs
from flask_babel import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from eventhub.api.schemas import SCHEMAS

WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,30}")  # ASCII digits only, unlike int()


def _rooted(name: str) -> dict[str, Any]:
    """The component `name`, with the components its $refs point into."""
    return {"$ref": f"#/components/schemas/{name}", "components": {"schemas": SCHEMAS}}


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator of the component `name` that says what is wrong, field by field."""
    return Draft202012Validator(_rooted(name))


@cache
def _quick(name: str) -> jsonschema_rs.Validator:
    """The same schema compiled in Rust: ~1 us instead of ~120 us a scan for the common,
    valid request (the scan API's budget is about a millisecond)."""
    return jsonschema_rs.validator_for(_rooted(name))


def _path(error: ValidationError, *more: str) -> str:
    """The refused field as a dotted path in the body ("" for the body itself)."""
    return ".".join([*(str(part) for part in error.absolute_path), *more])


def _message(error: ValidationError, field: str) -> str:
    keyword, rule = error.validator, error.validator_value
    if keyword == "required" or (keyword in ("minLength", "pattern") and rule in (1, r"\S")):
        return _("%(field)s is required.", field=field)
    if keyword == "type":
        kinds = set(rule) - {"null"} if isinstance(rule, list) else {rule}
        if kinds == {"string"}:
            return _("Send this field as text.")
        if kinds == {"integer"}:
            return _("Give %(field)s as a whole number.", field=field)
        if kinds == {"array"}:
            return _("Send %(field)s as a list.", field=field)
        return _("%(field)s is not of the expected type.", field=field)
    if keyword == "const" and rule is True:
        return _("%(field)s must be true: the person has to agree to it.", field=field)
    if keyword == "maxLength":
        return _("Use at most %(n)d characters.", n=rule)
    if keyword == "enum":
        return _("Choose one of: %(choices)s.", choices=", ".join(v for v in rule if v))
    if keyword == "minimum":
        return _("%(field)s must be at least %(n)s.", field=field, n=rule)
    if keyword == "maximum":
        return _("%(field)s must be at most %(n)s.", field=field, n=rule)
    return _("%(field)s is not valid.", field=field)


def _unknown(error: ValidationError) -> list[str]:
    """The unknown properties an additionalProperties error names."""
    allowed = error.schema.get("properties", {})
    return [name for name in error.instance if name not in allowed]


def body_errors(name: str, body: Any) -> dict[str, list[str]]:
    """Field -> messages for `body` against the component `name`, in the order of the
    schema's fields (empty when valid; key "" when the body itself is of the wrong kind)."""
    try:
        if _quick(name).is_valid(body):
            return {}
    except (ValueError, OverflowError):  # lone surrogates, numbers Rust cannot hold
        pass  # the full check below reads them
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        if message not in errors.setdefault(field, []):
            errors[field].append(message)

    for error in validator(name).iter_errors(body):
        if error.validator == "additionalProperties":
            for unknown in _unknown(error):
                add(_path(error, unknown), _("Unknown field."))
        elif error.validator == "required":
            for missing in (n for n in error.validator_value if n not in error.instance):
                field = _path(error, missing)
                add(field, _message(error, field))
        else:
            field = _path(error)
            add(field, _message(error, field))
    order = list(SCHEMAS[name].get("properties", {}))
    return dict(sorted(errors.items(), key=lambda kv: _rank(order, kv[0])))


def _rank(order: list[str], field: str) -> tuple[int, str]:
    head = field.split(".")[0]
    return (order.index(head) if head in order else len(order), field)


def query_args(parameters: list[dict[str, Any]], args) -> tuple[dict[str, Any], int, dict]:
    """The query parameters described by `parameters`, typed; with (status, field errors):
    400 when a value cannot be read as its type (`?room=null`), 422 when it breaks a rule
    of its schema, 0 when all are good."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    status = 0
    for parameter in parameters:
        name, schema = parameter["name"], parameter["schema"]
        text = args.get(name)
        if text is None or (text == "" and not parameter.get("required")):
            continue
        value: Any = text
        if schema.get("type") == "integer":
            if not WHOLE_NUMBER.fullmatch(text):
                errors[name] = [_("Give %(field)s as a whole number.", field=name)]
                status = 400
                continue
            value = int(text)
        problems = [_message(e, name) for e in Draft202012Validator(schema).iter_errors(value)]
        if problems:
            errors[name] = problems
            status = status or 422
            continue
        values[name] = value
    return values, status, errors
