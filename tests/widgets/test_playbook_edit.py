"""The Playbook tab's tags, merge and talk it over (`ui/playbook_edit.py`), offscreen over
the real service, from the keyboard alone: Tab, Space, typing and Enter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.models import FollowUpKind
from resilience_app.ui.playbook_edit import MergeDialog
from resilience_app.ui.playbook_tab import PlaybookTab
from resilience_app.ui.presenter import Presenter
from tests.widgets.test_accessibility import accessible, controls


def shown(tab: PlaybookTab) -> list[str]:
    return tab.shown_rows()  # the rows a search hides left out


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def press(qtbot: QtBot, key: Qt.Key, times: int = 1) -> None:
    for _ in range(times):
        widget = focused()
        assert widget is not None
        qtbot.keyClick(widget, key)


def typed(qtbot: QtBot, text: str) -> None:
    widget = focused()
    assert widget is not None
    qtbot.keyClicks(widget, text)


def opened(presenter: Presenter, qtbot: QtBot) -> PlaybookTab:
    presenter.journal.open("playbook")
    window = presenter.journal.journal_window
    qtbot.addWidget(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    tab = window.playbook
    tab.entry_list.setFocus()
    qtbot.waitUntil(lambda: focused() is tab.entry_list)
    return tab


def choose(qtbot: QtBot, tab: PlaybookTab, words: str) -> None:
    """Down the list with the arrow keys to the entry holding `words`."""
    tab.entry_list.setFocus()
    qtbot.waitUntil(lambda: focused() is tab.entry_list)
    press(qtbot, Qt.Key.Key_Home)
    while words not in (
        tab.entry_list.currentItem().text() if tab.entry_list.currentItem() else ""
    ):
        before = tab.entry_list.currentRow()
        press(qtbot, Qt.Key.Key_Down)
        assert tab.entry_list.currentRow() != before, f"no entry holds {words!r}"


def test_tags_from_the_keyboard(presenter: Presenter, qtbot: QtBot) -> None:
    playbook = presenter.service.playbook
    entry = playbook.add("Why are you dearer than Globex?", tags=["price", "old one"])
    tab = opened(presenter, qtbot)
    choose(qtbot, tab, "Globex")
    actions = tab.actions
    assert actions.tag_boxes["price"].isChecked() and actions.own_tags.text() == "old one"
    assert [box.text() for box in actions.tag_boxes.values()] == [
        "price",
        "product",
        "timing",
        "competitor",
        "trust",
        "other",
    ]
    press(qtbot, Qt.Key.Key_Tab, 3)  # the answer, Save answer, the first tag box
    assert focused() is actions.tag_boxes["price"]
    press(qtbot, Qt.Key.Key_Space)  # price off
    press(qtbot, Qt.Key.Key_Tab, 3)  # product, timing, competitor
    assert focused() is actions.tag_boxes["competitor"], focused().text()
    press(qtbot, Qt.Key.Key_Space)  # competitor on
    press(qtbot, Qt.Key.Key_Tab, 3)  # trust, other, the own tags
    assert focused() is actions.own_tags
    actions.own_tags.selectAll()
    typed(qtbot, "Big Deal, ")
    press(qtbot, Qt.Key.Key_Return)
    assert playbook.entry(entry.id).tags == ["competitor", "big deal"]
    assert tab.status.text() == "The tags are kept."
    assert "competitor, big deal · came up 1 time" in shown(tab)[0]


def test_merge_with_from_the_keyboard(
    presenter: Presenter, loop: RecoveryLoop, qtbot: QtBot
) -> None:
    playbook = presenter.service.playbook
    one = loop.flag("Acme")
    loop.end_break()
    two = loop.flag("Bolt")
    loop.end_break()
    keep = playbook.add("Why are you dearer than Globex?", call_id=one.id)
    gone = playbook.add("Globex is cheaper.", call_id=two.id, answer="Compare the years.")
    playbook.add("Do you integrate with SAP?")
    tab = opened(presenter, qtbot)
    choose(qtbot, tab, "dearer")
    press(qtbot, Qt.Key.Key_Tab, 3 + 6 + 2)  # answer, Save, six tags, own tags, Save tags
    assert focused() is tab.actions.merge_button and accessible(focused()) == "Merge with…"
    press(qtbot, Qt.Key.Key_Space)
    dialog = presenter.journal.playbook_actions.dialog
    assert isinstance(dialog, MergeDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: focused() is dialog.search)
    rows = [dialog.choices.item(r).text() for r in range(dialog.choices.count())]
    assert len(rows) == 2 and not any("dearer" in r for r in rows)  # not itself
    typed(qtbot, "cheap")
    assert [dialog.choices.item(r).text() for r in range(dialog.choices.count())] == [
        next(r for r in rows if "cheaper" in r)
    ]
    press(qtbot, Qt.Key.Key_Return)  # to the list, the one found chosen
    assert focused() is dialog.choices and dialog.chosen() == gone.id
    assert dialog.isVisible()
    press(qtbot, Qt.Key.Key_Return)  # Return on the one chosen merges it
    assert not dialog.isVisible()
    assert tab.status.text() == "Merged: one entry now, it came up 2 times."
    texts = shown(tab)
    assert len(texts) == 2
    [merged] = [t for t in texts if "dearer" in t]
    assert "came up 2 times" in merged and "also said: “Globex is cheaper.”" in merged
    assert playbook.entry(gone.id).merged_into == keep.id


def test_a_refused_merge_keeps_the_dialog_and_its_choice(
    presenter: Presenter, qtbot: QtBot
) -> None:
    playbook = presenter.service.playbook
    keep = playbook.add("Why are you dearer?")
    gone = playbook.add("You are too expensive.")
    tab = opened(presenter, qtbot)
    choose(qtbot, tab, "dearer")
    tab.actions.merge_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    dialog = presenter.journal.playbook_actions.dialog
    assert dialog is not None and dialog.chosen() == gone.id
    qtbot.waitUntil(lambda: focused() is dialog.search)
    playbook.merge(gone.id, keep.id)  # meanwhile, from the terminal
    press(qtbot, Qt.Key.Key_Tab)  # search → list
    press(qtbot, Qt.Key.Key_Tab)  # → Merge
    assert focused() is dialog.merge_button
    press(qtbot, Qt.Key.Key_Space)
    assert (
        dialog.isVisible() and dialog.status.text() == "That entry is already merged into another."
    )
    assert dialog.chosen() == gone.id
    press(qtbot, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_talk_it_over_from_the_entry(
    presenter: Presenter, loop: RecoveryLoop, qtbot: QtBot
) -> None:
    playbook = presenter.service.playbook
    call = loop.flag("Acme")
    loop.end_break()
    entry = playbook.add("Why are you dearer?", call_id=call.id)
    alone = playbook.add("Hm, not sure.")
    tab = opened(presenter, qtbot)
    choose(qtbot, tab, "not sure")
    tab.actions.talk_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    assert "did not come up on a call you flagged" in tab.status.text()
    assert presenter.service.store.followups() == []

    choose(qtbot, tab, "dearer")
    tab.actions.talk_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    [talk] = presenter.service.store.followups()
    assert talk.kind is FollowUpKind.TALK_IT_OVER and talk.playbook_id == entry.id
    assert tab.status.text().startswith("Talk it over: planned for ")
    assert tab.actions.talk_status.text().startswith("Talk it over: planned for ")
    [row] = [t for t in shown(tab) if "dearer" in t]
    assert "Talk it over: planned for " in row

    presenter.service.followup_desk.followup_done(talk.id)
    assert tab.actions.talk_status.text() == "Talk it over: done"
    assert alone.id != entry.id


def test_every_new_control_has_a_name(presenter: Presenter, qtbot: QtBot) -> None:
    presenter.service.playbook.add("Why are you dearer?")
    presenter.service.playbook.add("Too expensive.")
    tab = opened(presenter, qtbot)
    choose(qtbot, tab, "dearer")
    tab.actions.merge_button.click()
    dialog = presenter.journal.playbook_actions.dialog
    assert dialog is not None
    for shown_window in (tab, dialog):
        found = controls(shown_window)
        unnamed = [type(w).__name__ for w in found if not accessible(w).replace("&", "").strip()]
        assert unnamed == []
    assert accessible(tab.actions.tag_boxes["price"]) == "Tag: price"
    assert accessible(dialog.search) == "Search for the entry to merge with"
    dialog.reject()


def test_a_search_that_narrows_hides_rows_and_the_chosen_one_goes_with_it(
    presenter: Presenter, qtbot: QtBot
) -> None:
    playbook = presenter.service.playbook
    playbook.add("Why are you dearer?", tags=["price"])
    playbook.add("Do you integrate with SAP?")
    tab = opened(presenter, qtbot)
    choose(qtbot, tab, "SAP")
    assert tab.answer_box.isVisibleTo(tab)
    tab.search.setFocus()
    typed(qtbot, "dear")
    assert len(shown(tab)) == 1 and "dearer" in shown(tab)[0]
    assert tab.entry_list.count() == 2  # the other row hidden, not built again
    assert tab.selected() is None and not tab.answer_box.isVisibleTo(tab)
    typed(qtbot, "zzz")
    assert shown(tab) == ["Nothing matches that search."]
    tab.search.clear()
    assert len(shown(tab)) == 2


@pytest.mark.usefixtures("fast_kdf")
def test_the_merge_dialog_leaves_the_screen_with_the_key(
    presenter: Presenter, qtbot: QtBot
) -> None:
    playbook = presenter.service.playbook
    playbook.add("Why are you dearer than Globex?")
    playbook.add("Globex is cheaper.")
    tab = opened(presenter, qtbot)
    choose(qtbot, tab, "dearer")
    tab.actions.merge_button.click()
    dialog = presenter.journal.playbook_actions.dialog
    assert isinstance(dialog, MergeDialog) and dialog.isVisible()
    presenter.service.set_passphrase("correct horse battery")
    presenter.service.lock()
    assert not presenter.journal.journal_window.isVisible()
    assert not dialog.isVisible()  # their words (its title, its list) are not left showing
