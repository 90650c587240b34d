"""Talking to the running app: a request over the single-instance channel or, with no app
running, the same command table over a service of this process's own (holding the
instance lock, so there is still one writer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from resilience_app.cli.errors import EXIT_FAILED, EXIT_NO_ANSWER, EXIT_USAGE, CliError
from resilience_app.cli.output import reason, say
from resilience_app.i18n import _


def ask(data_dir: Path, command: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    """Send a command to the running app; with none running, run it here unless only a
    running app can do it (a break, a window)."""
    from resilience_app.adapters import ipc
    from resilience_app.command_names import NEEDS_APP

    try:
        reply = ipc.request_waiting_for_start(data_dir, command, args)
    except ipc.AppNotRunning:
        if command in NEEDS_APP:
            raise CliError(
                _(
                    "Resilience is not running. Start it first (run `resilience`, or open it "
                    "from your apps menu), then try again."
                )
            ) from None
        reply = _run_here(data_dir, command, args or {})
    except ipc.NotOurs as exc:
        raise CliError(
            # Translators: {reason} says why the channel is not the app's own (in English).
            _("Refused to send anything: {reason}. Nothing was sent.").format(reason=exc)
        ) from None
    except ipc.NoAnswer as exc:
        raise CliError(
            # Translators: {what} says what went wrong, in English ("did not answer in time").
            _(
                "The running Resilience app took the request but {what}; it may still carry it "
                "out. Check with `resilience status` before trying again."
            ).format(what=exc),
            EXIT_NO_ANSWER,
        ) from None
    except ipc.ChannelError as exc:
        raise CliError(
            # Translators: {reason} says what went wrong, in English.
            _("Could not talk to the running Resilience app: {reason}.").format(reason=exc)
        ) from None
    except OSError as exc:
        raise CliError(
            # Translators: {reason} is the system's reason ("Permission denied").
            _("Could not use the data folder: {reason}.").format(reason=exc.strerror or exc)
        ) from None
    if not reply.get("ok"):
        code = (
            EXIT_USAGE
            if reply.get("usage")
            else EXIT_NO_ANSWER
            if reply.get("maybe")  # a bug after the request was taken: it may be done
            else EXIT_FAILED
        )
        raise CliError(str(reply.get("error") or _("The app refused the request.")), code)
    return reply


def _run_here(data_dir: Path, command: str, args: dict[str, Any]) -> dict[str, Any]:
    """No app is running: take the instance lock and be the one writer for a moment."""
    from resilience_app.adapters import ipc
    from resilience_app.adapters.lock import InstanceLock
    from resilience_app.command_names import READ_ONLY
    from resilience_app.commands import CommandTable
    from resilience_app.core.errors import UserError
    from resilience_app.service.build import open_service

    readonly = command in READ_ONLY
    lock = InstanceLock(data_dir) if not readonly else None
    if lock is not None and not _take(lock):
        # Someone held the lock all along: an app that opened its channel by now, or not.
        try:
            return ipc.request_for(data_dir, command, args)
        except ipc.AppNotRunning:
            raise CliError(
                _(
                    "Another Resilience command is busy with this data folder; try again in a "
                    "moment."
                )
            ) from None
    from resilience_app.adapters.vault import KeyringVault

    try:
        # The keyring too (asked only when a command needs it): `config set lock.remember
        # on` is refused here as in the app where nothing can be kept.
        service = open_service(data_dir, readonly=readonly, vault=KeyringVault())
        kept = None
        try:
            for notice in service.open_offline():
                say(notice)
            reply = CommandTable(service).handle(command, args)
            why = service.unsaved_sentence()
        finally:
            kept = service.close()
        if reply.get("saved") is False:
            if kept is not None:
                # Translators: {path} is the rescue file; this follows a sentence saying why
                # the change is not on disk yet.
                then = _(
                    "It is kept in {path} and goes into your journal the next time Resilience "
                    "starts."
                ).format(path=kept)
                reply["unsaved"] = f"{why} {then}"
            else:
                reply["unsaved"] = _(
                    "Not saved: the disk refused it and no other place would take it."
                )
            if kept is None:
                reply = {"ok": False, "error": reply["unsaved"]}
        return reply
    except UserError as exc:
        raise CliError(exc.message, EXIT_USAGE if exc.usage else EXIT_FAILED) from None
    except OSError as exc:
        raise CliError(
            # Translators: {reason} is the system's reason ("No space left on device").
            _("Could not save: {reason}. Nothing was changed.").format(reason=reason(exc))
        ) from None
    finally:
        if lock is not None:
            lock.release()


def _take(lock: Any, wait: float = 10.0) -> bool:
    """The instance lock, waiting a little for another command (or a starting app)."""
    import time

    deadline = time.monotonic() + wait
    while not lock.acquire():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
