"""Builds every object of the running app and connects them. Nothing else wires."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import socket
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from resilience_app import APP_NAME, __version__
from resilience_app.adapters import ipc
from resilience_app.adapters.lock import InstanceLock
from resilience_app.files import ensure_private_dir
from resilience_app.i18n import _
from resilience_app.paths import LOG_FILE, socket_path

log = logging.getLogger("resilience_app")
HAND_OVER_WAIT = 15.0  # an app starting shows its tray before its channel opens
WARM_AFTER_MS = 1500  # after start, before a rep is likely to flag


def no_desktop_session(environ: Mapping[str, str] | None = None) -> bool:
    """True where Qt would look for an X11 or Wayland desktop and none is there (a
    terminal on a server, an SSH login, a service). Qt itself then aborts with a hint about
    a missing xcb library, which sends a rep hunting for a package that is installed."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False
    platforms = [name.strip() for name in env.get("QT_QPA_PLATFORM", "").split(";") if name.strip()]
    if platforms and not all(
        name.split(":")[0] in ("xcb", "wayland", "wayland-egl") for name in platforms
    ):
        return False  # offscreen, vnc, eglfs...: Qt needs no desktop session for those
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return False
    # libwayland's default socket, for a compositor that does not set WAYLAND_DISPLAY
    runtime = env.get("XDG_RUNTIME_DIR")
    return not (runtime and os.path.exists(os.path.join(runtime, "wayland-0")))


def run(data_dir: Path) -> int:
    if no_desktop_session():
        said = _(
            "no desktop session found (neither DISPLAY nor WAYLAND_DISPLAY is set): start "
            "Resilience from your desktop, or from a terminal inside it."
        )
        print(f"resilience: {said}", file=sys.stderr)
        return 1
    try:
        ensure_private_dir(data_dir)
        lock = InstanceLock(data_dir)
        acquired = lock.acquire()
    except OSError as exc:
        # Translators: {reason} is the system's reason ("Permission denied").
        said = _(
            "cannot use the data folder {path}: {reason}. Check that it is a folder of yours "
            "and that the disk has room."
        ).format(path=data_dir, reason=exc.strerror or exc)
        print(f"resilience: {said}", file=sys.stderr)
        return 1
    if not acquired:
        return _hand_over(data_dir, lock)
    try:
        return _run_locked(data_dir, lock)
    finally:
        lock.release()


def _hand_over(data_dir: Path, lock: InstanceLock) -> int:
    """The lock is taken: by a running app (bring it forward), or for a moment by a
    command working without the app (wait, then start after all)."""
    import time

    deadline = time.monotonic() + HAND_OVER_WAIT
    while time.monotonic() < deadline:
        try:
            reply = ipc.request_for(data_dir, "show", {}, timeout=2)
        except ipc.AppNotRunning:
            if lock.acquire():
                try:
                    return _run_locked(data_dir, lock)
                finally:
                    lock.release()
            time.sleep(0.05)
            continue
        except (ipc.ChannelError, OSError):
            break
        print(reply.get("message") or _("Resilience is already running."))
        return 0
    said = _("another Resilience is starting with this data folder; wait a moment and try again.")
    print(f"resilience: {said}", file=sys.stderr)
    return 1


def _setup_logging(data_dir: Path) -> None:
    import logging.handlers

    from resilience_app.files import open_private

    class PrivateLog(logging.handlers.RotatingFileHandler):
        """The log, created 0600 and never written through a link put in its place."""

        def _open(self) -> Any:
            return open_private(Path(self.baseFilename), "a")

    root = logging.getLogger()
    try:
        handler = PrivateLog(data_dir / LOG_FILE, maxBytes=512_000, backupCount=2)
    except OSError as exc:
        # Translators: {reason} is the system's reason ("Permission denied").
        said = _("no log file ({reason}); messages go to the terminal.").format(
            reason=exc.strerror or exc
        )
        print(f"resilience: {said}", file=sys.stderr)
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(logging.Formatter("resilience: %(message)s"))
    root.addHandler(stderr)
    root.setLevel(logging.INFO)


