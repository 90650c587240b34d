"""Settings: on disk before they apply, all or nothing, start at login (`service/settings.py`).

The application service on its own: a real store, a fake clock, no Qt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from resilience_app.core.errors import UserError
from resilience_app.core.settings import SettingError
from resilience_app.service import Service
from resilience_app.storage.settings_file import load_settings


def test_a_setting_reaches_the_disk_before_it_applies(service: Service, data_dir: Path) -> None:
    seen: list[tuple[str, Any]] = []
    service.settings_changed.connect(lambda key, value: seen.append((key, value)))
    assert service.set_setting("break.minutes", "5") == 5
    assert load_settings(data_dir)["break.minutes"] == 5 and seen == [("break.minutes", 5)]
    with pytest.raises(SettingError, match="later than"):
        service.update_settings({"nudge.first_minutes": 20, "nudge.second_minutes": 12})
    assert service.setting("nudge.first_minutes") == 10


def test_a_setting_the_disk_refuses_changes_nothing(service: Service) -> None:
    def refuse(values: dict[str, Any]) -> None:
        raise OSError(28, "No space left on device")

    service.settings_desk.save_settings = refuse
    with pytest.raises(UserError, match="nothing was changed"):
        service.set_setting("break.minutes", "7")
    assert service.setting("break.minutes") == 3


def test_start_at_login_follows_the_setting_and_says_when_it_cannot(service: Service) -> None:
    calls: list[bool] = []
    service.settings_desk.start_at_login = calls.append
    service.set_setting("app.start_at_login", "on")
    assert calls == [True]

    def broken(enabled: bool) -> None:
        raise UserError("Start at login is not supported on this system.")

    service.settings_desk.start_at_login = broken
    with pytest.raises(UserError, match="saved, but start at login"):
        service.set_setting("app.start_at_login", "off")
    assert service.setting("app.start_at_login") is False
