"""The .deb (`make deb`), installed, used and removed with apt-get as IT would do it.

Run by `make test-deb`, as root (apt-get installs for the whole machine); anyone else is
skipped with the reason. Plain `pytest` deselects these tests. The package under test is
dist/resilience_<version>_<arch>.deb, built from the PyInstaller bundle.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from resilience_app import __version__
from tests.end2end.desktop import AppProcess, VirtualDesktop
from tests.end2end.wayland import WaylandSession

pytestmark = pytest.mark.deb

ROOT = Path(__file__).resolve().parents[2]
BUILD_DEB = ROOT / "packaging" / "build_deb.py"
APP_ID = "org.resilience.Resilience"
PREFIX = Path("/opt/resilience")
COMMAND = Path("/usr/bin/resilience")
LAUNCHER = Path(f"/usr/share/applications/{APP_ID}.desktop")
METAINFO = Path(f"/usr/share/metainfo/{APP_ID}.metainfo.xml")
START_TIMEOUT = 30.0
APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "DEBCONF_NOWARNINGS": "yes"}


def architecture() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture(scope="module")
def deb() -> Path:
    path = ROOT / "dist" / f"resilience_{__version__}_{architecture()}.deb"
    if not path.is_file():
        pytest.fail(f"no package at {path.relative_to(ROOT)}: run `make deb` first", pytrace=False)
    return path


@pytest.fixture(scope="module")
def as_root() -> None:
    if shutil.which("apt-get") is None:
        pytest.skip("apt-get is not here: this is not a Debian or Ubuntu machine")
    if os.geteuid() != 0:
        pytest.skip("installing a .deb needs root: run `make test-deb` as root (or sudo)")


def apt(*args: str) -> float:
    """Run apt-get; return how long it took."""
    started = time.monotonic()
    result = subprocess.run(
        ["apt-get", "-y", "-q", *args], env=APT_ENV, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return time.monotonic() - started


def installed_version() -> str | None:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${db:Status-Status} ${Version}", "resilience"],
        capture_output=True,
        text=True,
        check=False,
    )
    status, _, version = result.stdout.partition(" ")
    return version if result.returncode == 0 and status == "installed" else None


@pytest.fixture
def clean_machine(as_root: None) -> Iterator[None]:
    """No Resilience package before the test, and none left behind after it."""
    if installed_version() is not None:
        apt("remove", "resilience")
    yield
    if installed_version() is not None:
        apt("remove", "resilience")


@pytest.fixture(scope="module")
def desktop(as_root: None) -> Iterator[VirtualDesktop]:
    with VirtualDesktop() as d:
        yield d


class Rep:
    """A rep's account (a fresh home folder) on the virtual desktop, using the installed
    program the way the launcher does: `resilience` found on PATH."""

    def __init__(self, desktop: VirtualDesktop, home: Path) -> None:
        self.desktop = desktop
        self.home = home
        self.env = {
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "XDG_CONFIG_HOME": str(home / ".config"),
        }
        self.app: AppProcess | None = None

    @property
    def journal(self) -> Path:
        return self.home / ".local" / "share" / "resilience"

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            ["resilience", *args],
            env={**self.desktop.env, **self.env},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert result.returncode == 0, f"{args}: {result.stderr}{result.stdout}"
        assert "Traceback" not in result.stderr, result.stderr
        return result.stdout

    def start(self) -> float:
        """Start the app as the launcher's Exec= line says; seconds to its tray icon."""
        exec_line = next(
            line for line in LAUNCHER.read_text().splitlines() if line.startswith("Exec=")
        )
        started = time.monotonic()
        self.app = self.desktop.spawn(exec_line.removeprefix("Exec=").split(), env=self.env)
        self.desktop.wait_for_tray_icons(1, timeout=START_TIMEOUT)
        took = time.monotonic() - started
        deadline = time.monotonic() + START_TIMEOUT
        while not json.loads(self.cli("status"))["running"]:
            assert time.monotonic() < deadline, "the app never answered `resilience status`"
            time.sleep(0.1)
        return took

    def stop(self) -> None:
        assert self.app is not None
        code = self.app.terminate(timeout=10)
        self.desktop.wait_for_tray_icons(0, timeout=10)
        assert "Traceback" not in self.app.stderr, self.app.stderr
        assert code == 0, self.app.stderr

    def export(self) -> dict[str, Any]:
        """What the journal holds, read by this checkout's code (no package needed)."""
        result = subprocess.run(
            [sys.executable, "-m", "resilience_app", "--data-dir", str(self.journal), "export"],
            capture_output=True,
            text=True,
            check=True,
        )
        exported: dict[str, Any] = json.loads(result.stdout)
        return exported


