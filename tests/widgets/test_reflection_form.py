"""The note form, offscreen: prompts, validation, and drafts that survive closing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from resilience_app.core.clock import FakeClock
from resilience_app.core.loop import RecoveryLoop
from resilience_app.core.models import LossReason, MyPart, Reflection, ReflectionStatus
from resilience_app.core.settings import Settings
from resilience_app.storage.store import Store
from resilience_app.ui.presenter import Presenter
from resilience_app.ui.reflection_form import ReflectionForm


def form_for(qtbot: QtBot, loop: RecoveryLoop) -> tuple[ReflectionForm, str]:
    incident = loop.flag("Acme", 8)
    loop.end_break()
    form = ReflectionForm()
    qtbot.addWidget(form)
    form.draft_changed.connect(loop.save_draft)
    form.later_requested.connect(loop.save_draft)
    form.load(incident)
    return form, incident.id


def test_typed_text_becomes_a_draft_that_survives_a_restart(
    qtbot: QtBot, loop: RecoveryLoop, data_dir: Path, clock: FakeClock
) -> None:
    form, incident_id = form_for(qtbot, loop)
    form.show()
    qtbot.keyClicks(form.what, "They shouted about price")
    qtbot.keyClicks(form.positives, "I kept my voice calm")
    qtbot.waitUntil(
        lambda: loop.incident(incident_id).reflection_status is ReflectionStatus.DRAFT, timeout=3000
    )
    form.close()  # the window's X: nothing typed may be lost
    assert not form.isVisible()

    reopened = RecoveryLoop(Store(data_dir), Settings(), clock)
    reopened.restore()
    [waiting] = reopened.open_reflections()
    assert waiting.reflection.what_happened == "They shouted about price"
    assert waiting.reflection.positives == ["I kept my voice calm"]
    again = ReflectionForm()
    qtbot.addWidget(again)
    again.load(waiting)
    assert again.what.text() == "They shouted about price"


def test_close_right_after_typing_keeps_the_text(qtbot: QtBot, loop: RecoveryLoop) -> None:
    form, incident_id = form_for(qtbot, loop)
    form.show()
    qtbot.keyClicks(form.lesson, "Have the price sheet open")
    form.close()  # before the debounce fired
    assert loop.incident(incident_id).reflection.lesson == "Have the price sheet open"


def test_saving_needs_one_positive_and_says_so_kindly(qtbot: QtBot, loop: RecoveryLoop) -> None:
    form, _incident_id = form_for(qtbot, loop)
    form.show()
    saved: list[object] = []
    form.save_requested.connect(lambda i, r: saved.append(r))
    form.what.setText("Hung up")
    form.save_button.click()
    assert saved == []
    assert form.error.isVisible() and "at least one positive" in form.error.text()
    qtbot.keyClicks(form.positives, "Got past the gatekeeper")
    assert not form.error.isVisible()
    form.save_button.click()
    assert len(saved) == 1


def test_every_field_is_read_back(qtbot: QtBot, loop: RecoveryLoop) -> None:
    form, _ = form_for(qtbot, loop)
    form.what.setText("Lost on timing")
    form.my_part.setCurrentIndex(form.my_part.findData(MyPart.NOT_ME.value))
    form.reason.setCurrentIndex(form.reason.findData(LossReason.PRODUCT_GAP.value))
    form.lesson.setText("Ask about budget cycles")
    form.positives.setPlainText("Good rapport\n\n  Clear demo  ")
    form.mood.setValue(7)
    assert form.reflection() == Reflection(
        "Lost on timing",
        MyPart.NOT_ME,
        LossReason.PRODUCT_GAP,
        "Ask about budget cycles",
        ["Good rapport", "Clear demo"],
        7,
    )
    assert "manager or product team" in form.reason_hint.text()
    assert form.mood_value.text() == "7 / 10"
    assert "before the break: rough 8/10" in form.context.text()


def test_mood_starts_unrated(qtbot: QtBot, loop: RecoveryLoop) -> None:
    form, _ = form_for(qtbot, loop)
    assert form.reflection().mood_after is None
    assert form.mood_value.text() == "Not rated yet"
    assert form.mood.property("rated") == "false" and not form.mood_clear.isVisibleTo(form)
    # Touching it at the very value it waits on (the middle) still rates it.
    form.mood.sliderPressed.emit()
    assert form.reflection().mood_after == 5 and form.mood_value.text() == "5 / 10"
    form.mood.setValue(0)  # the keyboard's Home key: a real 0, chosen
    assert form.reflection().mood_after == 0
    form.mood_clear.click()
    assert form.reflection().mood_after is None
    assert form.mood_value.text() == "Not rated yet"


def _tab_order(form: ReflectionForm) -> list[QWidget]:
    """The note's first fields in the order Tab walks through them."""
    fields = {form.what, form.my_part, form.said, form.reason}
    order: list[QWidget] = []
    widget: QWidget = form
    while len(order) < 200:
        widget = widget.nextInFocusChain()
        if widget is form.mood:
            break
        if widget in fields and widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            order.append(widget)
    return order


