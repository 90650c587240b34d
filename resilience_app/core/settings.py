"""Every setting in one declared schema: key, type, default, limits and a description.

`resilience config get|set`, the settings window and the loop all read this schema, so a
key, its limits and its error messages exist in one place only.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from resilience_app import i18n
from resilience_app.core import shortcut
from resilience_app.core.breathing import DEFAULT_PATTERN, PATTERNS
from resilience_app.core.errors import UserError
from resilience_app.core.events import Event


class SettingError(UserError, ValueError):
    """A key or value the rep gave is not acceptable; the message says why."""

    usage = True


@dataclass(frozen=True)
class Setting:
    key: str
    kind: type  # float, int, bool or str
    default: Any
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    pattern: str = ""  # a full-match regular expression for text values
    # Turns text into its one written form, or raises a UserError saying what is wrong.
    normalize: Callable[[str], str] | None = None

    def parse(self, raw: Any) -> Any:
        """Turn `raw` (text from the command line, or a stored value) into a valid value."""
        if self.kind is bool:
            value: Any = _parse_bool(self.key, raw)
        elif self.kind in (int, float):
            value = _parse_number(self.key, raw, whole=self.kind is int)
            if self.minimum is not None and value < self.minimum:
                raise SettingError(
                    f"{self.key} must be at least {_fmt(self.minimum)} ({self.description})."
                )
            if self.maximum is not None and value > self.maximum:
                raise SettingError(
                    f"{self.key} must be at most {_fmt(self.maximum)} ({self.description})."
                )
        else:
            value = str(raw).strip()
            if self.choices and value not in self.choices:
                raise SettingError(f"{self.key} must be one of: {', '.join(self.choices)}.")
            if self.pattern and not re.fullmatch(self.pattern, value):
                raise SettingError(
                    f"{self.key} must be {self.description.split(', as ')[-1]} (got {value!r})."
                )
            if self.normalize is not None:
                try:
                    value = self.normalize(value)
                except UserError as exc:
                    raise SettingError(f"{self.key}: {exc.message}") from None
        return value


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _parse_bool(key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise SettingError(f"{key} must be on or off (got {raw!r}).")


def _parse_number(key: str, raw: Any, *, whole: bool) -> float | int:
    if isinstance(raw, bool):
        raise SettingError(f"{key} must be a number (got {raw!r}).")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise SettingError(f"{key} must be a number (got {raw!r}).") from None
    if not math.isfinite(value):
        raise SettingError(f"{key} must be a finite number (got {raw!r}).")
    if whole:
        if not value.is_integer():
            raise SettingError(f"{key} must be a whole number (got {raw!r}).")
        return int(value)
    return value


def _names(text: str) -> str:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if any(len(n) > 100 for n in names) or len(names) > 50:
        raise UserError("at most 50 names of at most 100 characters")
    return ", ".join(dict.fromkeys(names))


SCHEMA: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("break.minutes", float, 3.0, "length of a break in minutes, 1 to 10", 1, 10),
        Setting(
            "break.pattern",
            str,
            DEFAULT_PATTERN,
            "the breathing guide used in a break",
            choices=tuple(PATTERNS),
        ),
        Setting("break.reduced_motion", bool, False, "show text and a counter, no animation"),
        Setting("break.sound", bool, False, "a soft chime when a break ends"),
        Setting(
            "break.phase_sounds",
            bool,
            False,
            "a soft tone at each breathing phase (in, hold, out), to follow with eyes closed",
        ),
        Setting("app.start_at_login", bool, False, "start Resilience when you log in"),
        Setting(
            "ui.theme",
            str,
            "auto",
            "colours: auto follows the desktop (dark, high contrast), or light, dark or contrast",
            choices=("auto", "light", "dark", "contrast"),
        ),
        Setting(
            "ui.language",
            str,
            "auto",
            "the language: auto follows the system, or en, pt_BR, es, fr, de",
            choices=i18n.CHOICES,
        ),
        Setting(
            "lookback.enabled",
            bool,
            False,
            "a weekly look back at your calls, opening Insights",
        ),
        Setting(
            "lookback.day",
            str,
            "fri",
            "the day of the weekly look back",
            choices=("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
        ),
        Setting(
            "lookback.time",
            str,
            "16:30",
            "the time of the weekly look back, as HH:MM",
            pattern=r"([01]\d|2[0-3]):[0-5]\d",
        ),
        Setting(
            "calls.detect",
            bool,
            True,
            "notice calls by the microphone being in use (never listening to it)",
        ),
        Setting(
            "calls.ignore_apps",
            str,
            "",
            "applications whose use of the microphone is not a call, comma-separated",
            normalize=_names,
        ),
        Setting(
            "calls.offer_flag",
            bool,
            False,
            "after each call, a quiet one-click offer to flag it",
        ),
        Setting(
            "hotkey.flag",
            str,
            "Ctrl+Alt+B",
            "the global shortcut that flags a call from anywhere; empty turns it off",
            normalize=shortcut.normalize,
        ),
        Setting(
            "lock.remember",
            bool,
            False,
            "keep the journal's key in this computer's keyring, so it opens at login",
        ),
        Setting(
            "lock.idle_minutes",
            int,
            0,
            "lock the journal after this many minutes unused (0: never), 0 to 480",
            0,
            480,
        ),
        Setting(
            "nudge.first_minutes",
            float,
            10.0,
            "minutes after a flag for the first nudge back to the phone",
            0.01,
            240,
        ),
        Setting(
            "nudge.second_minutes",
            float,
            15.0,
            "minutes after a flag for the second, firmer nudge",
            0.01,
            240,
        ),
    )
}


def lookup(key: str) -> Setting:
    try:
        return SCHEMA[key]
    except KeyError:
        raise SettingError(
            f"There is no setting called {key!r}. Known settings: {', '.join(SCHEMA)}."
        ) from None


class Settings:
    """Current values, validated against the schema; `changed` fires after each set."""

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        self._values: dict[str, Any] = {key: s.default for key, s in SCHEMA.items()}
        self.changed: Event[[str, Any]] = Event()
        for key, raw in (values or {}).items():
            # A stored value that no longer fits (hand-edited file, older limits) falls
            # back to the default rather than stopping the app.
            if key in SCHEMA:
                with contextlib.suppress(SettingError):
                    self._values[key] = SCHEMA[key].parse(raw)
        try:
            _check_together(self._values)
        except SettingError:
            # Stored values that contradict each other (a hand-edited file): the nudges go
            # back to their defaults rather than refuse every later change of any setting.
            for key in ("nudge.first_minutes", "nudge.second_minutes"):
                self._values[key] = SCHEMA[key].default

    def get(self, key: str) -> Any:
        lookup(key)
        return self._values[key]

    def set(self, key: str, raw: Any) -> Any:
        value = lookup(key).parse(raw)
        trial = dict(self._values)
        trial[key] = value
        _check_together(trial)
        self._values[key] = value
        self.changed.emit(key, value)
        return value

    def update(self, raw_values: Mapping[str, Any]) -> dict[str, Any]:
        """Set several keys at once, checked together (all or nothing)."""
        trial = dict(self._values)
        for key, raw in raw_values.items():
            trial[key] = lookup(key).parse(raw)
        _check_together(trial)
        changed = {k: v for k, v in trial.items() if v != self._values[k]}
        self._values = trial
        for key, value in changed.items():
            self.changed.emit(key, value)
        return changed

    def as_dict(self) -> dict[str, Any]:
        return dict(self._values)

    # Typed shortcuts for the values the loop uses all the time.
    @property
    def break_minutes(self) -> float:
        return float(self._values["break.minutes"])

    @property
    def first_nudge_minutes(self) -> float:
        return float(self._values["nudge.first_minutes"])

    @property
    def second_nudge_minutes(self) -> float:
        return float(self._values["nudge.second_minutes"])


def _check_together(values: Mapping[str, Any]) -> None:
    first, second = values["nudge.first_minutes"], values["nudge.second_minutes"]
    if second <= first:
        raise SettingError(
            f"nudge.second_minutes ({_fmt(second)}) must be later than "
            f"nudge.first_minutes ({_fmt(first)})."
        )
