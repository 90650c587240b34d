"""Windows on a small screen at twice the text size: each fits the screen, its buttons stay
in reach, and no text is drawn over the breathing guide or another part. Each case opens
the window in its own process, on a real offscreen screen of the given size (the screen's
size, like QT_SCALE_FACTOR, is fixed when Qt starts), through tests/widgets/fit_probe.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# Qt's offscreen plugin takes a screen file on Linux; the Windows build under Wine crashes
# on it (0xC0000409). Layout is the same code on every platform.
pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="the offscreen screen file is tried on Linux"
)

ROOT = Path(__file__).resolve().parents[2]
SCREENS = [(800, 600), (1280, 800)]


def probe(
    tmp_path: Path,
    which: str,
    screen: tuple[int, int],
    scale: float,
    language: str = "en",
    **env: str,
) -> dict[str, Any]:
    config = screen_config(tmp_path, *screen)
    run_env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.widgets.fit_probe", which, str(scale), language],
        cwd=ROOT,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def inside(inner: list[int], outer: list[int]) -> bool:
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


def intersect(a: list[int], b: list[int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def screen_config(tmp_path: Path, width: int, height: int) -> Path:
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {
                        "name": "screen",
                        "x": 0,
                        "y": 0,
                        "width": width,
                        "height": height,
                        "logicalDpi": 96,
                        "logicalBaseDpi": 96,
                        "dpr": 1,
                    }
                ]
            }
        )
    )
    return config


def test_every_window_at_twice_the_text_fits_a_low_screen(tmp_path: Path) -> None:
    """The every-window check of test_accessibility.py (frame within the screen, nothing
    clipped, nothing drawn over anything else) on an 800x600 screen."""
    config = screen_config(tmp_path, 800, 600)
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/widgets/test_accessibility.py::test_text_at_twice_the_size_is_never_clipped[200%]",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_break_at_twice_the_text_fits_the_screen_and_keeps_its_text_off_the_guide(
    tmp_path: Path, screen: tuple[int, int]
) -> None:
    seen = probe(tmp_path, "break", screen, 2.0)
    assert inside(seen["frame"], seen["screen"]), seen
    window = [0, 0, *seen["size"]]
    for name in ("more", "end"):  # "+1 minute" and "End break", whole and not scrolled away
        assert inside(seen["buttons"][name]["rect"], window), (name, seen)
        assert seen["buttons"][name]["seen"], (name, seen)
    assert not intersect(seen["cue"], seen["circle"]), seen  # "Breathe in · 2"
    assert not intersect(seen["countdown"], seen["circle"]), seen  # "2:58 left"
    assert seen["guide_text_seen"] == [True, True], seen  # without scrolling to them
    assert seen["overlaps"] == [], seen


@pytest.mark.parametrize("pattern", ["box", "pmr"])  # pmr: a line of detail under the cue
def test_the_break_fits_a_screen_scaled_twice(tmp_path: Path, pattern: str) -> None:
    seen = probe(tmp_path, f"break:{pattern}", (1280, 800), 1.0, QT_SCALE_FACTOR="2")
    assert inside(seen["frame"], seen["screen"]), seen
    for name in ("more", "end"):
        assert seen["buttons"][name]["seen"], (name, seen)
    assert seen["guide_text_seen"] == [True, True], seen
    assert seen["overlaps"] == [], seen


def test_the_note_at_its_first_size_does_not_scroll_and_shows_its_hints_whole(
    tmp_path: Path,
) -> None:
    seen = probe(tmp_path, "note", (1280, 800), 1.0)
    assert not seen["scrolls"], seen
    assert inside(seen["frame"], seen["screen"]), seen
    assert seen["positives_viewport"] >= 3 * seen["line"], seen  # three lines at least
    assert seen["positives_viewport"] >= seen["positives_needed"], seen  # "One per line" too
    assert seen["overlaps"] == [], seen


@pytest.mark.parametrize("language", ["de", "fr", "pt_BR"])
def test_the_note_s_hints_fit_their_fields_in_long_languages(tmp_path: Path, language: str) -> None:
    seen = probe(tmp_path, "note", (1280, 800), 1.0, language)
    for name, hint in seen["hints"].items():
        assert hint["width"] <= hint["room"], (name, hint)
    assert seen["positives_viewport"] >= seen["positives_needed"], seen
    assert not seen["scrolls"], seen
