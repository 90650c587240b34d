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

    def send(self, title: str, message: str, *, urgent: bool) -> None:
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
