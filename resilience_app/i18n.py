"""The rep's language: one gettext catalog for the windows, the tray, the notifications and
the command line, and the locale's way of writing dates, times and numbers.

Why gettext (with Babel) rather than Qt Linguist: the command line must not load Qt (a
dialer hook's `resilience dialed` stays quick), and the sentences the service and the
storage say (a damaged month, a locked journal) reach the rep through both the windows
and the terminal. One catalog per language (`resilience_app/locale/LANG/LC_MESSAGES/
resilience.po`, compiled to `.mo` next to it) serves every layer; Babel extracts the
strings (`make translations`), knows each language's plural rules and formats dates and
numbers from CLDR data. Qt's own strings (a file dialog's buttons) come from Qt's catalogs.

Usage: `_("text")`, `ngettext("{n} call", "{n} calls", n).format(n=n)`, `N_("text")` to
mark a constant that is translated where it is shown. Placeholders are always named
(`{n}`, `{path}`) so a translation can put them in another order.
"""

from __future__ import annotations

import gettext
import locale as _locale
import os
import sys
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

DOMAIN = "resilience"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
# The languages the app speaks, each named in itself (for the settings list).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "pt_BR": "Português (Brasil)",
    "es": "Español",
    "fr": "Français",
    "de": "Deutsch",
}
CHOICES = ("auto", *LANGUAGES)

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"
_listeners: list[Callable[[str], None]] = []


def N_(message: str) -> str:
    """Mark `message` for translation where it is shown (a constant defined at import)."""
    return message


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _translations.pgettext(context, message)


class Message:
    """A sentence kept as written (its msgid, marked with N_, and the values for its
    placeholders) and translated each time it is shown (`str(message)`), so one built in a
    thread or long before shows in the language in use when it is read. A value may be a
    Message itself; `then` adds sentences shown after it ("... instead.")."""

    __slots__ = ("after", "text", "values")

    def __init__(self, text: str, /, **values: object) -> None:
        self.text = text
        self.values = values
        self.after: tuple[Message, ...] = ()

    def then(self, *more: Message) -> Message:
        """This sentence, then `more`, one after the other."""
        joined = Message(self.text, **self.values)
        joined.after = (*self.after, *more)
        return joined

    def __str__(self) -> str:
        return self._said(_)

    def english(self) -> str:
        """As written in the code (for the log)."""
        return self._said(lambda text: text)

    def _said(self, translate: Callable[[str], str]) -> str:
        values = {
            name: value._said(translate) if isinstance(value, Message) else value
            for name, value in self.values.items()
        }
        own = translate(self.text).format(**values) if self.text else ""
        return " ".join(part for part in (own, *(m._said(translate) for m in self.after)) if part)

    def __repr__(self) -> str:
        return f"Message({self.english()!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return (self.text, self.values, self.after) == (other.text, other.values, other.after)

    def __hash__(self) -> int:
        return hash((self.text, tuple(sorted(self.values)), self.after))


def language() -> str:
    """The language in use: a key of LANGUAGES."""
    return _language


def system_languages() -> list[str]:
    """The desktop's preferred languages, best first (POSIX: LANGUAGE, LC_ALL,
    LC_MESSAGES, LANG; elsewhere the user's locale)."""
    found: list[str] = []
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:
            found += [part for part in value.split(":") if part]
            if variable != "LANGUAGE":
                break
    if not found and sys.platform in ("win32", "darwin"):
        try:
            name = _locale.getlocale()[0]
        except ValueError:
            name = None
        if name:
            found.append(name)
    return found


def resolve(choice: str | None) -> str:
    """The supported language for a setting ("auto", "de", "pt_BR"...) or a locale name
    ("pt_BR.UTF-8", "de_AT", "fr-CA", "C"); English when nothing matches."""
    wanted = system_languages() if choice in (None, "", "auto") else [str(choice)]
    for name in wanted:
        code = name.split(".")[0].split("@")[0].replace("-", "_")
        if code in LANGUAGES:
            return code
        base = code.split("_")[0].lower()
        if base == "pt":
            return "pt_BR"  # the Portuguese we speak; closer to a Portuguese rep than English
        if base in LANGUAGES:
            return base
        if base in ("c", "posix", "en"):
            return "en"
    return "en"


def set_language(choice: str | None) -> str:
    """Use `choice` ("auto" or a language) from now on; returns the language used. The
    listeners hear of it when the language actually changes."""
    global _translations, _language, _format_locale
    code = resolve(choice)
    if code == "en":
        translations: gettext.NullTranslations = gettext.NullTranslations()
    else:
        translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)
    changed = code != _language
    _translations, _language, _format_locale = translations, code, None
    if changed:
        for listener in list(_listeners):
            listener(code)
    return code


def on_change(listener: Callable[[str], None]) -> None:
    """Call `listener(language)` after every change of language."""
    _listeners.append(listener)


def remove_listener(listener: Callable[[str], None]) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


# -- the locale's formats (Babel, imported on first use) ------------------------------------


_format_locale: str | None = None  # e.g. "en_GB" on a British desktop speaking English


def _babel_locale() -> str:
    """The locale for dates and numbers: the desktop's own region when it speaks the
    language in use (en_GB, es_MX, de_AT...), else the language's main locale."""
    global _format_locale
    if _format_locale is None:
        from babel import Locale, UnknownLocaleError

        _format_locale = _language
        for name in system_languages():
            code = name.split(".")[0].split("@")[0].replace("-", "_")
            if code.split("_")[0].lower() != _language.split("_")[0]:
                continue
            try:
                Locale.parse(code)
            except (ValueError, UnknownLocaleError):
                continue
            _format_locale = code
            break
    return _format_locale


def format_datetime(moment: datetime, date_skeleton: str = "MMMEd") -> str:
    """A day and a time in the rep's time zone, joined the locale's way, e.g.
    "Wed, Nov 25, 17:05" / "Mi., 25. Nov., 17:05"."""
    from babel.dates import get_datetime_format

    local = moment.astimezone()
    pattern = str(get_datetime_format("medium", locale=_babel_locale()))
    return pattern.replace("{1}", format_date(local.date(), date_skeleton)).replace(
        "{0}", format_time(local)
    )


def format_date(day: date, skeleton: str = "yMMMd") -> str:
    """A day, e.g. "Nov 25, 2026" / "25. Nov. 2026" (a CLDR skeleton: "MMMEd" for the
    weekday, day and month, "MMM" for the month alone, "y" for the year)."""
    from babel.dates import format_skeleton

    moment = datetime.combine(day, time(12, 0))
    return str(format_skeleton(skeleton, moment, locale=_babel_locale()))


def format_time(moment: datetime | time) -> str:
    """Hours and minutes, e.g. "17:05" / "5:05 PM" as the locale writes them."""
    from babel.dates import format_time as babel_time

    value = moment.astimezone() if isinstance(moment, datetime) else moment
    return str(babel_time(value, format="short", locale=_babel_locale()))


def format_number(value: float, decimals: int = 0) -> str:
    """A number with the locale's separators ("1,234.5" / "1.234,5")."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return str(format_decimal(value, format=pattern, locale=_babel_locale()))


def day_names(width: str = "abbreviated") -> list[str]:
    """Monday to Sunday in the rep's language."""
    from babel.dates import get_day_names

    names = get_day_names(width, locale=_babel_locale())
    return [str(names[i]) for i in range(7)]
