"""A global shortcut that works with any app in front (the flag key, the dial key), per
window system; each instance holds one shortcut, and two instances hold two.

- X11: a passive key grab on the root window through python-xlib, in its own connection
  and thread (blocked on the X socket, so it costs nothing while idle); grabbed with and
  without Caps Lock and Num Lock, which X counts as modifiers. Another client holding the
  same grab is reported as "taken".
- Windows: RegisterHotKey on the GUI thread; WM_HOTKEY arrives through Qt's event loop
  and a native event filter, under an id of each instance's own. A combination another
  program registered is reported as "taken".
- Wayland: the desktop's GlobalShortcuts portal where it has one (`PortalGlobalKey`, in
  portal_shortcuts.py; KDE Plasma, GNOME 48 and later), else `NullGlobalKey`.
- macOS, and Wayland without the portal: `NullGlobalKey`, whose sentence tells the rep to
  bind the command (`resilience flag`, `resilience dialed`) in the desktop's own keyboard
  settings (Wayland lets only the desktop, or its shortcuts portal, grab keys).

Where a shortcut cannot be had, the sentence names `command`, what the key would have run.
"""

from __future__ import annotations

import itertools
import logging
import os
import select
import sys
import threading
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractNativeEventFilter, QCoreApplication, QObject, Signal

from resilience_app.core import shortcut as shortcuts
from resilience_app.i18n import N_, Message

log = logging.getLogger(__name__)


FLAG_COMMAND = "resilience flag"
DIAL_COMMAND = "resilience dialed"


def _bind(problem: Message, command: str) -> Message:
    """A problem with the key, then how to get a shortcut all the same."""
    return problem.then(Message(BIND_IT_YOURSELF, command=command))


# Translators: {command} is a command to type as it is ("resilience flag"), not translated.
BIND_IT_YOURSELF = N_(
    "Bind the command `{command}` to a key in your desktop's keyboard settings instead."
)


class NullGlobalKey:
    """No global shortcut here; `register` says why, kept as written and translated when
    shown (`reason` is a message marked with N_, `values` fill its placeholders), and which
    command to bind instead."""

    def __init__(self, reason: str, command: str = FLAG_COMMAND, **values: str) -> None:
        self.reason = reason
        self.command = command
        self.values = values

    def register(self, shortcut: str, pressed: Callable[[], None]) -> Message | None:
        return _bind(Message(self.reason, **self.values), self.command)

    def unregister(self) -> None:
        pass


# X11 keysym names for the keys a shortcut may use (letters and digits map to themselves).
X11_NAMES = {
    "Space": "space", "PgUp": "Prior", "PgDown": "Next", "Return": "Return",
    "Enter": "Return", "Backspace": "BackSpace", "Escape": "Escape", "Print": "Print",
    "ScrollLock": "Scroll_Lock",
}  # fmt: skip


