"""The journal's Playbook tab, offscreen, over the real service: the entries listed, search
as the rep types, an answer written (its earlier wording kept), keyboard and names."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.models import MyPart
from resilience_app.ui.playbook_tab import PlaybookTab
from resilience_app.ui.presenter import Presenter
from tests.widgets.test_accessibility import accessible, clipped, controls


def shown(tab: PlaybookTab) -> list[str]:
    return tab.shown_rows()  # the rows a search hides left out


def select(tab: PlaybookTab, words: str) -> None:
    rows = range(tab.entry_list.count())
    [row] = [r for r in rows if words in tab.entry_list.item(r).text()]
    assert not tab.entry_list.isRowHidden(row)
    tab.entry_list.setCurrentRow(row)


def tab_order(tab: PlaybookTab) -> list[QWidget]:
    wanted = {tab.search, tab.entry_list, tab.answer_edit, tab.save_button}
    order: list[QWidget] = []
    widget: QWidget = tab.search
    while len(order) < len(wanted):
        if widget in wanted and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            order.append(widget)
        widget = widget.nextInFocusChain()
    return order


def test_the_playbook_lists_searches_and_keeps_each_answer(
    presenter: Presenter, loop: RecoveryLoop, qtbot: QtBot
) -> None:
    playbook = presenter.service.playbook
    call = loop.flag("Acme")
    loop.end_break()
    dearer = playbook.add("Why are you dearer than Globex?", tags=["price"], call_id=call.id)
    sap = playbook.add("Do you integrate with SAP?", answer="Yes, with the standard connector")

    presenter.journal.open("playbook")
    window = presenter.journal.journal_window
    qtbot.addWidget(window)
    tab = window.playbook
    assert window.tabs.currentWidget() is tab and window.tabs.tabText(3) == "&Playbook"
    texts = "\n\n".join(shown(tab))
    assert "“Why are you dearer than Globex?”\nNo answer yet\nprice · came up 1 time" in texts
    assert "Yes, with the standard connector" in texts and "not practiced yet" in texts
    assert not tab.answer_box.isVisibleTo(tab)  # nothing chosen yet

    # Search as the rep types (every word, any case; answers and tags too).
    qtbot.keyClicks(tab.search, "sap")
    assert len(shown(tab)) == 1 and "SAP" in shown(tab)[0]
    tab.search.clear()
    qtbot.keyClicks(tab.search, "PRICE")
    assert len(shown(tab)) == 1 and "Globex" in shown(tab)[0]
    qtbot.keyClicks(tab.search, " nowhere")
    assert shown(tab) == ["Nothing matches that search."]
    tab.search.clear()
    assert len(shown(tab)) == 2

    # An answer written, then reworded: the wording before is kept.
    select(tab, "Globex")
    assert tab.answer_box.isVisibleTo(tab) and tab.answer_edit.toPlainText() == ""
    qtbot.keyClicks(tab.answer_edit, "We include onboarding")
    tab.save_button.click()
    assert playbook.entry(dearer.id).answer == "We include onboarding"
    assert "We include onboarding" in "\n".join(shown(tab))
    assert "kept" in tab.status.text()
    tab.answer_edit.setPlainText("Onboarding and support are in the price")
    tab.save_button.click()
    entry = playbook.entry(dearer.id)
    assert entry.answer == "Onboarding and support are in the price"
    assert [w.text for w in entry.earlier] == ["We include onboarding"]
    assert tab.earlier.text() == "1 earlier wording kept"
    assert tab.answer_edit.toPlainText() == "Onboarding and support are in the price"
    assert tab.selected() == dearer.id  # still chosen after the list was read again

    # Changed elsewhere (the note, the terminal): the tab follows the service.
    playbook.add("Can you call back in spring?")
    assert len(shown(tab)) == 3 and tab.selected() == dearer.id
    playbook.practise(sap.id, had_it=True)
    [practised] = [t for t in shown(tab) if "SAP" in t]
    assert "last practiced " in practised and "not practiced" not in practised

    # An empty answer is refused with a sentence; the last one stays.
    tab.answer_edit.setPlainText("   ")
    tab.save_button.click()
    assert tab.status.text() == "Write the answer you would give now."
    assert playbook.entry(dearer.id).answer == "Onboarding and support are in the price"


def test_the_playbook_is_named_and_walked_from_the_keyboard(
    presenter: Presenter, qtbot: QtBot
) -> None:
    presenter.journal.open("playbook")
    window = presenter.journal.journal_window
    qtbot.addWidget(window)
    tab = window.playbook
    assert shown(tab) == ["Nothing in your playbook yet."]
    assert tab.search.accessibleName() == "Search your playbook"
    assert tab.entry_list.accessibleName() == "Your playbook"
    assert tab.answer_edit.accessibleName() == "Your answer"
    assert tab.save_button.text() == "&Save answer"  # Alt+S
    assert tab.answer_edit.tabChangesFocus()
    assert tab_order(tab) == [tab.search, tab.entry_list, tab.answer_edit, tab.save_button]


def test_every_control_of_the_tab_and_the_note_has_a_name(
    presenter: Presenter, loop: RecoveryLoop, qtbot: QtBot
) -> None:
    presenter.service.playbook.add("Why are you dearer than Globex?")
    presenter.journal.open("playbook")
    window = presenter.journal.journal_window
    qtbot.addWidget(window)
    window.playbook.entry_list.setCurrentRow(0)  # the answer and its Save button shown
    loop.flag("Acme")
    loop.end_break()
    for shown_window in (window, presenter.notes.form):
        found = controls(shown_window)
        assert window.playbook.answer_edit in found or shown_window is not window
        unnamed = [type(w).__name__ for w in found if not accessible(w).replace("&", "").strip()]
        assert unnamed == []
    assert accessible(presenter.notes.form.said) == (
        "What did they say or ask that I couldn't answer?"
    )


def test_at_twice_the_text_size_nothing_is_clipped(
    presenter: Presenter, loop: RecoveryLoop, qtbot: QtBot, qapp: QApplication
) -> None:
    normal = QFont(qapp.font())
    bigger = QFont(normal)
    bigger.setPointSizeF(normal.pointSizeF() * 2)
    qapp.setFont(bigger)
    try:
        presenter.service.playbook.add("Why are you dearer than Globex?", answer="Onboarding")
        presenter.journal.open("playbook")
        window = presenter.journal.journal_window
        qtbot.addWidget(window)
        window.playbook.entry_list.setCurrentRow(0)
        loop.flag("Acme")
        loop.end_break()
        form = presenter.notes.form
        form.my_part.setCurrentIndex(form.my_part.findData(MyPart.COULDNT_ANSWER.value))
        qtbot.wait(20)  # the layouts settle
        assert clipped(window) == [] and clipped(form) == []
    finally:
        qapp.setFont(normal)


def test_opened_on_the_playbook_the_keys_are_in_its_search(
    presenter: Presenter, qtbot: QtBot
) -> None:
    """Seen failing: the focus stayed on a button of the window, so Tab and Down went
    through the window's buttons instead of the playbook's entries."""
    playbook = presenter.service.playbook
    for said in ("Why are you dearer?", "Send me an email.", "Not this quarter."):
        playbook.add(said, answer="An answer to: " + said)
    presenter.journal.open("playbook")
    window = presenter.journal.journal_window
    qtbot.addWidget(window)
    tab = window.playbook
    assert window.focusWidget() is tab.search  # where the keys go once it is active
    qtbot.keyClick(tab.search, Qt.Key.Key_Tab)
    assert window.focusWidget() is tab.entry_list
    qtbot.keyClick(tab.entry_list, Qt.Key.Key_Down)
    assert tab.selected() is not None and window.focusWidget() is tab.entry_list
