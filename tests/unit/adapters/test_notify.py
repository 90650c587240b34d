"""The notifier chain: the first channel that works here, said once when it falls back."""

from __future__ import annotations

import logging

import pytest

from resilience_app.adapters.notify import NotifierChain, NullNotifier


class Channel:
    def __init__(self, name: str, available: bool = True) -> None:
        self.name = name
        self.up = available
        self.sent: list[str] = []

    def available(self) -> bool:
        return self.up

    def send(self, title: str, message: str, *, urgent: bool, tag: str = "") -> None:
        self.sent.append(title)


def test_first_available_channel_wins_and_falls_back_in_order(
    caplog: pytest.LogCaptureFixture,
) -> None:
    desktop, tray, card = Channel("desktop"), Channel("tray"), Channel("window")
    chain = NotifierChain([desktop])
    chain.add(tray)
    chain.add(card)
    assert chain.send("one", "body", urgent=False) == "desktop"
    desktop.up = False
    with caplog.at_level(logging.WARNING):
        assert chain.send("two", "body", urgent=True) == "tray"
        assert chain.send("three", "body", urgent=True) == "tray"
    assert [r.getMessage() for r in caplog.records] == ["desktop unavailable; using tray"]
    tray.up = False
    assert chain.send("four", "body", urgent=False) == "window"
    assert chain.deliveries == [
        ("desktop", "one"),
        ("tray", "two"),
        ("tray", "three"),
        ("window", "four"),
    ]
    assert (desktop.sent, tray.sent, card.sent) == (["one"], ["two", "three"], ["four"])


def test_nothing_to_show_it_on_is_logged_not_raised() -> None:
    chain = NotifierChain([NullNotifier()])
    assert not chain.available()
    assert chain.send("lost", "body", urgent=True) == "none"
    assert chain.deliveries == [("none", "lost")]


class TakesBack(Channel):
    """A channel that can take back what it showed (as the desktop's can)."""

    def __init__(self, name: str, available: bool = True) -> None:
        super().__init__(name, available)
        self.tags: list[str] = []
        self.withdrawn: list[str] = []

    def send(self, title: str, message: str, *, urgent: bool, tag: str = "") -> None:
        super().send(title, message, urgent=urgent, tag=tag)
        self.tags.append(tag)

    def withdraw(self, tag: str) -> None:
        self.withdrawn.append(tag)


def test_a_tag_reaches_the_channel_and_withdraw_reaches_the_ones_that_showed_it() -> None:
    desktop, tray, card = TakesBack("desktop"), Channel("tray"), TakesBack("window")
    chain = NotifierChain([desktop, tray, card])
    chain.send("nudge", "body", urgent=False, tag="nudge")
    chain.send("reminder", "body", urgent=False, tag="followup:1")
    desktop.up = False
    chain.send("firm nudge", "body", urgent=True, tag="nudge")  # the tray: cannot take back
    tray.up = False
    chain.send("firm again", "body", urgent=True, tag="nudge")
    assert desktop.tags == ["nudge", "followup:1"] and card.tags == ["nudge"]
    chain.withdraw("nudge")
    assert desktop.withdrawn == ["nudge"] and card.withdrawn == ["nudge"]
    chain.withdraw("nudge")  # nothing shown with it any more: nobody is asked again
    chain.withdraw("never sent")
    assert desktop.withdrawn == ["nudge"] and card.withdrawn == ["nudge"]
    chain.withdraw("followup:1")
    assert desktop.withdrawn == ["nudge", "followup:1"]


def test_untagged_notifications_are_never_withdrawn() -> None:
    desktop = TakesBack("desktop")
    chain = NotifierChain([desktop])
    chain.send("Flagged", "body", urgent=False)
    chain.withdraw("")
    assert desktop.withdrawn == []


def test_the_card_hides_only_what_it_showed_with_that_tag() -> None:
    from resilience_app.ui.presenters.tray import CardChannel

    shown: list[str] = []
    hidden: list[bool] = []
    card = CardChannel(lambda title, body: shown.append(title), hide=lambda: hidden.append(True))
    card.send("Ready for the next call?", "body", urgent=False, tag="nudge")
    card.withdraw("followup:1")
    assert hidden == []
    card.withdraw("nudge")
    assert hidden == [True]
    card.send("Follow-up: Check-in", "body", urgent=False, tag="followup:1")
    card.withdraw("nudge")  # the card shows a reminder now: it stays
    assert hidden == [True] and shown == ["Ready for the next call?", "Follow-up: Check-in"]