class X11GlobalKey(QObject):
    """A key grab on the X11 root window, watched by a thread of its own."""

    _pressed = Signal()

    def __init__(
        self,
        display_name: str | None = None,
        parent: QObject | None = None,
        *,
        command: str = FLAG_COMMAND,
    ) -> None:
        super().__init__(parent)
        self._display_name = display_name
        self.command = command
        self._display: Any = None
        self._grabs: list[tuple[int, int]] = []
        self._thread: threading.Thread | None = None
        self._wake_r, self._wake_w = -1, -1
        self._callback: Callable[[], None] | None = None
        self._pressed.connect(self._deliver)

    def register(self, shortcut: str, pressed: Callable[[], None]) -> Message | None:
        from Xlib import XK, X, error
        from Xlib import display as xdisplay

        self.unregister()
        parsed = shortcuts.parse(shortcut)
        if parsed is None:
            return None
        if {"Ctrl", "Alt"} <= parsed.modifiers and parsed.key.startswith("F"):
            return Message(
                # Translators: {shortcut} is a key combination, as "Ctrl+Alt+F2".
                N_(
                    "{shortcut} belongs to the system here (Ctrl+Alt with a function key "
                    "switches to a text console); choose another combination."
                ),
                shortcut=shortcut,
            )
        try:
            display = xdisplay.Display(self._display_name)
        except Exception as exc:  # python-xlib raises several kinds for "no display"
            return Message(
                N_("There is no X display to grab the key on ({reason})."),
                reason=type(exc).__name__,
            )
        key = X11_NAMES.get(parsed.key, parsed.key.lower() if len(parsed.key) == 1 else parsed.key)
        keycode = display.keysym_to_keycode(XK.string_to_keysym(key))
        if not keycode:
            display.close()
            return _bind(
                Message(N_("This keyboard has no key for {key}."), key=parsed.key), self.command
            )
        masks = {"Ctrl": X.ControlMask, "Alt": X.Mod1Mask, "Shift": X.ShiftMask,
                 "Meta": X.Mod4Mask}  # fmt: skip
        modifiers = 0
        for name in parsed.modifiers:
            modifiers |= masks[name]
        refused = error.CatchError(error.BadAccess)
        root = display.screen().root
        grabs = []
        for extra in (0, X.LockMask, X.Mod2Mask, X.LockMask | X.Mod2Mask):
            root.grab_key(
                keycode, modifiers | extra, True, X.GrabModeAsync, X.GrabModeAsync,
                onerror=refused,
            )  # fmt: skip
            grabs.append((keycode, modifiers | extra))
        display.sync()
        if refused.get_error() is not None:
            for code, mods in grabs:
                root.ungrab_key(code, mods)
            display.close()
            return _bind(
                Message(N_("Another application already uses {shortcut}."), shortcut=shortcut),
                self.command,
            )
        self._display, self._grabs, self._callback = display, grabs, pressed
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._watch, name="hotkey", daemon=True)
        self._thread.start()
        return None

    def unregister(self) -> None:
        if self._thread is not None:
            os.write(self._wake_w, b"x")
            self._thread.join(2)
            self._thread = None
            os.close(self._wake_r)
            os.close(self._wake_w)
        if self._display is not None:
            root = self._display.screen().root
            for code, mods in self._grabs:
                root.ungrab_key(code, mods)
            self._display.sync()
            self._display.close()
            self._display = None
        self._grabs = []

    def _watch(self) -> None:
        from Xlib import X

        display = self._display
        while True:
            readable, _writable, _failed = select.select([display.fileno(), self._wake_r], [], [])
            if self._wake_r in readable:
                return
            while display.pending_events():
                event = display.next_event()
                if event.type == X.KeyPress:
                    self._pressed.emit()

    def _deliver(self) -> None:
        if self._callback is not None:
            self._callback()


class WindowsGlobalKey(QAbstractNativeEventFilter):  # pragma: no cover - Windows
    """RegisterHotKey for the GUI thread; WM_HOTKEY comes through Qt's event loop. Each
    instance registers under an id of its own (the thread's ids are one space: a second
    key under the first one's id would be refused, and its WM_HOTKEY taken for the first)."""

    FIRST_ID = 0xB1A5  # an application's ids are 0x0000 to 0xBFFF
    _ids: ClassVar[itertools.count[int]] = itertools.count(FIRST_ID)
    WM_HOTKEY = 0x0312
    MODIFIERS: ClassVar[dict[str, int]] = {"Alt": 0x1, "Ctrl": 0x2, "Shift": 0x4, "Meta": 0x8}
    MOD_NOREPEAT = 0x4000

    def __init__(self, *, command: str = FLAG_COMMAND) -> None:
        super().__init__()
        self.hotkey_id = next(WindowsGlobalKey._ids)
        self.command = command
        self._callback: Callable[[], None] | None = None
        self._registered = False
        app = QCoreApplication.instance()
        if app is not None:
            app.installNativeEventFilter(self)

    def register(self, shortcut: str, pressed: Callable[[], None]) -> Message | None:
        import ctypes

        self.unregister()
        parsed = shortcuts.parse(shortcut)
        if parsed is None:
            return None
        vk = windows_virtual_key(parsed.key)
        if vk is None:
            return _bind(
                Message(N_("Windows has no key code for {key}."), key=parsed.key), self.command
            )
        mods = self.MOD_NOREPEAT
        for name in parsed.modifiers:
            mods |= self.MODIFIERS[name]
        user32 = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
        if not user32.RegisterHotKey(None, self.hotkey_id, mods, vk):
            code = ctypes.get_last_error()  # type: ignore[attr-defined]
            if code == 1409:  # ERROR_HOTKEY_ALREADY_REGISTERED
                return _bind(
                    Message(N_("Another application already uses {shortcut}."), shortcut=shortcut),
                    self.command,
                )
            return _bind(
                Message(N_("Windows refused the shortcut (error {code})."), code=code),
                self.command,
            )
        self._registered, self._callback = True, pressed
        return None

    def unregister(self) -> None:
        if self._registered:
            import ctypes

            ctypes.WinDLL("user32").UnregisterHotKey(None, self.hotkey_id)  # type: ignore[attr-defined]
            self._registered = False

    def nativeEventFilter(self, event_type: Any, message: Any) -> tuple[bool, int]:
        from ctypes import wintypes

        if bytes(event_type) == b"windows_generic_MSG" and self._callback is not None:
            msg = wintypes.MSG.from_address(int(message))
            if msg.message == self.WM_HOTKEY and msg.wParam == self.hotkey_id:
                self._callback()
                return True, 0
        return False, 0


