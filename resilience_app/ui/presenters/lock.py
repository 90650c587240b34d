"""The passphrase dialogs: unlock (then do what the rep asked for), set, change, remove."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from resilience_app.core.errors import UserError
from resilience_app.i18n import N_, _, ngettext
from resilience_app.service import Service
from resilience_app.ui.presenters.base import BasePresenter

if TYPE_CHECKING:
    from resilience_app.ui.passphrase_dialog import PassphraseDialog


class LockPresenter(BasePresenter):
    """Asks for the passphrase where one is needed and hands it to the service."""

    def __init__(self, service: Service, owner: QObject, *, changed: Callable[[], None]) -> None:
        super().__init__(service, owner)
        self._changed = changed  # the lock's state, shown again (settings, tray)
        self._after_unlock: list[Callable[[], None]] = []  # what the rep asked for, locked
        self._reason = ""  # why the unlock dialog asks, as written (N_): shown translated
        self.dialogs: dict[str, PassphraseDialog] = {}  # by mode, built on first use

    def when_unlocked(self, reason: str, action: Callable[[], None]) -> None:
        """Run `action` now, or once the rep has typed the passphrase (if they do);
        `reason` is a sentence marked with N_, translated when shown."""
        if not self.service.locked:
            action()
            return
        self._after_unlock.append(action)
        self._reason = reason or N_("Type your passphrase to read and write your notes.")
        self._ask_unlock()

    def _ask_unlock(self) -> None:
        self.dialog("unlock").ask(
            _(self._reason), remember=bool(self.service.setting("lock.remember"))
        )

    def dialog(self, mode: str) -> PassphraseDialog:
        dialog = self.dialogs.get(mode)
        if dialog is None:
            from resilience_app.ui.passphrase_dialog import PassphraseDialog

            dialog = PassphraseDialog(mode)
            dialog.submitted.connect(lambda values, m=mode: self._given(m, values))
            dialog.export_requested.connect(self._export_before_protecting)
            if mode == "unlock":
                dialog.rejected.connect(self._after_unlock.clear)
            self.dialogs[mode] = dialog
        problem = self.service.keyring_problem
        dialog.remember.setEnabled(problem is None)
        if problem is not None:
            dialog.remember.setToolTip(_("Not available here: {problem}.").format(problem=problem))
        return dialog

    def ask_passphrase(self, mode: str) -> None:
        self.dialog(mode).ask(remember=bool(self.service.setting("lock.remember")))

    def _given(self, mode: str, values: dict[str, Any]) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        dialog = self.dialog(mode)
        service = self.service
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if mode == "unlock":
                service.unlock(values["passphrase"], remember=values.get("remember"))
            elif mode == "set":
                service.set_passphrase(values["passphrase"], remember=values.get("remember"))
            elif mode == "change":
                service.change_passphrase(values["old"], values["new"])
            else:
                service.remove_passphrase(values["passphrase"])
        except UserError as exc:
            dialog.show_error(exc.message)
            return
        finally:
            QApplication.restoreOverrideCursor()
        dialog.finish()
        self._changed()
        if mode == "unlock":
            self.unlocked()  # done already when the service said so; nothing is done twice

    def unlocked(self) -> None:
        """The journal opened, by this dialog, `resilience unlock` or the keyring: the
        question goes and what the rep asked for while it was locked opens now."""
        dialog = self.dialogs.get("unlock")
        if dialog is not None and dialog.isVisible():
            dialog.finish()
        pending = list(self._after_unlock)
        self._after_unlock.clear()
        for action in pending:
            action()

    def _export_before_protecting(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        dialog = self.dialog("set")
        suggested = str(Path.home() / "resilience-journal.json")
        path, _filter = QFileDialog.getSaveFileName(
            dialog, _("Export a copy of your journal"), suggested, _("JSON (*.json)")
        )
        if not path:
            return
        try:
            result = self.service.export("json", path=Path(path))
        except UserError as exc:
            dialog.show_error(exc.message)
            return
        dialog.show_status(
            ngettext(
                "A copy of {n} call is in {path}.",
                "A copy of {n} calls is in {path}.",
                result.calls,
            ).format(n=result.calls, path=path)
        )

    # -- restyle, a new language, quit ----------------------------------------------------

    def windows(self) -> list[Any]:
        return list(self.dialogs.values())

    def forget(self) -> list[Any]:
        """The dialogs, forgotten (built again in the new language when next asked)."""
        dialogs, self.dialogs = list(self.dialogs.values()), {}
        return dialogs

    def asked_again(self) -> Callable[[], None]:
        """For a new language: the callable asks again, in it, what a dialog on screen
        asks now (what waits for the unlock still waits)."""
        shown = [mode for mode, dialog in self.dialogs.items() if dialog.isVisible()]

        def again() -> None:
            for mode in shown:
                if mode == "unlock":
                    if self.service.locked:
                        self._ask_unlock()
                else:
                    self.ask_passphrase(mode)

        return again
