"""What accounts tell the modules above them, which the core may not import."""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

# An account chose a language in the language switch (sender: the User; `locale`: the
# supported code). Registration makes the person's registrations in events still ahead follow.
language_chosen = signals.signal("language-chosen")
