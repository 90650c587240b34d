from __future__ import annotations

import pytest

from resilience_app.core.settings import SettingError, Settings


def test_defaults_match_the_product() -> None:
    s = Settings()
    assert s.break_minutes == 3
    assert (s.first_nudge_minutes, s.second_nudge_minutes) == (10, 15)
    assert s.get("break.pattern") == "box"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("break.minutes", "0.5", "at least 1"),
        ("break.minutes", "11", "at most 10"),
        ("break.minutes", "three", "must be a number"),
        ("break.minutes", "nan", "finite"),
        ("break.pattern", "yoga", "must be one of"),
        ("break.reduced_motion", "maybe", "on or off"),
        ("nudge.second_minutes", "5", "later than nudge.first_minutes"),
        ("colour", "blue", "no setting called 'colour'"),
    ],
)
def test_bad_values_get_a_sentence(key: str, value: str, message: str) -> None:
    s = Settings()
    with pytest.raises(SettingError, match=message):
        s.set(key, value)
    assert s.as_dict() == Settings().as_dict()


def test_fractions_allowed_for_nudges_so_tests_can_use_seconds() -> None:
    s = Settings()
    s.set("nudge.first_minutes", "0.05")
    s.set("nudge.second_minutes", "0.1")
    assert s.first_nudge_minutes == pytest.approx(0.05)


def test_update_checks_keys_together() -> None:
    s = Settings()
    changed = s.update({"nudge.first_minutes": 20, "nudge.second_minutes": 25})
    assert changed == {"nudge.first_minutes": 20.0, "nudge.second_minutes": 25.0}
    with pytest.raises(SettingError):
        s.update({"nudge.first_minutes": 30})
    assert s.first_nudge_minutes == 20


def test_stored_values_that_no_longer_fit_fall_back_to_defaults() -> None:
    s = Settings({"break.minutes": 99, "break.pattern": "coherent", "unknown": 1})
    assert s.break_minutes == 3
    assert s.get("break.pattern") == "coherent"


def test_changed_event_fires_with_the_parsed_value() -> None:
    s = Settings()
    seen: list[tuple[str, object]] = []
    s.changed.connect(lambda k, v: seen.append((k, v)))
    s.set("break.reduced_motion", "on")
    assert seen == [("break.reduced_motion", True)]


def test_working_hours_with_no_working_day_are_refused() -> None:
    """With no day at all, every nudge would be recorded off-hours and never show."""
    s = Settings()
    s.set("work.days", "")  # fine while working hours are off
    with pytest.raises(SettingError, match=r"at least one working day \(work\.days\)"):
        s.set("work.limit", "on")
    assert s.get("work.limit") is False
    s.set("work.days", "mon")
    s.set("work.limit", "on")
    with pytest.raises(SettingError, match="no nudge would ever show"):
        s.set("work.days", "")
    assert s.get("work.days") == "mon"


def test_stored_working_hours_with_no_day_get_the_default_days() -> None:
    s = Settings({"work.limit": True, "work.days": "", "nudge.first_minutes": 5})
    assert s.get("work.limit") is True
    assert s.get("work.days") == "mon,tue,wed,thu,fri"
    assert s.first_nudge_minutes == 5


def test_the_dial_key_and_the_flag_key_cannot_be_one_key() -> None:
    s = Settings()
    assert (s.get("hotkey.flag"), s.get("hotkey.dial")) == ("Ctrl+Alt+B", "Ctrl+Alt+N")
    both = r"\(hotkey\.dial\).*\(hotkey\.flag\) are both Ctrl\+Alt\+B"
    with pytest.raises(SettingError, match=both):
        s.set("hotkey.dial", "alt+ctrl+b")  # written another way, the same combination
    with pytest.raises(SettingError, match="one key cannot do both"):
        s.set("hotkey.flag", "Ctrl+Alt+N")
    with pytest.raises(SettingError, match="are both Ctrl\\+Alt\\+Return"):
        s.update({"hotkey.flag": "Ctrl+Alt+Enter", "hotkey.dial": "Ctrl+Alt+Return"})  # one key
    assert (s.get("hotkey.flag"), s.get("hotkey.dial")) == ("Ctrl+Alt+B", "Ctrl+Alt+N")
    s.update({"hotkey.flag": "Ctrl+Alt+N", "hotkey.dial": "Ctrl+Alt+B"})  # swapped at once
    assert (s.get("hotkey.flag"), s.get("hotkey.dial")) == ("Ctrl+Alt+N", "Ctrl+Alt+B")


def test_both_keys_may_be_off_and_a_bad_dial_key_gets_a_sentence() -> None:
    s = Settings()
    s.set("hotkey.dial", "")
    s.set("hotkey.flag", "")  # two empty keys are two keys off, not one key twice
    assert (s.get("hotkey.flag"), s.get("hotkey.dial")) == ("", "")
    s.set("hotkey.flag", "Ctrl+Alt+N")
    with pytest.raises(SettingError, match=r"hotkey\.dial: 'Hyper' is not a modifier key"):
        s.set("hotkey.dial", "Hyper+N")
    with pytest.raises(SettingError, match="needs Ctrl, Alt or Super"):
        s.set("hotkey.dial", "Shift+N")


def test_a_stored_flag_key_on_the_dial_keys_default_turns_the_dial_key_off() -> None:
    """A rep who chose Ctrl+Alt+N to flag before the dial key existed keeps their key."""
    s = Settings({"hotkey.flag": "Ctrl+Alt+N", "break.minutes": 5})
    assert (s.get("hotkey.flag"), s.get("hotkey.dial")) == ("Ctrl+Alt+N", "")
    assert s.break_minutes == 5
    s.set("hotkey.dial", "Ctrl+Alt+M")
    assert s.get("hotkey.dial") == "Ctrl+Alt+M"
