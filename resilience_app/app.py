"""Builds every object of the running app and connects them. Nothing else wires."""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import signal
import socket
import sys
from datetime import datetime
from pathlib import Path

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
    try:
        reply = ipc.request_for(data_dir, "show", timeout=5)
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
    from PySide6.QtCore import QSocketNotifier
    from PySide6.QtWidgets import QApplication

    from resilience_app.adapters.notify import PlyerNotifier
    from resilience_app.adapters.scheduler import WakeupRunner
    from resilience_app.adapters.server import CommandServer
    from resilience_app.commands import Commands
    from resilience_app.core.clock import SystemClock
    from resilience_app.core.followups import FollowUps
    from resilience_app.core.lookback import WeeklyLookBack
    from resilience_app.core.loop import RecoveryLoop
    from resilience_app.core.settings import Settings
    from resilience_app.storage.store import StorageError, Store, load_settings, save_settings
    from resilience_app.ui import style
    from resilience_app.ui.icons import icon
    from resilience_app.ui.shell import Shell
    from resilience_app.ui.ticker import Ticker

    _setup_logging(data_dir)
    log.info("starting %s %s with data in %s", APP_NAME, __version__, data_dir)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("org.resilience.Resilience")  # matches the .desktop launcher
    app.setQuitOnLastWindowClosed(False)
    app.setWindowIcon(icon("app"))

    try:
        store = Store(data_dir)
    except StorageError as exc:
        print(f"resilience: {exc}", file=sys.stderr)
        return 1
    settings = Settings(load_settings(data_dir))
    style.prefer(settings.get("ui.theme"))
    clock = SystemClock()
    loop = RecoveryLoop(store, settings, clock)
    followups = FollowUps(store, clock)
    lookback = WeeklyLookBack(settings, clock)
    shell = Shell(loop, settings, PlyerNotifier(APP_NAME), followups=followups)
    lookback.due.connect(shell.weekly_look_back)

    def persist_settings(key: str, value: object) -> None:
        try:
            save_settings(data_dir, settings.as_dict())
        except OSError as exc:
            shell.tell(
                f"Could not save your settings ({exc.strerror or exc}); they apply until you quit."
            )

    settings.changed.connect(persist_settings)

    from resilience_app.adapters import autostart

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

    runner = WakeupRunner(wake)
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

    save_retry = Ticker("save-retry", SAVE_RETRY_MS, retry_save)
    loop.save_failed.connect(lambda message: save_retry.start())

    commands = Commands(loop, settings, followups, store, shell.present)
    server = CommandServer(socket_path(data_dir), commands.handle)
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
    # SIGTERM/SIGINT (logout, Ctrl+C) quit cleanly, keeping drafts. Python handles signals
    # only when it runs, so the signal writes a byte that wakes Qt's event loop.
    read_end, write_end = socket.socketpair()
    read_end.setblocking(False)
    write_end.setblocking(False)
    signal.set_wakeup_fd(write_end.fileno())
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: None)
    notifier = QSocketNotifier(read_end.fileno(), QSocketNotifier.Type.Read)

    def on_signal() -> None:
        with contextlib.suppress(OSError):
            read_end.recv(64)
        quit_app()

    notifier.activated.connect(on_signal)

    loop.restore()
    shell.start()
    followups.tick()
    runner.plan(next_wakeup())
    for notice in store.notices:
        shell.tell(notice)
    store.on_notice = shell.tell
    log.info("ready")
    code = app.exec()
    runner.shutdown()
    server.close()
    store.close()
    signal.set_wakeup_fd(-1)
    log.info("stopped")
    return int(code)
