"""The one door every user-facing string passes through.

Strings are written in English in the code and wrapped in ``t()``; a catalogue per
language maps the English text to its translation. A missing translation falls
back to English, so an untranslated string is visible but never an error.
"""

from __future__ import annotations

from contextvars import ContextVar

DEFAULT_LANGUAGE = "en"
LANGUAGES = {"en": "English"}

# English text -> translated text, one dict per language other than English.
CATALOGUES: dict[str, dict[str, str]] = {}

_current_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


def set_language(language: str) -> None:
    """Choose the language for this thread or task (falls back to English)."""
    _current_language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _current_language.get()


def t(text: str, **values: object) -> str:
    """Translate ``text`` into the current language and fill in ``{name}`` values."""
    translated = CATALOGUES.get(current_language(), {}).get(text, text)
    return translated.format(**values) if values else translated


def t_count(count: int, one: str, other: str, **values: object) -> str:
    """Translate the singular ``one`` when ``count`` is 1, else the plural ``other``,
    and fill in ``{count}`` (with thousands separators) and the other ``{name}``
    values: ``t_count(1, "{count} answer", "{count} answers")``. A catalogue
    translates each form as its own text."""
    return t(one if count == 1 else other, count=f"{count:,}", **values)
