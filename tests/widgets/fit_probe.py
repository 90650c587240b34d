"""Open one window on a real (offscreen) screen of a given size, at a given text size and
language, and print what a rep would see of it as JSON: where its frame is, where its
buttons are and whether they can be seen, and which texts sit on top of something else.

Run in its own process by tests/widgets/test_fit_screen.py, because a screen's size (and
QT_SCALE_FACTOR) is fixed when Qt starts:

    QT_QPA_PLATFORM=offscreen:configfile=screen.json python -m tests.widgets.fit_probe \
        break:box 2.0 en
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)

from resilience_app import i18n
from resilience_app.core.clock import FakeClock
from resilience_app.core.models import Incident


def rect(r: QRect) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def in_window(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def shown_part(widget: QWidget, window: QWidget) -> QRect:
    """What of `widget` can be seen in its window: clipped by each parent (a scrolled page's
    viewport cuts off what is scrolled away)."""
    part = in_window(widget, window)
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        part &= in_window(parent, window)
        parent = parent.parentWidget()
    return part


def seen(widget: QWidget) -> bool:
    """The whole widget can be seen: nothing of it is scrolled away or cut by its window."""
    return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()


PARTS = ("BreathingView", "QFrame")  # the guide, and the cards (a QFrame exactly)


def overlaps(window: QWidget) -> list[str]:
    """Pairs of shown labels and controls (never one inside the other) that cover each
    other: text drawn over the guide, a countdown over a card."""
    parts = [
        w
        for w in window.findChildren(QWidget)
        if w.isVisible()
        and not _inside_control(w)
        and (isinstance(w, QLabel | QAbstractButton) or type(w).__name__ in PARTS)
    ]
    found = []
    for i, a in enumerate(parts):
        for b in parts[i + 1 :]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            if shown_part(a, window).intersects(shown_part(b, window)):
                found.append(f"{_name(a)} / {_name(b)}")
    return found


def _inside_control(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if type(parent).__name__ in ("QComboBox", "QTabBar", "QScrollBar", "QAbstractSpinBox"):
            return True
        parent = parent.parentWidget()
    return False


def _name(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
    return f"{type(widget).__name__} {text[:24]!r}"


def probe_break(app: QApplication, pattern: str) -> dict[str, Any]:
    from resilience_app.ui.break_window import BreakWindow

    clock = FakeClock()
    now = clock.now()
    incident = Incident(
        "i1",
        now,
        "Contoso",
        7,
        break_started_at=now,
        break_ends_at=now + timedelta(minutes=3),
    )
    window = BreakWindow(clock.now)
    window.show_break(
        incident,
        pattern=pattern,
        reduced_motion=False,
        tip="Stand up, roll your shoulders, and drink some water before the next call.",
        positive="Booked a demo with the hardest prospect of the week",
    )
    window.show()
    app.processEvents()
    window.render_at(now + timedelta(seconds=2))
    app.processEvents()
    guide = window.view.guide_rect() if hasattr(window.view, "guide_rect") else window.view.rect()
    circle = QRect(window.view.mapTo(window, guide.topLeft()), guide.size())
    return {
        "buttons": {
            name: {"rect": rect(in_window(b, window)), "seen": seen(b)}
            for name, b in (("more", window.more_button), ("end", window.end_button))
        },
        "circle": rect(circle),
        "cue": rect(in_window(window.cue, window)),
        # Under the guide and seen without scrolling: the instruction and the time left.
        "guide_text_seen": [
            shown_part(label, window) == in_window(label, window)
            for label in (window.cue, window.countdown)
        ],
        "countdown": rect(in_window(window.countdown, window)),
        "overlaps": overlaps(window),
        "window_obj": window,
    }


def probe_note(app: QApplication) -> dict[str, Any]:
    from resilience_app.ui.reflection_form import ReflectionForm

    clock = FakeClock()
    form = ReflectionForm()
    form.load(Incident("i1", clock.now(), "Contoso", 7))
    form.show()
    app.processEvents()
    positives = form.positives
    hints = {}
    for name, field in (("what", form.what), ("lesson", form.lesson), ("said", form.said)):
        metrics = field.fontMetrics()
        room = field.width() - 2 * (6 + 1 + 2)  # padding, border, Qt's own margin
        hints[name] = {
            "text": field.placeholderText(),
            "width": metrics.horizontalAdvance(field.placeholderText()),
            "room": room,
        }
    area = form.findChild(QScrollArea)
    return {
        "buttons": {
            name: {"rect": rect(in_window(b, form)), "seen": seen(b)}
            for name, b in (("save", form.save_button), ("later", form.later_button))
        },
        "scrolls": bool(area is not None and area.verticalScrollBar().isVisible()),
        "positives_viewport": positives.viewport().height(),
        "positives_needed": _wrapped_height(positives),
        "line": positives.fontMetrics().lineSpacing(),
        "hints": hints,
        "overlaps": overlaps(form),
        "window_obj": form,
    }


def _wrapped_height(box: QPlainTextEdit) -> int:
    """How tall the box's hint is, wrapped at the box's width, with the text's margins."""
    margin = int(box.document().documentMargin())
    width = box.viewport().width() - 2 * margin
    flags = int(Qt.TextFlag.TextWordWrap)
    drawn = box.fontMetrics().boundingRect(QRect(0, 0, width, 10_000), flags, box.placeholderText())
    return drawn.height() + 2 * margin


def main(argv: list[str]) -> None:
    which, scale, language = argv[0], float(argv[1]), argv[2]
    shot = argv[3] if len(argv) > 3 else ""
    app = QApplication([])
    i18n.set_language(language)
    font = QFont(app.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    app.setFont(font)
    kind, _, pattern = which.partition(":")  # "break:pmr": the break with that guide
    found = probe_break(app, pattern or "box") if kind == "break" else probe_note(app)
    window = found.pop("window_obj")
    screen = window.screen()
    found["screen"] = rect(screen.availableGeometry())
    found["frame"] = rect(window.frameGeometry())
    found["size"] = [window.width(), window.height()]
    if shot:
        window.grab().save(shot)
    print(json.dumps(found))


if __name__ == "__main__":
    main(sys.argv[1:])
