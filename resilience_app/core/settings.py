"""Every setting in one declared schema: key, type, default, limits and a description.

`resilience config get|set`, the settings window and the loop all read this schema, so a
key, its limits and its error messages exist in one place only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

from resilience_app import i18n
from resilience_app.core import shortcut, values, workhours
from resilience_app.core.breathing import DEFAULT_PATTERN, PATTERNS
from resilience_app.core.errors import UserError
from resilience_app.core.events import Event
from resilience_app.core.setting import Setting, SettingError, format_limit
from resilience_app.i18n import N_, _

__all__ = ["SCHEMA", "Setting", "SettingError", "Settings", "lookup"]


def _names(text: str) -> str:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if any(len(n) > 100 for n in names) or len(names) > 50:
        raise UserError(_("Give at most 50 names, each of at most 100 characters."))
    return ", ".join(dict.fromkeys(names))


def _moment_or_empty(text: str) -> str:
    """ "" or an aware ISO moment (what `resilience pause` stores)."""
    from datetime import datetime

    if not text.strip():
        return ""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise UserError(
            _("Give a moment with its time zone, like 2026-11-25T14:30:00+01:00, or nothing.")
        )
    return values.moment(moment, what=_("The end of the pause")).isoformat()


SCHEMA: dict[str, Setting] = {
    s.key: s
    for s in (
        Setting("break.minutes", float, 3.0, N_("length of a break in minutes, 1 to 10"), 1, 10),
        Setting(
            "break.pattern",
            str,
            DEFAULT_PATTERN,
            N_("the breathing guide used in a break"),
            choices=tuple(PATTERNS),
        ),
        Setting("break.reduced_motion", bool, False, N_("show text and a counter, no animation")),
        Setting("break.sound", bool, False, N_("a soft chime when a break ends")),
        Setting(
            "break.phase_sounds",
            bool,
            False,
            N_("a soft tone at each breathing phase (in, hold, out), to follow with eyes closed"),
        ),
        Setting("app.start_at_login", bool, False, N_("start Resilience when you log in")),
        Setting(
            "ui.theme",
            str,
            "auto",
            N_(
                "colors: auto follows the desktop (dark, high contrast), or light, dark or contrast"
            ),
            choices=("auto", "light", "dark", "contrast"),
        ),
        Setting(
            "ui.language",
            str,
            "auto",
            N_("the language: auto follows the system, or en, pt_BR, es, fr, de"),
            choices=i18n.CHOICES,
        ),
        Setting(
            "lookback.enabled",
            bool,
            False,
            N_("a weekly look back at your calls, opening Insights"),
        ),
        Setting(
            "lookback.day",
            str,
            "fri",
            N_("the day of the weekly look back"),
            choices=("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
        ),
        Setting(
            "lookback.time",
            str,
            "16:30",
            N_("the time of the weekly look back, as HH:MM"),
            pattern=r"([01]\d|2[0-3]):[0-5]\d",
            form="HH:MM",
        ),
        Setting(
            "work.limit",
            bool,
            False,
            N_("nudge only during working hours (work.days, work.start, work.end, work.gap)"),
        ),
        Setting(
            "work.days",
            str,
            "mon,tue,wed,thu,fri",
            N_("working days, comma-separated: mon, tue, wed, thu, fri, sat, sun"),
            normalize=workhours.normalize_days,
        ),
        Setting(
            "work.start",
            str,
            "09:00",
            N_("when the working day starts, as HH:MM"),
            pattern=r"([01]\d|2[0-3]):[0-5]\d",
            form="HH:MM",
        ),
        Setting(
            "work.end",
            str,
            "18:00",
            N_("when the working day ends, as HH:MM (before the start: a night shift)"),
            pattern=r"([01]\d|2[0-3]):[0-5]\d",
            form="HH:MM",
        ),
        Setting(
            "work.gap",
            str,
            "",
            N_("a break in the working day, e.g. 12:30-13:30 (a split shift); empty for none"),
            normalize=workhours.normalize_gap,
        ),
        Setting(
            "nudge.paused_until",
            str,
            "",
            N_("no nudges until this moment (set by `resilience pause`); empty when not paused"),
            normalize=_moment_or_empty,
        ),
        Setting(
            "calls.detect",
            bool,
            True,
            N_("notice calls by the microphone being in use (never listening to it)"),
        ),
        Setting(
            "calls.ignore_apps",
            str,
            "",
            N_("applications whose use of the microphone is not a call, comma-separated"),
            normalize=_names,
        ),
        Setting(
            "calls.call_apps",
            str,
            "",
            N_(
                "applications your calls are made with, comma-separated: their use of the "
                "microphone is a call at once (those seen on a call are added by themselves)"
            ),
            normalize=_names,
        ),
        Setting(
            "calls.hook_timeout_minutes",
            int,
            120,
            N_(
                "a call started by a dialer's hook with no end ends by itself after this "
                "many minutes, 10 to 720"
            ),
            10,
            720,
        ),
        Setting(
            "calls.offer_flag",
            bool,
            False,
            N_("after each call, a quiet one-click offer to flag it"),
        ),
        Setting(
            "hotkey.flag",
            str,
            "Ctrl+Alt+B",
            N_("the global shortcut that flags a call from anywhere; empty turns it off"),
            normalize=shortcut.normalize,
        ),
        Setting(
            "hotkey.dial",
            str,
            "Ctrl+Alt+N",
            N_("the global shortcut that says “I'm dialing” from anywhere; empty turns it off"),
            normalize=shortcut.normalize,
        ),
        Setting(
            "playbook.reminder_wait_minutes",
            float,
            60.0,
            N_("minutes a question kept for the playbook waits at least before its reminder"),
            0.01,
            480,
        ),
        Setting(
            "playbook.reminder_before_end_minutes",
            float,
            30.0,
            N_("minutes before the end of the working day for the reminder to write an answer"),
            0,
            240,
        ),
        Setting(
            "lock.remember",
            bool,
            False,
            N_("keep the journal's key in this computer's keyring, so it opens at login"),
        ),
        Setting(
            "lock.idle_minutes",
            int,
            0,
            N_("lock the journal after this many minutes unused (0: never), 0 to 480"),
            0,
            480,
        ),
        Setting(
            "nudge.first_minutes",
            float,
            10.0,
            N_("minutes after a flag for the first nudge back to the phone"),
            0.01,
            240,
        ),
        Setting(
            "nudge.second_minutes",
            float,
            15.0,
            N_("minutes after a flag for the second, firmer nudge"),
            0.01,
            240,
        ),
        Setting(
            "playbook.card",
            bool,
            True,
            N_("with a nudge, one card from your playbook: say your answer out loud, then look"),
        ),
    )
}


def lookup(key: str) -> Setting:
    try:
        return SCHEMA[key]
    except KeyError:
        raise SettingError(
            # Translators: {key} is what the rep typed, in quotes; {known} the settings' names.
            _("There is no setting called {key}. Known settings: {known}.").format(
                key=repr(key), known=", ".join(SCHEMA)
            )
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
        # Stored values that contradict each other (a hand-edited file): those keys go back
        # to their defaults rather than refuse every later change of any setting.
        for keys, check in _TOGETHER:
            try:
                check(self._values)
            except SettingError:
                for key in keys:
                    self._values[key] = _RESET_TO.get(key, SCHEMA[key].default)

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
    for _keys, check in _TOGETHER:
        check(values)


def _check_nudges(values: Mapping[str, Any]) -> None:
    first, second = values["nudge.first_minutes"], values["nudge.second_minutes"]
    if second <= first:
        raise SettingError(
            # Translators: nudge.second_minutes and nudge.first_minutes are settings' names;
            # {second} and {first} their values in minutes.
            _(
                "nudge.second_minutes ({second}) must be later than nudge.first_minutes ({first})."
            ).format(second=format_limit(second), first=format_limit(first))
        )


def _check_work_days(values: Mapping[str, Any]) -> None:
    if values["work.limit"] and not values["work.days"]:
        raise SettingError(
            # Translators: work.days and work.limit are settings' names (for the command
            # line); keep them as they are.
            _(
                "Working hours need at least one working day (work.days): with none, no "
                "nudge would ever show. Choose the days you work, or turn working hours off "
                "(work.limit)."
            )
        )


def _check_hotkeys(values: Mapping[str, Any]) -> None:
    flag, dial = str(values["hotkey.flag"]), str(values["hotkey.dial"])
    if shortcut.same(flag, dial):
        raise SettingError(
            # Translators: “I'm dialing” is the button of the break window and the nudge;
            # hotkey.dial and hotkey.flag are settings' names (keep them); {shortcut} a key
            # combination, as "Ctrl+Alt+N".
            _(
                "The shortcut for “I'm dialing” (hotkey.dial) and the one that flags a call "
                "(hotkey.flag) are both {shortcut}; one key cannot do both. Choose another "
                "combination for one of them."
            ).format(shortcut=dial)
        )


# Values checked together, and the keys that go back to their defaults when stored values
# contradict each other.
_TOGETHER: tuple[tuple[tuple[str, ...], Callable[[Mapping[str, Any]], None]], ...] = (
    (("nudge.first_minutes", "nudge.second_minutes"), _check_nudges),
    (("work.days",), _check_work_days),
    (("hotkey.dial",), _check_hotkeys),
)
# What a contradicted key goes back to instead of its default: the dial key's default may
# be the very combination the rep chose for the flag key, so it is turned off.
_RESET_TO: dict[str, Any] = {"hotkey.dial": ""}
