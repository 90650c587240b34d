"""Export and import (`service/transfer.py`).

The application service on its own: a real store, a fake clock, no Qt."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from resilience_app.adapters.notify import NotifierChain
from resilience_app.core.clock import FakeClock
from resilience_app.core.errors import UserError
from resilience_app.service import Service
from tests.unit.service.helpers import note


def test_export_to_a_private_file_and_import_it_elsewhere(
    service: Service, tmp_path: Path, clock: FakeClock
) -> None:
    incident = service.flag("Acme", 6).incident
    service.end_break()
    service.save_note(incident.id, note("stayed calm"))
    service.dialed()
    target = tmp_path / "out.json"
    result = service.export("json", path=target)
    assert result.calls == 1 and json.loads(target.read_text())["incidents"][0]["label"] == "Acme"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(UserError, match="is a folder"):
        service.export("csv", path=tmp_path)
    with pytest.raises(UserError, match="one of: json, csv, markdown") as wrong:
        service.export("pdf")
    assert wrong.value.usage

    other = Service(
        type(service.store)(tmp_path / "other"),
        type(service.settings)(),
        clock,
        notifier=NotifierChain(),
        save_settings=lambda values: None,
    )
    assert other.import_file(target).added == 1
    assert other.import_file(target).already_there == 1
    with pytest.raises(UserError, match="There is no file") as missing:
        other.import_file(tmp_path / "nope.json")
    assert missing.value.usage