def _top(form: ReflectionForm, widget: QWidget) -> int:
    return widget.mapTo(form, QPoint(0, 0)).y()


def test_their_words_come_first_when_i_could_not_answer(qtbot: QtBot, loop: RecoveryLoop) -> None:
    form, _ = form_for(qtbot, loop)
    form.show()
    # Any part: the field is there, after "my part", in reading and Tab order.
    assert form.said.isVisible() and form.said.accessibleName() == ""  # named by its label
    assert _top(form, form.my_part) < _top(form, form.said) < _top(form, form.reason)
    assert _tab_order(form)[:4] == [form.what, form.my_part, form.said, form.reason]
    form.my_part.setCurrentIndex(form.my_part.findData(MyPart.COULDNT_ANSWER.value))
    qtbot.waitUntil(lambda: _top(form, form.said) < _top(form, form.what))
    assert _top(form, form.context) < _top(form, form.said)  # right under the call
    assert _tab_order(form)[:4] == [form.said, form.what, form.my_part, form.reason]
    form.my_part.setCurrentIndex(form.my_part.findData(MyPart.NOT_ME.value))
    qtbot.waitUntil(lambda: _top(form, form.my_part) < _top(form, form.said))
    assert _tab_order(form)[:4] == [form.what, form.my_part, form.said, form.reason]


def test_a_draft_where_i_could_not_answer_opens_on_their_words(
    qtbot: QtBot, loop: RecoveryLoop
) -> None:
    incident = loop.flag("Acme")
    loop.end_break()
    loop.save_draft(incident.id, Reflection(my_part=MyPart.COULDNT_ANSWER))
    form = ReflectionForm()
    qtbot.addWidget(form)
    form.load(loop.incident(incident.id))
    form.show()
    form.activateWindow()
    assert _tab_order(form)[0] is form.said
    assert _top(form, form.said) < _top(form, form.what)


def test_saving_the_note_with_their_words_adds_them_to_the_playbook(
    presenter: Presenter, loop: RecoveryLoop, qtbot: QtBot
) -> None:
    first = loop.flag("Acme")
    loop.end_break()
    form = presenter.notes.form
    assert form.isVisible() and form.incident_id == first.id
    form.my_part.setCurrentIndex(form.my_part.findData(MyPart.COULDNT_ANSWER.value))
    qtbot.keyClicks(form.said, "Why are you dearer than Globex?")
    form.later_button.click()  # "later": their words are kept in the draft
    assert loop.incident(first.id).reflection.said == "Why are you dearer than Globex?"
    presenter.notes.show_note(first.id)
    assert form.said.text() == "Why are you dearer than Globex?"
    form.positives.setPlainText("Stayed calm")
    form.save_button.click()
    assert not form.isVisible()
    presenter.notes.show_note(first.id)  # the saved note opened again, with their words
    assert form.said.text() == "Why are you dearer than Globex?"
    form.save_button.click()  # saved again: still one entry for the call
    form.hide()
    [entry] = presenter.service.playbook.entries()
    assert entry.said == "Why are you dearer than Globex?"
    assert entry.call_ids == [first.id] and entry.answer == "" and not entry.answered
    assert presenter.service.incident(first.id).reflection.positives == ["Stayed calm"]

    # Left empty (any part): the note is saved and the playbook is left as it was.
    loop.dialed()
    second = loop.flag("Initech")
    loop.end_break()
    assert form.incident_id == second.id and form.said.text() == ""
    form.positives.setPlainText("Kept it short")
    form.save_button.click()
    assert [e.id for e in presenter.service.playbook.entries()] == [entry.id]


def test_what_was_missing_shows_for_a_product_gap_only_and_stays_in_the_draft(
    qtbot: QtBot, loop: RecoveryLoop, data_dir: Path, clock: FakeClock
) -> None:
    form, incident_id = form_for(qtbot, loop)
    form.show()
    assert not form.missing.isVisible()
    form.reason.setCurrentIndex(form.reason.findData(LossReason.PRODUCT_GAP.value))
    assert form.missing.isVisible()
    assert _top(form, form.reason) < _top(form, form.missing.edit) < _top(form, form.lesson)
    qtbot.keyClicks(form.missing.edit, "No Outlook integration")
    form.reason.setCurrentIndex(form.reason.findData(LossReason.TIMING.value))
    assert not form.missing.isVisible()
    form.reason.setCurrentIndex(form.reason.findData(LossReason.PRODUCT_GAP.value))
    qtbot.keyClicks(form.said, "Does it sync with Outlook?")
    form.close()  # a kill right after: the draft already holds both
    kept = loop.incident(incident_id).reflection
    assert kept.missing == "No Outlook integration"
    assert kept.said == "Does it sync with Outlook?"

    reopened = RecoveryLoop(Store(data_dir), Settings(), clock)
    reopened.restore()
    [waiting] = reopened.open_reflections()
    again = ReflectionForm()
    qtbot.addWidget(again)
    again.load(waiting)
    again.show()
    assert again.missing.isVisible() and again.missing.text() == "No Outlook integration"
    assert again.said.text() == "Does it sync with Outlook?"
