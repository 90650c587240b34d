"""Every rep, whatever their eyes and hands: names for assistive technology, the breathing
guide in words and in sounds, the keyboard everywhere, a focus you can see, high contrast,
and text twice the size without a clipped word. All on the real windows over the real
service, offscreen."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAccessible, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSlider,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from resilience_app.core.breathing import PATTERNS
from resilience_app.core.clock import FakeClock
from resilience_app.core.models import Incident, Reflection
from resilience_app.service import Service
from resilience_app.ui import style
from resilience_app.ui.break_window import BreakWindow
from resilience_app.ui.breathing_view import BreathingView
from resilience_app.ui.presenter import Presenter
from resilience_app.ui.reflection_form import ReflectionForm
from tests.widgets.fit_probe import overlaps

CONTROLS = (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QAbstractSpinBox,
    QSlider,
    QAbstractItemView,
    QKeySequenceEdit,
    QChartView,
    BreathingView,
)


def every_window(presenter: Presenter, service: Service, clock: FakeClock) -> list[QWidget]:
    """Each window of the app open on screen, with something in it."""
    incident = service.flag("ACME", 8).incident
    windows: list[QWidget] = [presenter.breaks.break_window]
    clock.advance(minutes=3)
    service.tick()
    presenter.notes.form.followup_toggle.setChecked(True)
    windows.append(presenter.notes.form)
    service.save_note(incident.id, Reflection("it went badly", positives=["I stayed calm"]))
    service.add_positive("Nice lead")
    presenter.journal.open()
    presenter.insights.open()
    presenter.settings.open()
    said = service.playbook.add("Why are you dearer than X?", answer="It lasts twice as long.")
    presenter.breaks.show_card("Ready for the next call?", "An easy lead first.", said)
    presenter.breaks.flag_offer.offer()
    presenter.playbook.open_add()
    for mode in ("set", "unlock", "change", "remove"):
        presenter.lock.ask_passphrase(mode)
    windows += [
        presenter.journal.journal_window,
        presenter.insights.insights_window,
        presenter.settings.settings_window,
        presenter.breaks.nudge_window,
        presenter.breaks.flag_offer,
        presenter.playbook.add_dialog,
        *presenter.lock.dialogs.values(),
    ]
    assert presenter.tray.home is not None
    windows.append(presenter.tray.home)
    return windows


def _internal(widget: QWidget) -> bool:
    """Parts Qt builds inside a control (a spin box's line edit, a combo box's list, a tab
    bar's scroll arrows): the control itself carries the name."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QKeySequenceEdit | QTabBar):
            return True
        if isinstance(parent, QLineEdit) and isinstance(widget, QAbstractButton):
            return parent.accessibleName() != "" and widget.accessibleName() == ""
        parent = parent.parentWidget()
    return False


def _on_screen(widget: QWidget, window: QWidget) -> bool:
    """Shown, or on a page of tabs the rep can switch to."""
    node: QWidget | None = widget
    while node is not None and node is not window:
        parent = node.parentWidget()
        if node.isHidden() and not isinstance(parent, QStackedWidget):
            return False
        node = parent
    return True


def controls(window: QWidget) -> list[QWidget]:
    return [
        w
        for w in window.findChildren(QWidget)
        if isinstance(w, CONTROLS) and not _internal(w) and _on_screen(w, window)
    ]


def accessible(widget: QWidget, text: QAccessible.Text = QAccessible.Text.Name) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface.text(text)


def test_every_control_of_every_window_has_a_name(
    presenter: Presenter, service: Service, clock: FakeClock
) -> None:
    unnamed, named = [], 0
    for window in every_window(presenter, service, clock):
        for widget in controls(window):
            if accessible(widget).replace("&", "").strip():
                named += 1
            else:
                unnamed.append(f"{type(window).__name__}: {type(widget).__name__}")
    assert unnamed == []
    assert named > 100  # every window's controls were really walked, every tab too
    print(f"{named} controls named")


def test_images_have_words(presenter: Presenter, service: Service, clock: FakeClock) -> None:
    windows = every_window(presenter, service, clock)
    insights = presenter.insights.insights_window
    charts = insights.findChildren(QChartView)
    assert len(charts) == 7
    for chart in charts:
        assert accessible(chart) == chart.chart().title()
        assert accessible(chart, QAccessible.Text.Description)
    assert "calls: Mon" in accessible(insights.weekdays, QAccessible.Text.Description)
    assert windows[0].view.accessibleName() == "Breathing guide"


# -- the breathing guide in words ------------------------------------------------------------


def started(clock: FakeClock, minutes: float = 3) -> Incident:
    now = clock.now()
    return Incident(
        "i1", now, "Acme", 7, break_started_at=now, break_ends_at=now + timedelta(minutes=minutes)
    )


@pytest.fixture
def window(qtbot: QtBot, clock: FakeClock) -> BreakWindow:
    w = BreakWindow(clock.now)
    qtbot.addWidget(w)
    return w


@pytest.fixture
def screen_reader() -> Iterator[None]:
    """As when Orca is running: Qt's accessibility is active."""
    QAccessible.setActive(True)
    yield
    QAccessible.setActive(False)


def test_the_guide_is_described_in_words_as_it_moves(window: BreakWindow, clock: FakeClock) -> None:
    window.show_break(started(clock), pattern="box", reduced_motion=False, tip="t")
    start = clock.now()
    view = window.view
    assert accessible(view) == "Breathing guide"
    assert accessible(view, QAccessible.Text.Description) == "Breathe in — 4 seconds left"
    window.render_at(start + timedelta(seconds=5.2))
    assert view.accessibleDescription() == "Hold — 3 seconds left"
    window.render_at(start + timedelta(seconds=10.5))
    assert view.accessibleDescription() == "Breathe out — 2 seconds left"
    assert accessible(window.cue) == "Breathe out — 2 seconds left"
    window.render_at(start + timedelta(seconds=11.5))
    assert view.accessibleDescription() == "Breathe out — 1 second left"
    assert window.countdown.text() == "2:49 left"  # the countdown is text, read as it is


def test_reduced_motion_names_the_counter(window: BreakWindow, clock: FakeClock) -> None:
    window.show_break(started(clock), pattern="478", reduced_motion=True, tip="t")
    window.render_at(clock.now() + timedelta(seconds=6))
    assert window.counter.text() == "5"
    assert accessible(window.counter) == "Hold — 5 seconds left"
    assert accessible(window.reduced_box) == "Less motion"


def test_each_phase_is_told_once_never_per_frame(
    screen_reader: None, window: BreakWindow, clock: FakeClock
) -> None:
    motions: list[str] = []
    window.phase_started.connect(motions.append)
    window.show_break(started(clock), pattern="box", reduced_motion=False, tip="t")
    window.show()
    start = clock.now()
    for frame in range(0, 17_000, 33):  # 17 s at 30 frames a second
        window.render_at(start + timedelta(milliseconds=frame))
    assert motions == ["in", "hold", "out", "hold", "in"]
    assert list(window.announcements) == [
        "Breathe in — 4 seconds left",
        "Hold — 4 seconds left",
        "Breathe out — 4 seconds left",
        "Hold — 4 seconds left",
        "Breathe in — 4 seconds left",
    ]


def test_nothing_is_announced_without_a_screen_reader(
    window: BreakWindow, clock: FakeClock
) -> None:
    assert not QAccessible.isActive()
    window.show_break(started(clock), pattern="box", reduced_motion=False, tip="t")
    window.show()
    window.render_at(clock.now() + timedelta(seconds=5))
    assert list(window.announcements) == []


def test_every_pattern_step_has_a_sound_cue() -> None:
    motions = {step.cue: step.motion for p in PATTERNS.values() for step in p.steps}
    assert motions["Breathe in"] == "in" and motions["Hold"] == "hold"
    assert motions["Breathe out"] == "out" and motions["Let go"] == "out"
    assert motions["Tense"] == "in" and motions["Sigh it out"] == "out"
    assert set(motions.values()) == {"in", "hold", "out"}


class HeardCues:
    """Stands in for the sound output (Qt Multimedia), which an offscreen test has none of."""

    def __init__(self) -> None:
        self.played: list[str] = []

    def play(self, motion: str) -> None:
        self.played.append(motion)


def test_sound_cues_follow_the_setting_from_either_window(
    qtbot: QtBot, service: Service, clock: FakeClock, notifier: object
) -> None:
    heard = HeardCues()
    p = Presenter(service, notifier, tray_available=lambda: False, cues=lambda: heard)  # type: ignore[arg-type]
    p.start()
    service.start()
    try:
        service.flag()
        window = p.breaks.break_window
        assert not window.sounds_box.isChecked()
        window.render_at(clock.now() + timedelta(seconds=5))
        assert list(heard.played) == []  # off by default
        window.sounds_box.click()  # "Sound cues" next to "Less motion"
        assert service.setting("break.phase_sounds") is True
        window.render_at(clock.now() + timedelta(seconds=9))
        assert list(heard.played) == ["out"]
        p.settings.open()
        assert p.settings.settings_window.phase_sounds.isChecked()
        p.settings.settings_window.phase_sounds.setChecked(False)
        p.settings.settings_window.save_button.click()
        assert not window.sounds_box.isChecked()
        window.render_at(clock.now() + timedelta(seconds=13))
        assert list(heard.played) == ["out"]
    finally:
        p.shutdown()


# -- the keyboard ----------------------------------------------------------------------------


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Shown and given the keyboard, as the window system does when it opens."""
    window.show()
    window.activateWindow()
    try:
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    except Exception as exc:
        raise AssertionError(f"{type(window).__name__} never became active") from exc


def test_break_window_tab_order_and_keys(
    qtbot: QtBot, window: BreakWindow, clock: FakeClock
) -> None:
    window.show_break(started(clock), pattern="box", reduced_motion=False, tip="t")
    activate(qtbot, window)
    assert window.focusWidget() is window.view  # the guide first: a screen reader reads it
    seen = [window.focusWidget()]
    for _ in range(8):
        window.focusNextChild()
        seen.append(window.focusWidget())
    expected = [
        window.view,
        window.pattern_box,
        window.reduced_box,
        window.sounds_box,
        *window.size_choice.buttons.values(),  # "How big was this one?", optional
        window.more_button,
        window.end_button,
    ]
    assert seen == expected
    with qtbot.waitSignal(window.add_minute_requested):
        window.more_button.setFocus()
        qtbot.keyClick(window.more_button, Qt.Key.Key_Space)
    with qtbot.waitSignal(window.end_requested):
        window.end_button.setFocus()
        qtbot.keyClick(window.end_button, Qt.Key.Key_Return)
    with qtbot.waitSignal(window.end_requested):
        qtbot.keyClick(window.pattern_box, Qt.Key.Key_Escape)
    assert "Esc" in window.end_button.toolTip()
    window.reduced_box.setFocus()
    qtbot.keyClick(window.reduced_box, Qt.Key.Key_Space)
    assert window.reduced_box.isChecked()


def test_note_form_keys(qtbot: QtBot, service: Service, clock: FakeClock) -> None:
    incident = service.flag("ACME").incident
    clock.advance(minutes=3)
    service.tick()
    form = ReflectionForm()
    qtbot.addWidget(form)
    form.load(service.incident(incident.id))
    activate(qtbot, form)
    assert form.focusWidget() is form.what
    qtbot.keyClicks(form.what, "They hung up")
    form.positives.setFocus()
    qtbot.keyClicks(form.positives, "I kept my tone")
    with qtbot.waitSignal(form.save_requested) as saved:
        qtbot.keyClick(form.positives, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert saved.args is not None and saved.args[1].positives == ["I kept my tone"]
    assert form.positives.toPlainText() == "I kept my tone"  # no line was added
    with qtbot.waitSignal(form.later_requested) as later:
        qtbot.keyClick(form.lesson, Qt.Key.Key_Escape)
    assert later.args is not None and later.args[1].what_happened == "They hung up"
    assert "Esc" in form.later_button.toolTip() and "Ctrl+Enter" in form.save_button.toolTip()


# -- a focus you can see ---------------------------------------------------------------------


def test_the_focus_is_visible_on_every_kind_of_control(
    presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    windows = every_window(presenter, service, clock)
    invisible, checked = [], 0
    for window in windows:
        if window.windowFlags() & Qt.WindowType.WindowDoesNotAcceptFocus:
            continue  # the nudge card and the flag offer never take the keyboard
        activate(qtbot, window)
        for widget in controls(window):
            policy = widget.focusPolicy()
            if not (policy & Qt.FocusPolicy.TabFocus) or not widget.isVisible():
                continue
            if not widget.isEnabled():
                continue
            window.setFocus()
            QApplication.processEvents()
            before = widget.grab().toImage()
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            QApplication.processEvents()
            after = widget.grab().toImage()
            checked += 1
            if before == after:
                invisible.append(f"{type(window).__name__}: {type(widget).__name__}")
    assert invisible == []
    assert checked > 60


# -- high contrast ---------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    c = QColor(colour)
    r, g, b = (channel(v) for v in (c.redF(), c.greenF(), c.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("palette", [style.CONTRAST_LIGHT, style.CONTRAST_DARK])
def test_high_contrast_palettes_reach_seven_to_one(palette: style.Colours) -> None:
    for text in (palette.text, palette.muted, palette.accent, palette.warn):
        assert contrast(text, palette.background) >= 7
        assert contrast(text, palette.card) >= 7
    assert contrast(palette.on_accent, palette.accent) >= 7
    assert contrast(palette.border, palette.background) >= 7
    assert palette.focus_width >= 3


def test_ordinary_palettes_keep_text_readable() -> None:
    for palette in (style.LIGHT, style.DARK):
        assert contrast(palette.text, palette.background) >= 7
        assert contrast(palette.muted, palette.background) >= 4.5


def test_high_contrast_follows_the_desktop_or_the_rep() -> None:
    assert style.choose("auto", desktop_dark=False, desktop_contrast=True) is style.CONTRAST_LIGHT
    assert style.choose("auto", desktop_dark=True, desktop_contrast=True) is style.CONTRAST_DARK
    assert style.choose("auto", desktop_dark=True, desktop_contrast=False) is style.DARK
    assert style.choose("contrast", desktop_dark=False, desktop_contrast=False) is (
        style.CONTRAST_LIGHT
    )
    assert style.choose("light", desktop_dark=True, desktop_contrast=True) is style.LIGHT


def test_choosing_high_contrast_restyles_the_open_windows(
    presenter: Presenter, service: Service
) -> None:
    service.flag()
    service.set_setting("ui.theme", "contrast")
    try:
        sheet = presenter.breaks.break_window.styleSheet()
        assert style.CONTRAST_LIGHT.accent in sheet and "border: 3px solid" in sheet
        presenter.settings.open()
        assert presenter.settings.settings_window.theme.currentData() == "contrast"
    finally:
        style.prefer("auto")


# -- text twice the size ---------------------------------------------------------------------


@pytest.fixture(params=[1.0, 1.5, 2.0], ids=["100%", "150%", "200%"])
def large_text(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[float]:
    """The desktop's text as a rep sets it, up to 200 % for low vision."""
    normal = QFont(qapp.font())
    bigger = QFont(normal)
    bigger.setPointSizeF(normal.pointSizeF() * request.param)
    qapp.setFont(bigger)
    yield bigger.pointSizeF()
    qapp.setFont(normal)


def clipped(window: QWidget) -> list[str]:
    """Labels and buttons smaller than their text needs, or outside what can be seen or
    scrolled to."""
    problems = []
    for widget in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
        if not widget.isVisible() or _internal(widget) or isinstance(widget.parent(), QTabBar):
            continue
        name = f"{type(window).__name__}: {type(widget).__name__} {widget.text()[:30]!r}"
        size, hint = widget.size(), widget.sizeHint()
        if isinstance(widget, QLabel) and widget.wordWrap():
            if size.height() < widget.heightForWidth(size.width()):
                problems.append(
                    f"{name} {size.toTuple()} needs {widget.heightForWidth(size.width())} high"
                )
        elif size.width() < hint.width() or size.height() < hint.height():
            problems.append(f"{name} {size.toTuple()} < {hint.toTuple()}")
        area = _room(widget, window)
        where = QRect(widget.mapTo(area, widget.rect().topLeft()), size)
        if not area.rect().contains(where):
            problems.append(f"{name} outside its window {where} {area.rect()}")
    return problems


def _room(widget: QWidget, window: QWidget) -> QWidget:
    """The scrolled page a widget is on, else its window."""
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        grand = parent.parentWidget()
        if grand is not None and isinstance(grand.parentWidget(), QScrollArea):
            return parent  # the scroll area's widget: anything on it can be scrolled to
        parent = grand
    return window


def test_text_at_twice_the_size_is_never_clipped(
    large_text: float, presenter: Presenter, service: Service, clock: FakeClock, qtbot: QtBot
) -> None:
    windows = every_window(presenter, service, clock)
    presenter.insights.open_report()
    windows.append(presenter.insights.report_window)
    assert f"{large_text * 1.5:.1f}pt" in presenter.breaks.break_window.styleSheet()  # titles grow
    problems = []
    for window in windows:
        qtbot.wait(20)  # the layouts settle, as they do before the rep sees a frame
        screen = window.screen().availableGeometry()
        if not screen.contains(window.frameGeometry()):
            problems.append(f"{type(window).__name__} {window.frameGeometry()} beyond {screen}")
        problems += clipped(window)
        problems += [f"{type(window).__name__}: {pair}" for pair in overlaps(window)]
        tabs = window.findChild(QTabWidget)
        for tab in range(1, tabs.count() if tabs is not None else 0):
            tabs.setCurrentIndex(tab)  # each page of the journal and of the settings
            qtbot.wait(20)
            problems += clipped(window)
    assert problems == []
