"""`make install` and `make uninstall` as a rep runs them: Debian's own python3, a fresh
home folder, ~/.local/bin not yet on PATH.

Run by `make test-package` (they download Qt into a new virtualenv, so plain `pytest`
deselects them). Each way is tried: the app's private virtualenv, and pipx when it is
installed (`make test-package` installs it). Either way every library is the version
requirements/app.txt pins.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from resilience_app import __version__
from tests.locks import environment, pinned, read_lock

pytestmark = pytest.mark.package

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "scripts" / "install.sh"
# A login's PATH on Debian before ~/.local/bin exists: the distribution's python3 and
# pipx, not a developer's pyenv or virtualenv.
LOGIN_PATH = "/usr/local/bin:/usr/bin:/bin"
APP_ID = "org.resilience.Resilience"


def files_under(home: Path) -> set[str]:
    return {str(p.relative_to(home)) for p in home.rglob("*")}


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    """A new account's home, with Debian's ~/.profile (which adds ~/.local/bin at login)."""
    home = tmp_path / "home"
    home.mkdir()
    skel = Path("/etc/skel/.profile")
    if skel.is_file():
        shutil.copy(skel, home / ".profile")
    yield home


def login_environment(home: Path, installer: str) -> dict[str, str]:
    env = {
        "HOME": str(home),
        "PATH": LOGIN_PATH,
        "LANG": "C.UTF-8",
        "INSTALLER": installer,
        # Qt comes from the machine's pip cache, not a new 250 MB download per test.
        "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")),
    }
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CERT"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def run(args: list[str], env: dict[str, str], timeout: float = 900) -> str:
    result = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Traceback" not in output, output
    return output


# What the installed command's Python holds, and which Python it is.
LIST_INSTALLED = """
import importlib.metadata, json, platform
print(json.dumps({"python": platform.python_version(), "installed": sorted(
    [d.metadata["Name"], d.version] for d in importlib.metadata.distributions())}))
"""


def assert_installed_as_locked(command: Path, env: dict[str, str]) -> None:
    shebang = command.resolve().read_text().splitlines()[0]
    python = shebang.removeprefix("#!").strip()
    found = json.loads(run([python, "-c", LIST_INSTALLED], env))
    pins = pinned(read_lock("app.txt"), environment("linux", found["python"]))
    lock = {name: pin.version for name, [pin] in pins.items()}
    installed = {canonicalize_name(name): version for name, version in found["installed"]}
    assert installed.pop("resilience") == __version__
    assert {name: lock.get(name) for name in installed} == installed
    # Everything the app needs is there (pipx keeps pip, setuptools and wheel apart).
    assert set(lock) - set(installed) <= {"pip", "setuptools", "wheel"}


def require(tool: str) -> None:
    if shutil.which(tool, path=LOGIN_PATH) is None:
        pytest.fail(f"{tool} is missing; `make test-package` installs it", pytrace=False)


# "pipx-used": pipx had its home already (another app, say), which uninstall must keep.
@pytest.mark.parametrize("installer", ["venv", "pipx", "pipx-used"])
def test_install_then_uninstall_leaves_only_the_journal(home: Path, installer: str) -> None:
    require("python3")
    if installer.startswith("pipx"):
        require("pipx")
    env = login_environment(home, installer.removesuffix("-used"))
    if installer == "pipx-used":
        # Asked in another home: any pipx command makes its log folder.
        probe = home.parent / "probe"
        asked = run(["pipx", "environment", "--value", "PIPX_HOME"], {**env, "HOME": str(probe)})
        pipx_home = home / Path(asked.strip()).relative_to(probe)
        pipx_home.mkdir(parents=True)
        (pipx_home / "theirs").write_text("not Resilience's\n")
    before = files_under(home)

    said = run([str(INSTALL), "install"], env)
    # What a rep must not see: the errors of the old recipe, or setuptools' notice.
    for alarming in ("externally-managed-environment", "Editable installation", "be careful"):
        assert alarming not in said
    # ~/.local/bin is not on this PATH: the rep is told, with the fix.
    assert "~/.local/bin is not on your PATH" in said
    assert 'export PATH="$HOME/.local/bin:$PATH"' in said
    assert "log out and back in" in said

    command = home / ".local" / "bin" / "resilience"
    assert run([str(command), "--version"], env).strip() == f"resilience {__version__}"
    assert_installed_as_locked(command, env)
    launcher = home / ".local" / "share" / "applications" / f"{APP_ID}.desktop"
    execs = [line for line in launcher.read_text().splitlines() if line.startswith("Exec=")]
    assert len(execs) == 4  # the app and its three quick actions
    for line in execs:
        program = Path(line.removeprefix("Exec=").split()[0])
        assert program.is_absolute() and os.access(program, os.X_OK), line
    assert (home / ".local" / "share" / "icons" / "hicolor" / "48x48" / "apps").is_dir()

    # The rep uses it: a positive in the journal, a setting changed.
    run([str(command), "positive", "add", "Got past the gatekeeper at Acme"], env)
    run([str(command), "config", "set", "break.minutes", "4"], env)
    journal = home / ".local" / "share" / "resilience"
    kept = {str(p.relative_to(home)) for p in journal.rglob("*")} | {
        ".local",
        ".local/share",
        ".local/share/resilience",
    }

    said = run([str(INSTALL), "uninstall"], env)
    assert "Your journal is still in ~/.local/share/resilience" in said
    assert not command.exists() and not launcher.exists()
    # pipx's home, logs, shared pip and cache go too when install made them (a pipx home
    # that was there before stays, with what it held).
    assert files_under(home) - before == kept - before

    # Still there, and still readable.
    data = [sys.executable, "-m", "resilience_app", "--data-dir", str(journal)]
    exported = json.loads(run([*data, "export"], env))
    assert [p["text"] for p in exported["positives"]] == ["Got past the gatekeeper at Acme"]
    assert run([*data, "config", "get", "break.minutes"], env).strip() == "4"