def _run_locked(data_dir: Path, lock: InstanceLock) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QSystemTrayIcon

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("org.resilience.Resilience")  # matches the .desktop launcher
    app.setQuitOnLastWindowClosed(False)

    # The tray icon goes up first, with nothing but QtWidgets behind it; everything else is
    # built on the event loop's first turn, before any click on it can be handled.
    running = Running(app, data_dir, lock)
    running.catch_signals()  # before anything shows, so a quick logout still quits cleanly
    if QSystemTrayIcon.isSystemTrayAvailable():
        from resilience_app.ui.tray import Tray

        running.tray = Tray()
        running.tray.show()
    QTimer.singleShot(0, running.build)
    code = app.exec()
    running.close()
    log.info("stopped")
    return int(code) or running.failed


class Running:
    """Every part of the running app, built once the tray is showing."""

    def __init__(self, app: Any, data_dir: Path, lock: InstanceLock) -> None:
        self.app = app
        self.data_dir = data_dir
        self.lock = lock
        self.tray: Any = None
        self.failed = 0
        self.parts: dict[str, Any] = {}

    def catch_signals(self) -> None:
        """SIGTERM/SIGINT (logout, Ctrl+C) quit cleanly, keeping drafts. Python handles
        signals only when it runs, so the signal writes a byte that wakes Qt's loop."""
        from PySide6.QtCore import QSocketNotifier

        read_end, write_end = socket.socketpair()
        read_end.setblocking(False)
        write_end.setblocking(False)
        self.parts["signal_pipe"] = (read_end, write_end)
        signal.set_wakeup_fd(write_end.fileno())
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: None)
        notifier = QSocketNotifier(read_end.fileno(), QSocketNotifier.Type.Read)
        self.parts["signal_notifier"] = notifier

        def on_signal() -> None:
            with contextlib.suppress(OSError):
                read_end.recv(64)
            quit_app = self.parts.get("quit")
            if quit_app is not None:
                quit_app()
            else:
                self.app.quit()  # still starting: nothing typed yet to keep

        notifier.activated.connect(on_signal)

    def build(self) -> None:
        from resilience_app.core.errors import UserError

        try:
            self._build()
        except UserError as exc:
            print(f"resilience: {exc.message}", file=sys.stderr)
            self.failed = 1
            self.app.exit(1)

    def _build(self) -> None:
        _setup_logging(self.data_dir)  # after the icon: the log file can wait a frame
        log.info("starting %s %s with data in %s", APP_NAME, __version__, self.data_dir)

        from PySide6.QtCore import QTimer

        from resilience_app.adapters.notify import NotifierChain, for_this_system
        from resilience_app.adapters.scheduler import WakeupRunner
        from resilience_app.adapters.server import CommandServer
        from resilience_app.adapters.sound import Chime
        from resilience_app.commands import CommandTable
        from resilience_app.core.errors import UserError
        from resilience_app.service.build import open_service
        from resilience_app.ui import style
        from resilience_app.ui.icons import icon
        from resilience_app.ui.presenter import Presenter

        app, data_dir = self.app, self.data_dir
        app.setWindowIcon(icon("app"))
        from resilience_app.adapters import hotkey, microphone
        from resilience_app.adapters.vault import KeyringVault

        notifier = NotifierChain([for_this_system(APP_NAME)])
        self.parts["desktop_notifier"] = notifier.channels[0]
        service = open_service(
            data_dir,
            running=True,
            notifier=notifier,
            sound=Chime(),
            microphone=microphone.for_this_system(),
            global_key=hotkey.for_this_system(app.platformName(), hotkey.FLAG_COMMAND),
            dial_key=hotkey.for_this_system(app.platformName(), hotkey.DIAL_COMMAND),
            vault=KeyringVault(),
        )
        self.parts["service"] = service
        style.prefer(service.setting("ui.theme"))
        presenter = self.parts["presenter"] = Presenter(service, notifier)
        runner = self.parts["runner"] = WakeupRunner(service.tick)
        service.schedule_changed.connect(lambda: runner.plan(service.next_wakeup()))

        table = CommandTable(service)
        try:
            channel = socket_path(data_dir)
        except OSError as exc:
            raise UserError(
                # Translators: the command channel is how `resilience flag` and the other
                # commands reach the running app; {reason} is the system's reason.
                _("No private folder for the command channel ({reason}).").format(reason=exc)
            ) from None
        server = self.parts["server"] = CommandServer(channel, table.handle)
        if not server.listen():
            said = _(
                "could not open the command channel; `resilience flag` will not reach this app."
            )
            print(f"resilience: {said}", file=sys.stderr)

        def quit_app() -> None:
            presenter.shutdown()
            app.quit()

        presenter.quit_requested.connect(quit_app)
        self.parts["quit"] = quit_app
        self._watch_folders(server, service, quit_app)

        presenter.start(tray=self.tray)
        service.start()
        # Once, when the first seconds are over: the break window and what a flag reads,
        # ready before the first click (nothing repeats; idle stays idle).
        QTimer.singleShot(WARM_AFTER_MS, presenter.warm)
        QTimer.singleShot(WARM_AFTER_MS, runner.prepare)
        log.info("ready")

    def _watch_folders(self, server: Any, service: Any, quit_app: Any) -> None:
        """The data folder or the runtime folder changed (inotify, no polling): take the
        lock and the channel back if they were removed. If another process got the lock
        meanwhile, this app is no longer the writer: keep what is unsaved aside and quit."""
        from PySide6.QtCore import QFileSystemWatcher

        journal = str(service.store.journal_dir)
        folders = sorted(
            {str(p.parent) for p in self.lock.paths} | {os.path.dirname(server.name), journal}
        )
        watcher = self.parts["watcher"] = QFileSystemWatcher(
            [f for f in folders if os.path.isdir(f)]
        )

        def changed(_path: str) -> None:
            if not self.lock.check():
                log.error("another Resilience took over this data folder; stopping")
                self.parts["lost_lock"] = True
                quit_app()
                return
            server.ensure_listening()
            service.restore_removed_files()  # what was saved and then deleted goes back
            for folder in folders:  # a folder made again must be watched again
                if folder not in watcher.directories() and os.path.isdir(folder):
                    watcher.addPath(folder)

        watcher.directoryChanged.connect(changed)

    def close(self) -> None:
        if "runner" in self.parts:
            self.parts["runner"].shutdown()
        if "server" in self.parts:
            self.parts["server"].close()
        if "service" in self.parts:
            kept = self.parts["service"].close(flush=not self.parts.get("lost_lock"))
            if kept is not None:
                said = _(
                    "some changes could not be saved; they are kept in {path} and go back into "
                    "your journal when Resilience starts again."
                ).format(path=kept)
                print(f"resilience: {said}", file=sys.stderr)
        desktop = self.parts.get("desktop_notifier")
        if desktop is not None and hasattr(desktop, "shutdown"):
            desktop.shutdown()  # what was sent reaches the server (each call bounded)
        if "signal_pipe" in self.parts:
            signal.set_wakeup_fd(-1)
            for end in self.parts["signal_pipe"]:
                end.close()
        if self.tray is not None:
            self.tray.hide()
        # Let Qt objects go while the interpreter is still whole, owners last.
        for name in ("watcher", "signal_notifier", "server", "runner", "presenter"):
            self.parts.pop(name, None)
        self.parts.clear()
        self.tray = None
        from resilience_app.ui import icons

        icons.forget()
        # Closures and signal connections keep the parts in reference cycles; collect them
        # now, while QApplication exists, rather than during interpreter shutdown (where
        # PySide6 crashes tearing down widgets in arbitrary order).
        gc.collect()
