"""What accounts tell the modules above them, which the core may not import."""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

# Someone chose a language in the language switch (sender: their User, or None without an
# account; `locale`: the supported code; `page`: the path they chose it on). Registration
# makes the person's registrations follow.
language_chosen = signals.signal("language-chosen")
