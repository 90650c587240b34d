"""Where the app looks for a desktop before Qt does (resilience_app.app.no_desktop_session)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from resilience_app.app import no_desktop_session

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="X11 and Wayland sessions"
)


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, True),
        ({"DISPLAY": ":0"}, False),
        ({"WAYLAND_DISPLAY": "wayland-1"}, False),
        ({"DISPLAY": ""}, True),
        ({"QT_QPA_PLATFORM": "xcb"}, True),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, True),
        ({"QT_QPA_PLATFORM": "xcb:display=:1"}, True),
        ({"QT_QPA_PLATFORM": "offscreen"}, False),
        ({"QT_QPA_PLATFORM": "vnc"}, False),
        ({"QT_QPA_PLATFORM": "wayland;offscreen"}, False),
    ],
)
def test_a_session_is_named_by_display_wayland_or_a_platform_that_needs_none(
    env: dict[str, str], missing: bool
) -> None:
    assert no_desktop_session(env) is missing


def test_a_compositor_that_sets_no_variable_is_found_by_its_socket(tmp_path: Path) -> None:
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    assert no_desktop_session(env)
    (tmp_path / "wayland-0").touch()
    assert not no_desktop_session(env)