def control_field(deb: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "--field", str(deb), name], capture_output=True, text=True, check=True
    ).stdout.strip()


def package_names(relation: str) -> set[str]:
    """Every package a Depends-style field names (alternatives included)."""
    return {
        re.sub(r"\s*\(.*?\)", "", alternative).strip().split(":")[0]
        for part in relation.split(",")
        for alternative in part.split("|")
    }


def owning_package(path: str) -> str:
    """The installed package a file comes from (with or without merged /usr)."""
    real = os.path.realpath(path)
    for candidate in dict.fromkeys(
        [path, real, real.removeprefix("/usr"), "/usr" + path.removeprefix("/usr")]
    ):
        found = subprocess.run(["dpkg-query", "-S", candidate], capture_output=True, text=True)
        if found.returncode == 0:
            return found.stdout.partition(":")[0]
    return f"(no package owns {path})"


# -- the package as a file -----------------------------------------------------------------


def test_lintian_finds_nothing_unexplained(deb: Path, tmp_path: Path) -> None:
    lintian = shutil.which("lintian")
    if lintian is None:
        pytest.fail("lintian is missing; `make test-deb` installs it", pytrace=False)
    result = subprocess.run(
        [lintian, "--info", "--fail-on", "error,warning", str(deb)],
        env={**os.environ, "TMPDIR": str(tmp_path)},  # lintian leaves files in its TMPDIR
        capture_output=True,
        text=True,
        check=False,
    )
    tags = [line for line in result.stdout.splitlines() if re.match(r"^[EWI]: ", line)]
    print(f"\nlintian: {len(tags)} tags beyond the overrides" + "".join(f"\n  {t}" for t in tags))
    assert result.returncode == 0, result.stdout + result.stderr
    assert [t for t in tags if t.startswith(("E:", "W:"))] == []


def test_depends_name_every_library_the_bundle_takes_from_the_system(
    deb: Path, tmp_path: Path
) -> None:
    """Independently of dpkg-shlibdeps: every library a file in the package links to is
    either in the bundle or comes from a package named in Depends."""
    depends = package_names(control_field(deb, "Depends"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path)], check=True)
    bundle = tmp_path / PREFIX.relative_to("/")
    carried = {path.name for path in bundle.rglob("*.so*")}
    system = dict(
        re.findall(
            r"^\s+(\S+) \(libc6,x86-64[^)]*\) => (\S+)$",
            subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout,
            re.MULTILINE,
        )
    )
    needed_from: dict[str, set[str]] = {}
    for path in bundle.rglob("*"):
        if path.is_symlink() or not path.is_file() or path.read_bytes()[:4] != b"\x7fELF":
            continue
        dynamic = subprocess.run(
            ["readelf", "-d", str(path)], capture_output=True, text=True
        ).stdout
        for name in re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", dynamic):
            if name not in carried:
                needed_from.setdefault(name, set()).add(path.name)
    assert needed_from, "the bundle needs nothing from the system? (readelf missing?)"
    missing = {}
    for name, users in sorted(needed_from.items()):
        where = system.get(name)
        assert where is not None, f"{name} (needed by {sorted(users)[:3]}) is not on this machine"
        owner = owning_package(where)
        if owner not in depends:
            missing[name] = owner
    assert missing == {}, f"libraries from packages Depends does not name: {missing}"
    # Read at run time by libraries in the bundle (so no linker sees them):
    assert {"xkb-data", "fontconfig-config", "libx11-data"} <= depends
    assert "libnotify-bin" in package_names(control_field(deb, "Recommends"))


