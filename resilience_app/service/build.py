"""One function builds the service, for the running app and for commands run without it."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from resilience_app import i18n
from resilience_app.adapters import autostart, nodump
from resilience_app.adapters.notify import NotifierChain
from resilience_app.core.clock import Clock, SystemClock
from resilience_app.core.errors import UserError
from resilience_app.core.settings import Settings
from resilience_app.i18n import _
from resilience_app.paths import default_data_dir
from resilience_app.service.ports import GlobalKey, Microphone, Sound, Vault
from resilience_app.service.service import Service
from resilience_app.storage import protection
from resilience_app.storage.settings_file import load_settings, save_settings
from resilience_app.storage.store import Store


def open_service(
    data_dir: Path,
    *,
    readonly: bool = False,
    running: bool = False,
    notifier: NotifierChain | None = None,
    sound: Sound | None = None,
    microphone: Microphone | None = None,
    global_key: GlobalKey | None = None,
    dial_key: GlobalKey | None = None,
    vault: Vault | None = None,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    forbid_dumps: Callable[[], object] | None = nodump.forbid,
) -> Service:
    """The service over the journal in `data_dir`.

    `readonly` is for questions asked without the instance lock (status, export); it
    never writes. The running app passes `running=True` with its notifier and sound.
    """
    # The rep's language first: what storage says while opening the journal is in it.
    settings = Settings(load_settings(data_dir))
    i18n.set_language(str(settings.get("ui.language")))
    # A switch of the passphrase lock a kill interrupted is finished or undone first.
    try:
        recovered = [] if readonly else protection.recover(Path(data_dir))
    except OSError as exc:
        raise UserError(
            # Translators: {reason} is the system's reason ("No space left on device").
            _(
                "An unfinished change of the passphrase lock could not be completed in {path} "
                "({reason})."
            ).format(path=data_dir, reason=exc.strerror or exc)
        ) from None
    store = Store(data_dir, readonly=readonly)
    store.notices.extend(recovered)
    if store.protected and forbid_dumps is not None:
        forbid_dumps()  # before the passphrase is asked or anything is opened

    def write_settings(values: dict[str, object]) -> None:
        if readonly:
            raise UserError(_("Settings cannot be changed from here; the app is busy."))
        save_settings(data_dir, values)

    def start_at_login(enabled: bool) -> None:
        command = autostart.launch_command(data_dir, default_data_dir())
        try:
            autostart.apply(autostart.for_this_system(), enabled, command)
        except autostart.AutostartError as exc:
            raise UserError(str(exc)) from None

    return Service(
        store,
        settings,
        clock or SystemClock(),
        notifier=notifier if notifier is not None else NotifierChain(),
        save_settings=write_settings,
        start_at_login=None if readonly else start_at_login,
        sound=sound,
        microphone=microphone,
        global_key=global_key,
        dial_key=dial_key,
        vault=vault,
        running=running,
        rng=rng,
        forbid_dumps=forbid_dumps,
    )
