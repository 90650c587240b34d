"""The playbook from the home window (the tray's stand-in on a desktop without one), as
from the tray: "Ready for the next call?…" only while waiting to dial after a break (it
opens the card), and "Add to my playbook…" always (it opens the dialog)."""

from __future__ import annotations

from datetime import UTC, datetime

from resilience_app.core.clock import FakeClock
from resilience_app.service import Service
from resilience_app.ui.home_window import HomeWindow
from resilience_app.ui.presenter import Presenter


def home_of(presenter: Presenter) -> HomeWindow:
    assert presenter.tray.home is not None
    return presenter.tray.home


def test_ready_for_the_next_call_only_while_waiting_to_dial(
    presenter: Presenter, service: Service, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 11, 25, 10, tzinfo=UTC))
    home = home_of(presenter)
    assert not home.ready_button.isVisibleTo(home)
    assert home.playbook_add_button.isVisibleTo(home)
    service.playbook.add("Why are you dearer than X?", answer="It lasts.")
    service.flag()
    assert not home.ready_button.isVisibleTo(home)  # the breathing: nothing else
    service.end_break()
    assert home.ready_button.isVisibleTo(home)
    assert home.ready_button.text() == "Ready for the next call?…"
    home.ready_button.click()
    card = presenter.breaks.nudge_window
    assert card.isVisible() and card.playbook.isVisible()
    card.dialing_button.click()
    assert not home.ready_button.isVisibleTo(home) and not card.isVisible()
    assert home.playbook_add_button.isVisibleTo(home)


def test_add_to_my_playbook_from_the_home_window(presenter: Presenter, service: Service) -> None:
    home = home_of(presenter)
    assert home.playbook_add_button.text() == "Add to my playbook…"
    home.playbook_add_button.click()
    dialog = presenter.playbook.add_dialog
    assert dialog.isVisible()
    dialog.said.setText("Who else uses it?")
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert [e.said for e in service.playbook.entries()] == ["Who else uses it?"]
    dialog.close()
