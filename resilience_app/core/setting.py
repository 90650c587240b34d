"""One setting: its declared key, type, default, limits and description, and how a value
given as text (the command line, the settings file) becomes a valid value or a sentence
saying why not. The schema of all settings is in `settings`."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from resilience_app import i18n
from resilience_app.core.errors import UserError
from resilience_app.i18n import _


class SettingError(UserError, ValueError):
    """A key or value the rep gave is not acceptable; the message says why."""

    usage = True


@dataclass(frozen=True)
class Setting:
    key: str
    kind: type  # float, int, bool or str
    default: Any
    description: str  # English, marked with N_(); `help` is the rep's language
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    pattern: str = ""  # a full-match regular expression for text values
    form: str = ""  # how a `pattern` value is written, for the error sentence ("HH:MM")
    # Turns text into its one written form, or raises a UserError saying what is wrong.
    normalize: Callable[[str], str] | None = None

    @property
    def help(self) -> str:
        """The description in the rep's language (`config list`, the settings' tooltips)."""
        return _(self.description)

    def parse(self, raw: Any) -> Any:
        """Turn `raw` (text from the command line, or a stored value) into a valid value."""
        if self.kind is bool:
            value: Any = _parse_bool(self.key, raw)
        elif self.kind in (int, float):
            value = _parse_number(self.key, raw, whole=self.kind is int)
            if self.minimum is not None and value < self.minimum:
                raise SettingError(
                    # Translators: {key} is a setting's name (break.minutes), {minimum} a number,
                    # {description} what the setting does: "length of a break in minutes, 1 to 10".
                    _("{key} must be at least {minimum} ({description}).").format(
                        key=self.key, minimum=format_limit(self.minimum), description=self.help
                    )
                )
            if self.maximum is not None and value > self.maximum:
                raise SettingError(
                    # Translators: {key} is a setting's name (break.minutes), {maximum} a number,
                    # {description} what the setting does: "length of a break in minutes, 1 to 10".
                    _("{key} must be at most {maximum} ({description}).").format(
                        key=self.key, maximum=format_limit(self.maximum), description=self.help
                    )
                )
        else:
            value = str(raw).strip()
            if self.choices and value not in self.choices:
                raise SettingError(
                    # Translators: {key} is a setting's name (ui.theme); {choices} its values as
                    # typed, in English: "auto, light, dark".
                    _("{key} must be one of: {choices}.").format(
                        key=self.key, choices=", ".join(self.choices)
                    )
                )
            if self.pattern and not re.fullmatch(self.pattern, value):
                raise SettingError(
                    # Translators: {key} is a setting's name (lookback.time), {form} how its value
                    # is written (HH:MM), {got} what the rep typed, in quotes.
                    _("{key} must be {form} (got {got}).").format(
                        key=self.key, form=self.form, got=repr(value)
                    )
                )
            if self.normalize is not None:
                try:
                    value = self.normalize(value)
                except UserError as exc:
                    raise SettingError(
                        # Translators: {key} is a setting's name (hotkey.flag); {problem} a sentence
                        # saying what is wrong with the value the rep gave.
                        _("{key}: {problem}").format(key=self.key, problem=exc.message)
                    ) from None
        return value


def format_limit(number: float) -> str:
    """A limit as the rep's locale writes numbers, with the decimals it has ("0.01")."""
    if float(number).is_integer():
        return i18n.format_number(number)
    decimals = len(repr(float(number)).split(".")[1])
    return i18n.format_number(number, min(decimals, 6))


def _parse_bool(key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    # Translators: {key} is a setting's name (break.sound); "on" and "off" are the values
    # to type, in English; {got} what the rep typed, in quotes.
    raise SettingError(_("{key} must be on or off (got {got}).").format(key=key, got=repr(raw)))


def _parse_number(key: str, raw: Any, *, whole: bool) -> float | int:
    # Translators: {key} is a setting's name (break.minutes); {got} what the rep typed.
    not_a_number = _("{key} must be a number (got {got}).")
    if isinstance(raw, bool):
        raise SettingError(not_a_number.format(key=key, got=repr(raw)))
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise SettingError(not_a_number.format(key=key, got=repr(raw))) from None
    if not math.isfinite(value):
        raise SettingError(
            # Translators: {key} is a setting's name (break.minutes); {got} what the rep typed.
            _("{key} must be a finite number (got {got}).").format(key=key, got=repr(raw))
        )
    if whole:
        if not value.is_integer():
            raise SettingError(
                # Translators: {key} is a setting's name; {got} what the rep typed.
                _("{key} must be a whole number (got {got}).").format(key=key, got=repr(raw))
            )
        return int(value)
    return value
