"""Which UI texts a reader was shown: every catalogue lookup made while the reader's language
was not English, recorded by msgid, so a test can ask each catalogue for exactly those."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from babel import support
from flask import has_request_context
from flask_babel import get_locale


class Shown:
    """The msgids looked up under each locale (singular msgids; plurals by their singular)."""

    def __init__(self) -> None:
        self.by_locale: dict[str, set[str]] = {}

    def note(self, msgid: str) -> None:
        try:
            locale = str(get_locale()) if has_request_context() or get_locale() else "en"
        except RuntimeError:  # no app context: nothing a reader sees
            return
        if locale != "en":
            self.by_locale.setdefault(locale, set()).add(msgid)

    def all(self) -> set[str]:
        return set().union(*self.by_locale.values()) if self.by_locale else set()


@contextlib.contextmanager
def recording() -> Iterator[Shown]:
    """Every gettext/ngettext/pgettext through Babel's translation classes is noted."""
    from eventhub import i18n

    shown = Shown()
    originals = {}
    classes = (support.NullTranslations, support.Translations)
    for cls in classes:
        for name, position in (
            ("ugettext", 0),
            ("ungettext", 0),
            ("pgettext", 1),
            ("upgettext", 1),
            ("npgettext", 1),
            ("unpgettext", 1),
        ):
            original = cls.__dict__.get(name)
            if original is None:
                continue
            originals[(cls, name)] = original

            def wrapped(self, *args, _original=original, _position=position):
                shown.note(args[_position])
                return _original(self, *args)

            setattr(cls, name, wrapped)
    i18n._FIXED_TEXTS.clear()  # cached texts would not be looked up again
    try:
        yield shown
    finally:
        for (cls, name), original in originals.items():
            setattr(cls, name, original)
        i18n._FIXED_TEXTS.clear()
