"""The first flag after start is as quick as the rest: what it needs is ready beforehand."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.models import Reflection
from resilience_app.service import Service
from resilience_app.ui.presenter import Presenter


def test_warming_builds_the_break_window_and_reads_the_positives_ahead(
    presenter: Presenter,
    service: Service,
    loop: RecoveryLoop,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    incident = loop.flag("Acme")
    loop.end_break()
    loop.save_reflection(incident.id, Reflection("hung up", positives=["kept my cool"]))
    loop.dialed()
    presenter.breaks.__dict__.pop("break_window", None)  # as after start: not built yet
    service.recovery.pool = None
    presenter.warm()
    assert presenter.breaks.built("break_window") is not None
    assert not presenter.breaks.break_window.isVisible()  # ready, not shown
    reads: list[str] = []
    for name in ("incidents_since", "positives", "incidents_between"):
        original = getattr(service.store, name)
        monkeypatch.setattr(
            service.store,
            name,
            lambda *a, n=name, f=original, **k: reads.append(n) or f(*a, **k),
        )
    service.flag()
    assert presenter.breaks.break_window.isVisible()
    # The break's positive came from what was read ahead: no positives read at the flag.
    assert "positives" not in reads
    assert "kept my cool" in presenter.breaks.break_window.positive.text()


def test_warming_while_locked_reads_nothing_the_rep_wrote(
    presenter: Presenter, service: Service, fast_kdf: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    service.add_positive("kept my cool")
    service.set_passphrase("correct horse battery")
    service.lock()
    assert service.store.locked
    service.recovery.pool = None
    reads: list[str] = []
    for name in ("incidents_since", "positives", "month_tallies"):
        monkeypatch.setattr(service.store, name, lambda *a, n=name, **k: reads.append(n))
    presenter.warm()
    assert reads == [] and service.recovery.pool is None
    assert presenter.breaks.built("break_window") is not None


def test_without_warming_the_first_flag_reads_the_positives_itself(
    presenter: Presenter, service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What warming saves: the cold first flag reads months of notes for its positive."""
    service.recovery.pool = None
    reads: list[str] = []
    original = service.store.positives
    monkeypatch.setattr(
        service.store, "positives", lambda *a, **k: reads.append("positives") or original(*a, **k)
    )
    service.flag()
    assert reads == ["positives"]
