"""DomainError, what a rule raises when it refuses an action. It imports nothing of EventHub,
so the primitives raise it too (pdf's MissingFont); eventhub.errors adds the error pages and
is where the domains import it from."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the domain refused an action; the message is for the person who tried.

    `field` names the form field or JSON key at fault, when there is one.
    """

    def __init__(self, message: Any, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)
