"""What installers ship: a valid launcher and metainfo, icons, and a wheel with resources."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="Linux packaging (launcher, AppStream, XDG, wheel)"
)
ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing; `make test` installs it (scripts/system-deps.sh test)")
    return found


def test_desktop_file_validates() -> None:
    result = subprocess.run(
        [tool("desktop-file-validate"), str(LINUX / "org.resilience.Resilience.desktop")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "error" not in result.stdout, result.stdout


# Warnings a software centre shows the metainfo with anyway, each for a reason of ours.
# AppStream 1.0 (Debian 13) warns of them where 0.16 (Debian 12) did not.
ACCEPTED_METAINFO_WARNINGS = {
    # The project has no public website yet; a URL that leads nowhere would be worse than
    # none (software centres then show no "Website" link).
    "url-homepage-missing",
}


def test_metainfo_validates() -> None:
    """No errors, and no warnings but the accepted ones, in any AppStream version."""
    result = subprocess.run(
        [
            tool("appstreamcli"),
            "validate",
            "--no-net",
            str(LINUX / "org.resilience.Resilience.metainfo.xml"),
        ],
        capture_output=True,
        text=True,
    )
    issues = re.findall(r"^([EW]): [^:]+:[^:]*: ([a-z0-9-]+)", result.stdout, re.MULTILINE)
    unexpected = [
        f"{kind}: {tag}"
        for kind, tag in issues
        if kind == "E" or tag not in ACCEPTED_METAINFO_WARNINGS
    ]
    assert unexpected == [], result.stdout + result.stderr
    # A failing exit is only ever the accepted warnings, never something the parse missed.
    assert result.returncode == 0 or issues, result.stdout + result.stderr


def test_icons_exist_at_every_size_for_the_app_and_each_phase() -> None:
    icons = ROOT / "packaging" / "icons"
    for size in (16, 22, 24, 32, 48, 64, 128, 256):
        assert (
            icons / "hicolor" / f"{size}x{size}" / "apps" / "org.resilience.Resilience.png"
        ).is_file()
        for name in ("calm", "break", "waiting"):
            png = icons / "png" / f"{name}-{size}.png"
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (icons / "resilience.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (icons / "resilience.icns").read_bytes()[:4] == b"icns"


def test_the_wheel_carries_the_resources_and_both_entry_points(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            # The locked setuptools and wheel in this venv build it, as setup-venv.sh does,
            # not whatever release a build environment would fetch today.
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("resilience-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(
            archive.read(n).decode() for n in names if n.endswith("entry_points.txt")
        )
    for needed in (
        "resilience_app/resources/__init__.py",
        "resilience_app/resources/icons/calm.svg",
        "resilience_app/resources/icons/waiting.svg",
        "resilience_app/resources/sounds/chime.wav",
        "resilience_app/ui/insights_window.py",
    ):
        assert needed in names
    # pyproject lists the packages by hand: a new subpackage left off it installs nowhere.
    for module in (ROOT / "resilience_app").rglob("*.py"):
        if "__pycache__" not in module.parts:
            assert module.relative_to(ROOT).as_posix() in names, f"{module} is not in the wheel"
    assert "resilience = resilience_app.cli:main" in entry_points
    assert "resilience-gui = resilience_app.cli:gui_main" in entry_points


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    from resilience_app import __version__
    from resilience_app.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out == f"resilience {__version__}\n"


def test_desktop_integration_installs_and_removes_for_the_user(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "share"), "PATH": "/usr/bin:/bin"}
    script = ROOT / "scripts" / "desktop-integration.sh"
    subprocess.run(
        [str(script), "install", "/opt/res/bin/resilience"],
        env=env,
        check=True,
        capture_output=True,
    )
    launcher = tmp_path / "share" / "applications" / "org.resilience.Resilience.desktop"
    assert "Exec=/opt/res/bin/resilience\n" in launcher.read_text(encoding="utf-8")
    assert (
        tmp_path
        / "share"
        / "icons"
        / "hicolor"
        / "48x48"
        / "apps"
        / "org.resilience.Resilience.png"
    ).is_file()
    check = subprocess.run(
        [tool("desktop-file-validate"), str(launcher)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout
    journal = tmp_path / ".local" / "share" / "resilience" / "journal"
    journal.mkdir(parents=True)
    (journal / "2026-11.json").write_text("{}", encoding="utf-8")
    done = subprocess.run(
        [str(script), "remove"], env=env, check=True, capture_output=True, text=True
    )
    assert not launcher.exists() and "journal is still in place" in done.stdout
    assert (journal / "2026-11.json").read_text(encoding="utf-8") == "{}"  # the rep's data stays


def test_every_lintian_override_says_why() -> None:
    """packaging/deb/lintian-overrides: each override follows a comment giving its reason."""
    lines = (ROOT / "packaging" / "deb" / "lintian-overrides").read_text().splitlines()
    overrides = [i for i, line in enumerate(lines) if line.startswith("resilience: ")]
    assert overrides, "no overrides at all? then delete the file and its mention in build_deb.py"
    for index in overrides:
        above = index - 1
        while above >= 0 and lines[above].startswith("resilience: "):
            above -= 1  # several tags may share one reason
        assert above >= 0 and lines[above].startswith("# "), f"no reason above: {lines[index]}"