def windows_virtual_key(key: str) -> int | None:
    """The Windows virtual-key code of a shortcut's key."""
    if len(key) == 1 and (key.isdigit() or "A" <= key <= "Z"):
        return ord(key)
    if key.startswith("F") and key[1:].isdigit() and 1 <= int(key[1:]) <= 24:
        return 0x70 + int(key[1:]) - 1
    named = {"Space": 0x20, "Pause": 0x13, "Insert": 0x2D, "Delete": 0x2E, "Home": 0x24,
             "End": 0x23, "PgUp": 0x21, "PgDown": 0x22, "Up": 0x26, "Down": 0x28,
             "Left": 0x25, "Right": 0x27, "Return": 0x0D, "Enter": 0x0D, "Backspace": 0x08,
             "Tab": 0x09, "Escape": 0x1B, "Print": 0x2C, "ScrollLock": 0x91}  # fmt: skip
    return named.get(key)


_PORTALS: dict[str, tuple[float, bool]] = {}  # bus -> (when asked, offered)
PORTAL_ANSWER_KEPT = 10.0  # seconds: both keys, made at start-up, share one ask


def _portal_offered() -> bool:
    """Whether the desktop offers the shortcuts portal; the ask may block for a moment,
    so both keys made at start-up share one."""
    import time

    try:
        from resilience_app.adapters import portal_shortcuts
    except ImportError as exc:  # jeepney missing (it comes with the Linux install)
        log.info("no shortcuts portal: %s", exc)
        return False
    bus = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "")
    asked = _PORTALS.get(bus)
    if asked is None or time.monotonic() - asked[0] > PORTAL_ANSWER_KEPT:
        asked = _PORTALS[bus] = (time.monotonic(), portal_shortcuts.offered())
    return asked[1]


def for_this_system(platform_name: str, command: str = FLAG_COMMAND) -> Any:
    """The backend for Qt's platform plugin (`QGuiApplication.platformName()`), for one
    shortcut; `command` is what a rep can bind instead where the shortcut cannot be had."""
    if sys.platform == "win32":
        return WindowsGlobalKey(command=command)
    if platform_name == "xcb":
        try:
            import Xlib  # noqa: F401
        except ImportError:
            return NullGlobalKey(N_("The X11 library (python-xlib) is missing."), command)
        return X11GlobalKey(command=command)
    if platform_name.startswith("wayland"):
        if _portal_offered():
            from resilience_app.adapters import portal_shortcuts

            dial = command == DIAL_COMMAND
            return portal_shortcuts.PortalGlobalKey(
                "dial" if dial else "flag",
                N_("I'm dialing: back on the phone") if dial else N_("Flag a call: start a break"),
                advise=lambda problem: _bind(problem, command),
            )
        return NullGlobalKey(
            N_(
                "On Wayland only the desktop can give an app a global shortcut, and it offers "
                "none to Resilience here."
            ),
            command,
        )
    if sys.platform == "darwin":
        return NullGlobalKey(N_("A global shortcut is not available on macOS yet."), command)
    # Translators: {platform} is the name of Qt's display plugin ("offscreen", "cocoa").
    return NullGlobalKey(
        N_("No global shortcut on this display ({platform})."), command, platform=platform_name
    )
