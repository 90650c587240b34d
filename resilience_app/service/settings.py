"""`SettingsDesk`: the rep's settings: read, changed (checked, on disk, then applied), and
start at login, which lives outside the settings file."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from resilience_app import i18n
from resilience_app.core.errors import UserError
from resilience_app.core.events import Event
from resilience_app.core.settings import Settings
from resilience_app.i18n import _
from resilience_app.service.context import Context
from resilience_app.service.durability import Durability
from resilience_app.service.keyring import Keyring

log = logging.getLogger(__name__)


class SettingsDesk:
    """Changing settings; the keyring refuses "remember" where it cannot, and a journal
    removed meanwhile goes back to disk with the write (`durability`)."""

    def __init__(
        self,
        ctx: Context,
        keyring: Keyring,
        durability: Durability,
        *,
        save_settings: Callable[[dict[str, Any]], None],
        start_at_login: Callable[[bool], None] | None,
    ) -> None:
        self.ctx = ctx
        self.keyring = keyring
        self.durability = durability
        self.save_settings = save_settings
        self.start_at_login = start_at_login
        self.settings_changed: Event[[str, Any]] = Event()
        # The windows hear of a change first; then what follows the setting moves.
        ctx.settings.changed.connect(self.settings_changed.emit)
        ctx.settings.changed.connect(keyring.follow_setting)
        ctx.settings.changed.connect(self._follow_language)
        ctx.store.on_recreated = self.rewrite_settings

    def _follow_language(self, key: str, value: Any) -> None:
        if key == "ui.language":
            i18n.set_language(str(value))

    def renew_login(self) -> None:
        """At start: follow a moved installation (the entry rewritten with today's command)."""
        if self.ctx.settings.get("app.start_at_login"):
            problem = self.apply_login(True)
            if problem:
                self.ctx.tell(
                    # Translators: {problem} is a sentence saying why, from the system.
                    _("Could not renew start at login: {problem}").format(problem=problem)
                )

    def setting(self, key: str) -> Any:
        return self.ctx.settings.get(key)

    def setting_values(self) -> dict[str, Any]:
        return self.ctx.settings.as_dict()

    def set_setting(self, key: str, raw: Any) -> Any:
        """Change one setting: checked, written to disk, then applied."""
        self.update_settings({key: raw})
        return self.ctx.settings.get(key)

    def update_settings(self, raw_values: dict[str, Any]) -> dict[str, Any]:
        """Change several settings at once (all or nothing); returns what changed.

        The new values reach the disk before anything applies them, so a setting the rep
        was told about is still there after a restart."""
        trial = Settings(self.ctx.settings.as_dict())
        trial.update(raw_values)  # raises SettingError with a sentence
        changed = {k: v for k, v in trial.as_dict().items() if v != self.ctx.settings.get(k)}
        if not changed:
            return {}
        if changed.get("lock.remember"):
            self.keyring.check_remember()
        try:
            self.save_settings(trial.as_dict())
        except OSError as exc:
            raise UserError(
                # Translators: {reason} is the system's reason ("No space left on device").
                _("Could not save your settings ({reason}); nothing was changed.").format(
                    reason=exc.strerror or exc
                )
            ) from None
        self.ctx.settings.update(changed)
        # A journal removed meanwhile goes back with this write.
        self.durability.restore_removed_files()
        if "app.start_at_login" in changed:
            problem = self.apply_login(bool(changed["app.start_at_login"]))
            if problem:
                raise UserError(
                    # Translators: {problem} is a sentence saying why, from the system.
                    _(
                        "Your settings are saved, but start at login could not be changed: "
                        "{problem}"
                    ).format(problem=problem)
                )
        return changed

    def rewrite_settings(self) -> None:
        """The data folder was made again: put the settings in use back on disk too."""
        try:
            self.save_settings(self.ctx.settings.as_dict())
        except (OSError, UserError) as exc:
            log.warning("settings not written again: %s", exc)

    def apply_login(self, enabled: bool) -> str | None:
        """Write or remove the start-at-login entry; a sentence if that failed."""
        if self.start_at_login is None:
            return None
        try:
            self.start_at_login(enabled)
        except UserError as exc:
            return exc.message
        except OSError as exc:
            return str(exc.strerror or exc)
        return None
