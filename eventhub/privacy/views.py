"""The organisers' pages about personal data; each page's routes live in its own module."""

from __future__ import annotations