def test_contents_follow_debian_and_freedesktop_layouts(deb: Path) -> None:
    listing = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout
    paths = {line.split()[5].removeprefix(".") for line in listing.splitlines()}
    assert f"{COMMAND} -> {PREFIX}/resilience" in listing
    for needed in (
        f"{PREFIX}/resilience",
        str(LAUNCHER),
        str(METAINFO),
        f"/usr/share/icons/hicolor/scalable/apps/{APP_ID}.svg",
        "/usr/share/man/man1/resilience.1.gz",
        "/usr/share/doc/resilience/copyright",
        "/usr/share/doc/resilience/changelog.gz",
        "/usr/share/lintian/overrides/resilience",
    ):
        assert needed in paths, needed
    for size in (16, 22, 24, 32, 48, 64, 128, 256):
        assert f"/usr/share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png" in paths
    assert all(
        p.startswith((f"{PREFIX}/", "/usr/share/", "/usr/bin/")) or p in {"/", "/opt/", "/usr/"}
        for p in paths
    ), sorted(p for p in paths if not p.startswith(("/opt/resilience", "/usr/share")))
    assert f"resilience_{__version__}_{architecture()}.deb" == deb.name
    assert control_field(deb, "Version") == __version__


# -- installed on this machine ----------------------------------------------------------------


