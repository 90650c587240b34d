"""Builds every object of the running app and connects them. Nothing else wires."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import socket
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from resilience_app import APP_NAME, __version__
from resilience_app.adapters import ipc
from resilience_app.adapters.lock import InstanceLock
from resilience_app.paths import LOG_FILE, default_data_dir, socket_path
from resilience_app.storage.files import ensure_private_dir

log = logging.getLogger("resilience_app")
SAVE_RETRY_MS = 10_000


def run(data_dir: Path) -> int:
    try:
        ensure_private_dir(data_dir)
    except OSError as exc:
        print(
            f"resilience: cannot use the data folder {data_dir}: {exc.strerror or exc}.",
            file=sys.stderr,
        )
        return 1
    lock = InstanceLock(data_dir)
    if not lock.acquire():
        return _hand_over(data_dir)
    try:
        return _run_locked(data_dir)
    finally:
        lock.release()


def _hand_over(data_dir: Path) -> int:
    from resilience_app.cli import request_waiting_for_start

    try:
        # The running app may still be opening its channel (its tray shows first).
        reply = request_waiting_for_start(data_dir, "show", {})
    except (ipc.AppNotRunning, ipc.ChannelError, OSError):
        print(
            "resilience: another Resilience is starting with this data folder; "
            "wait a moment and try again.",
            file=sys.stderr,
        )
        return 1
    print(reply.get("message", "Resilience is already running."))
    return 0


def _setup_logging(data_dir: Path) -> None:
    import logging.handlers

    path = data_dir / LOG_FILE
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=512_000, backupCount=2, encoding="utf-8"
    )
    if os.name == "posix":
        os.chmod(path, 0o600)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(logging.Formatter("resilience: %(message)s"))
    root.addHandler(stderr)
    root.setLevel(logging.INFO)


def _run_locked(data_dir: Path) -> int:
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
    running = Running(app, data_dir)
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

    def __init__(self, app: Any, data_dir: Path) -> None:
        self.app = app
        self.data_dir = data_dir
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
        from resilience_app.storage.store import StorageError

        try:
            self._build()
        except StorageError as exc:
            print(f"resilience: {exc}", file=sys.stderr)
            self.failed = 1
            self.app.exit(1)

    def _build(self) -> None:
        _setup_logging(self.data_dir)  # after the icon: the log file can wait a frame
        log.info("starting %s %s with data in %s", APP_NAME, __version__, self.data_dir)

        from resilience_app.adapters import autostart
        from resilience_app.adapters.notify import PlyerNotifier
        from resilience_app.adapters.scheduler import WakeupRunner
        from resilience_app.adapters.server import CommandServer
        from resilience_app.commands import Commands
        from resilience_app.core.clock import SystemClock
        from resilience_app.core.followups import FollowUps
        from resilience_app.core.lookback import WeeklyLookBack
        from resilience_app.core.loop import RecoveryLoop
        from resilience_app.core.settings import Settings
        from resilience_app.storage.store import Store, load_settings, save_settings
        from resilience_app.ui import style
        from resilience_app.ui.icons import icon
        from resilience_app.ui.shell import Shell
        from resilience_app.ui.ticker import Ticker

        app, data_dir = self.app, self.data_dir
        app.setWindowIcon(icon("app"))
        store = self.parts["store"] = Store(data_dir)
        settings = Settings(load_settings(data_dir))
        style.prefer(settings.get("ui.theme"))
        clock = SystemClock()
        loop = RecoveryLoop(store, settings, clock)
        followups = FollowUps(store, clock)
        lookback = WeeklyLookBack(settings, clock)
        shell = Shell(loop, settings, PlyerNotifier(APP_NAME), followups=followups)
        self.parts["shell"] = shell
        lookback.due.connect(shell.weekly_look_back)

        def persist_settings(key: str, value: object) -> None:
            try:
                save_settings(data_dir, settings.as_dict())
            except OSError as exc:
                shell.tell(
                    f"Could not save your settings ({exc.strerror or exc}); "
                    "they apply until you quit."
                )

        settings.changed.connect(persist_settings)

        login = autostart.for_this_system()
        login_command = autostart.launch_command(data_dir, default_data_dir())

        def follow_login_setting(key: str, value: object) -> None:
            if key == "app.start_at_login":
                try:
                    autostart.apply(login, bool(value), login_command)
                except (OSError, autostart.AutostartError) as exc:
                    shell.tell(f"Could not change start at login: {exc}")

        settings.changed.connect(follow_login_setting)
        if settings.get("app.start_at_login"):
            follow_login_setting("app.start_at_login", True)  # follow a moved installation

        def wake() -> None:
            loop.tick()
            followups.tick()
            lookback.tick()

        def next_wakeup() -> datetime | None:
            planned = (loop.next_wakeup(), followups.next_wakeup(), lookback.next_wakeup())
            times = [t for t in planned if t is not None]
            return min(times) if times else None

        runner = self.parts["runner"] = WakeupRunner(wake)
        loop.schedule_changed.connect(lambda: runner.plan(next_wakeup()))
        followups.changed.connect(lambda: runner.plan(next_wakeup()))
        lookback.changed.connect(lambda: runner.plan(next_wakeup()))

        def retry_save() -> None:
            try:
                store.flush()
            except OSError as exc:
                log.warning("save still failing: %s", exc)
                return
            save_retry.stop()
            shell.saved_again()

        save_retry = Ticker("save-retry", SAVE_RETRY_MS, retry_save, shell)
        loop.save_failed.connect(lambda message: save_retry.start())

        commands = Commands(
            loop,
            settings,
            followups,
            store,
            shell.present,
            on_flag=shell.mark_flag,
            metrics=shell.metrics,
        )
        server = self.parts["server"] = CommandServer(socket_path(data_dir), commands.handle)
        if not server.listen():
            print(
                "resilience: could not open the command channel; "
                "`resilience flag` will not reach this app.",
                file=sys.stderr,
            )

        def quit_app() -> None:
            shell.shutdown()
            app.quit()

        shell.quit_requested.connect(quit_app)
        self.parts["quit"] = quit_app

        loop.restore()
        shell.start(tray=self.tray)
        followups.tick()
        runner.plan(next_wakeup())
        for notice in store.notices:
            shell.tell(notice)
        store.on_notice = shell.tell
        log.info("ready")

    def close(self) -> None:
        if "runner" in self.parts:
            self.parts["runner"].shutdown()
        if "server" in self.parts:
            self.parts["server"].close()
        if "store" in self.parts:
            self.parts["store"].close()
        if "signal_pipe" in self.parts:
            signal.set_wakeup_fd(-1)
            for end in self.parts["signal_pipe"]:
                end.close()
        if self.tray is not None:
            self.tray.hide()
        # Let Qt objects go while the interpreter is still whole, owners last.
        for name in ("signal_notifier", "server", "runner", "shell"):
            self.parts.pop(name, None)
        self.parts.clear()
        self.tray = None
        from resilience_app.ui import icons

        icons.forget()
        # Closures and signal connections keep the parts in reference cycles; collect them
        # now, while QApplication exists, rather than during interpreter shutdown (where
        # PySide6 crashes tearing down widgets in arbitrary order).
        gc.collect()
