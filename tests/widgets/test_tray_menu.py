"""The tray's Upcoming menu: a refresh with the same follow-ups leaves it alone (a rep may
have it open), a new list or a new language builds it again."""

from __future__ import annotations

import gettext
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from resilience_app import i18n
from resilience_app.ui.tray import Tray


class Marked(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return f"»{message}"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"»{singular if n == 1 else plural}"


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    i18n.set_language("en")
    yield
    monkeypatch.undo()
    i18n.set_language("en")


def test_the_same_follow_ups_leave_the_menu_alone(qtbot: QtBot, english: None) -> None:
    tray = Tray()
    items = [("f1", "Call Stark back · 14:00"), ("f2", "Thank Acme · tomorrow")]
    tray.set_upcoming(items)
    before = [entry.menu() for entry in tray.upcoming_menu.actions()]
    assert len(before) == 2 and all(before)

    tray.set_upcoming(list(items))  # a refresh: nothing changed
    assert [entry.menu() for entry in tray.upcoming_menu.actions()] == before

    tray.set_upcoming(items[:1])  # one done: built again
    assert [a.text() for a in tray.upcoming_menu.actions()] == ["Call Stark back · 14:00"]
    assert tray.upcoming_menu.title() == "Upcoming (1)"

    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(i18n.gettext, "translation", lambda *args, **kwargs: Marked())
    try:
        i18n.set_language("de")
        tray.retranslate()  # a new language: the same list, built again in it
    finally:
        monkeypatch.undo()
    entry = tray.upcoming_menu.actions()[0].menu()
    assert entry.actions()[0].text() == "»Done"
    assert tray.upcoming_menu.title() == "»Upcoming (1)"