def test_install_start_flag_remove_keeps_the_journal(
    deb: Path, clean_machine: None, desktop: VirtualDesktop, tmp_path: Path
) -> None:
    installing = apt("install", str(deb))
    assert installed_version() == __version__
    assert os.path.realpath(COMMAND) == str(PREFIX / "resilience")
    for tool, args in (
        ("desktop-file-validate", [str(LAUNCHER)]),
        ("appstreamcli", ["validate", "--no-net", str(METAINFO)]),
    ):
        checked = subprocess.run([tool, *args], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr

    rep = Rep(desktop, tmp_path / "home")
    assert rep.cli("--version").strip() == f"resilience {__version__}"
    starting = rep.start()
    rep.cli("flag", "--label", "Initech")
    desktop.wait_for_window("take a breath", timeout=10)
    assert json.loads(rep.cli("status"))["phase"] == "break"
    rep.cli("dialed")
    rep.stop()

    removing = apt("remove", "resilience")
    assert installed_version() is None
    for gone in (PREFIX, COMMAND, LAUNCHER, METAINFO):
        assert not gone.exists() and not gone.is_symlink(), gone
    assert shutil.which("resilience") is None
    # The rep's journal is theirs: the package never touches it.
    [incident] = rep.export()["incidents"]
    assert incident["label"] == "Initech"
    assert incident["time_to_next_dial_seconds"] is not None
    size = deb.stat().st_size / 1024 / 1024
    print(
        f"\n.deb {size:.1f} MiB: apt-get install {installing:.1f} s, start to tray icon "
        f"{starting:.1f} s, apt-get remove {removing:.1f} s"
    )


def test_upgrade_while_running_keeps_the_journal_and_settings(
    deb: Path, clean_machine: None, desktop: VirtualDesktop, tmp_path: Path
) -> None:
    # The same bundle under an older version number: what dpkg does on an upgrade (replace
    # every file, keep what is not the package's) does not depend on what changed inside.
    older_version = f"{__version__}~older"
    built = subprocess.run(
        [sys.executable, str(BUILD_DEB), "--package-version", older_version, "--output",
         str(tmp_path), "--compression", "none"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    [older] = tmp_path.glob("resilience_*.deb")
    apt("install", str(older))
    assert installed_version() == older_version

    rep = Rep(desktop, tmp_path / "home")
    rep.start()
    rep.cli("config", "set", "break.minutes", "7")
    rep.cli("config", "set", "app.start_at_login", "true")
    rep.cli("flag", "--label", "Umbrella")
    rep.cli("dialed")
    rep.cli("note", "--positive", "Kept my voice calm", "--lesson", "Ask about budget first")

    apt("install", str(deb))  # the rep's app is still running
    assert installed_version() == __version__
    assert json.loads(rep.cli("status"))["running"]  # the new command reaches the old app
    rep.stop()

    rep.start()  # the new version, on the same journal
    assert rep.cli("config", "get", "break.minutes").strip() == "7"
    [incident] = rep.export()["incidents"]
    assert incident["label"] == "Umbrella"
    assert incident["reflection"]["positives"] == ["Kept my voice calm"]
    autostart = rep.home / ".config" / "autostart" / f"{APP_ID}.desktop"
    exec_line = next(line for line in autostart.read_text().splitlines() if line.startswith("Exec"))
    program = exec_line.removeprefix("Exec=").split()[0]
    assert os.access(program, os.X_OK), f"start at login runs {program}, which is gone"
    rep.stop()


# -- on a minimal Debian: do the dependencies suffice? ------------------------------------------

# The releases the package is for: built where the oldest one's libraries are (its Depends
# and the bundle's libc are that old), it installs and runs on each.
SUITES = ["bookworm", "trixie"]
MIRROR = "http://deb.debian.org/debian"


class MinimalDebian:
    """Debian's minbase (no X, no fonts, no Python) in a folder, where commands run in a
    private mount namespace: /proc, the X sockets and the virtual desktop's folder (its D-Bus,
    Wayland and accessibility sockets) are mounted inside and vanish with the command."""

    def __init__(self, root: Path, desktop: VirtualDesktop) -> None:
        self.root = root
        self.desktop = desktop

    def command(self, *args: str) -> list[str]:
        shared = ["/tmp/.X11-unix", str(self.desktop.tmpdir)]
        script = f"mount -t proc proc {self.root}/proc"
        for path in shared:
            script += f" && mkdir -p {self.root}{path} && mount --bind {path} {self.root}{path}"
        script += f' && exec /usr/sbin/chroot {self.root} "$@"'
        return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *args]

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 600) -> str:
        result = subprocess.run(
            self.command(*args),
            env={**(env or self.desktop.env), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
        return result.stdout

    def spawn(self, *args: str, env: dict[str, str]) -> AppProcess:
        return self.desktop.spawn(
            self.command(*args), env={**env, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
        )


def qt_complaints(app: AppProcess) -> list[str]:
    return [
        line
        for line in app.stderr.splitlines()
        if line.strip() and not line.startswith("resilience:")
    ]


@pytest.mark.parametrize("suite", SUITES)
def test_depends_suffice_on_a_minimal_debian_x11_and_wayland(
    deb: Path, as_root: None, desktop: VirtualDesktop, tmp_path: Path, suite: str
) -> None:
    if shutil.which("debootstrap") is None:
        pytest.fail("debootstrap is missing; `make test-deb` installs it", pytrace=False)
    root = tmp_path / "minbase"
    cache = ROOT / "build" / "debootstrap-cache" / suite
    cache.mkdir(parents=True, exist_ok=True)
    made = subprocess.run(
        ["debootstrap", "--variant=minbase", f"--cache-dir={cache}", suite, str(root), MIRROR],
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    shutil.copy("/etc/resolv.conf", root / "etc" / "resolv.conf")
    shutil.copy(deb, root / "root" / deb.name)
    debian = MinimalDebian(root, desktop)
    apt_env = {**desktop.env, "DEBIAN_FRONTEND": "noninteractive", "DEBCONF_NOWARNINGS": "yes"}
    debian.run("apt-get", "update", "-q", env=apt_env)
    # Depends alone: Recommends (notify-send) is what a rep's desktop has anyway.
    debian.run(
        "apt-get", "install", "-y", "-q", "--no-install-recommends", f"/root/{deb.name}",
        env=apt_env,
    )  # fmt: skip
    data = "/root/journal"

    # No desktop session at all (a terminal on a server): one sentence, not Qt's abort.
    bare = {k: v for k, v in desktop.env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    started = subprocess.run(
        debian.command("/usr/bin/resilience", "--data-dir", data),
        env={**bare, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "XDG_RUNTIME_DIR": "/nonexistent"},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert started.returncode == 1, started.stdout + started.stderr
    assert started.stderr.startswith("resilience: no desktop session found"), started.stderr

    # X11: Qt's xcb plugin loads, the icon docks in the tray, the break window opens.
    app = debian.spawn("/usr/bin/resilience", "--data-dir", data, env=desktop.env)
    try:
        desktop.wait_for_tray_icons(1, timeout=START_TIMEOUT)
        debian.run("/usr/bin/resilience", "--data-dir", data, "flag", "--label", "Minimal")
        desktop.wait_for_window("take a breath", timeout=10)
    finally:
        app.terminate(timeout=10)
    assert qt_complaints(app) == [], app.stderr

    # Wayland: the wayland plugin loads (no tray host here: the small window opens).
    wayland = WaylandSession(desktop).start()
    app = debian.spawn("/usr/bin/resilience", "--data-dir", f"{data}-wl", env=wayland.env)
    try:
        wayland.wait_for_window("Resilience", "Resilience", timeout=START_TIMEOUT)
        debian.run("/usr/bin/resilience", "--data-dir", f"{data}-wl", "flag", env=wayland.env)
        wayland.wait_for_window("Resilience", "take a breath", timeout=10)
    finally:
        app.terminate(timeout=10)
    assert qt_complaints(app) == [], app.stderr
