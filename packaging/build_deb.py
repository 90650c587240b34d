"""Build dist/resilience_<version>_<arch>.deb from the standalone bundle (`make deb`).

    python packaging/build_deb.py                       # after `make package`
    python packaging/build_deb.py --package-version 0.0.9~old   # e.g. to test upgrades

The package installs the PyInstaller folder (dist/Resilience) as /opt/resilience, with
/usr/bin/resilience, the launcher, the hicolor icons, the AppStream metainfo, a manual
page, the copyright and changelog Debian asks for, and lintian overrides that say why each
remaining tag is expected. Depends lists what the bundle takes from the system: the
libraries dpkg-shlibdeps finds its files linked against (and not carried in the bundle:
libc, libxcb, GL/EGL, the Wayland client libraries), plus the data files the bundled
libraries read (xkb-data, fontconfig-config, libx11-data).

Debian tools used: dpkg-deb, dpkg-shlibdeps (dpkg-dev), readelf and strip (binutils), and
patchelf (to drop build-machine folders from library search paths).
"""

from __future__ import annotations

import argparse
import email.utils
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime, time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
BUNDLE = DIST / "Resilience"
LINUX = ROOT / "packaging" / "linux"
ICONS = ROOT / "packaging" / "icons" / "hicolor"
OVERRIDES = ROOT / "packaging" / "deb" / "lintian-overrides"
APP_ID = "org.resilience.Resilience"
PACKAGE = "resilience"
PREFIX = Path("opt") / PACKAGE
MAINTAINER = "The Resilience developers <dev@resilience.invalid>"

# Read by the bundled libraries at run time, so dpkg-shlibdeps cannot see them: the keyboard
# maps (libxkbcommon), the font configuration and with it a font (libfontconfig), and X11's
# compose tables (libX11, libxkbcommon).
DATA_DEPENDS = ["xkb-data", "fontconfig-config", "libx11-data"]
# Nudges reach the desktop through notify-send; without it they fall back to tray messages.
# libpulse0 lets the app notice calls (the microphone in use); it is loaded at run time, so
# dpkg-shlibdeps cannot see it, and without it the app says calls are not noticed.
RECOMMENDS = ["libnotify-bin", "libpulse0"]
# The end-of-break chime plays through the first player found (it is off by default).
SUGGESTS = ["pulseaudio-utils | pipewire-bin | alsa-utils"]
# dpkg-shlibdeps' notes about bundled files that say nothing about dependencies: Python
# extension modules refer to libpython symbols they get from the executable, and some
# libraries were linked to more than they use.
SHLIBDEPS_NOISE = re.compile(
    r"binaries to analyze should already be installed"
    r"|unresolvable reference to symbol"
    r"|could avoid a useless dependency"
    r"|other similar warnings have been skipped"
)


class BuildError(Exception):
    """Something a person can fix; the message says what."""


def say(message: str) -> None:
    print(f"build_deb: {message}", flush=True)


def run(args: list[str], env: dict[str, str] | None = None) -> str:
    try:
        result = subprocess.run(args, capture_output=True, text=True, check=False, env=env)
    except FileNotFoundError as exc:
        raise BuildError(f"{args[0]} is missing; `make deb` installs it") from exc
    if result.returncode != 0:
        raise BuildError(f"{' '.join(args[:2])} failed:\n{result.stderr}{result.stdout}")
    return result.stdout


# -- what the package says about itself --------------------------------------------------


@dataclass
class About:
    """The words and dates the metainfo already holds, reused for control and changelog."""

    summary: str
    paragraphs: list[str]
    releases: list[tuple[str, str, str]]  # version, date, notes


def about() -> About:
    tree = ET.parse(LINUX / f"{APP_ID}.metainfo.xml").getroot()
    summary = (tree.findtext("summary") or "").strip()
    paragraphs: list[str] = []
    description = tree.find("description")
    for element in description if description is not None else []:
        if element.tag == "p":
            paragraphs.append(" ".join("".join(element.itertext()).split()))
        elif element.tag == "ul":
            items = [" ".join("".join(li.itertext()).split()) for li in element]
            paragraphs.append("\n".join(f" - {item}" for item in items))
    releases = []
    for release in tree.iterfind("releases/release"):
        text = release.find("description")
        notes = " ".join("".join(text.itertext()).split()) if text is not None else ""
        releases.append((release.get("version", ""), release.get("date", ""), notes))
    return About(summary, paragraphs, releases)


def description(info: About) -> str:
    """Debian's Description: a synopsis line, then the long text indented by one space."""
    synopsis = info.summary[0].lower() + info.summary[1:]
    lines = [synopsis]
    paragraphs = [
        *info.paragraphs,
        "This package is the standalone build, with its own Python and Qt, installed in "
        f"/{PREFIX}.",
    ]
    for index, paragraph in enumerate(paragraphs):
        if index:
            lines.append(" .")
        for line in paragraph.splitlines():
            # A list item starts with a space: shown as written, so wrap it by hand.
            hanging = "   " if line.startswith(" - ") else ""
            wrapped = textwrap.wrap(line, 72, initial_indent=hanging[:1], subsequent_indent=hanging)
            lines.extend(f" {part}" for part in wrapped)
    return "\n".join(lines)


def changelog(info: About, version: str) -> str:
    """A native package's changelog, from the metainfo's releases (newest first)."""
    entries = list(info.releases)
    if version not in {v for v, _, _ in entries}:
        newest = entries[0][1] if entries else "1970-01-01"
        entries.insert(0, (version, newest, f"Package {version} of the standalone build."))
    blocks = []
    for release_version, day, notes in entries:
        when = datetime.combine(datetime.fromisoformat(day).date(), time(12), UTC)
        body = textwrap.fill(notes, 76, initial_indent="  * ", subsequent_indent="    ")
        blocks.append(
            f"{PACKAGE} ({release_version}) stable; urgency=medium\n\n{body}\n\n"
            f" -- {MAINTAINER}  {email.utils.format_datetime(when)}\n"
        )
    return "\n".join(blocks)


def manual_page(info: About, version: str, help_text: str, day: str) -> str:
    """resilience(1) from the program's own --help, so the page lists every command."""

    def roff(text: str) -> str:
        text = text.replace("\\", "\\e").replace("-", "\\-")
        return re.sub(r"^([.'])", r"\\&\1", text, flags=re.MULTILINE)

    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for line in help_text.splitlines():
        heading = re.match(r"^(\S.*):$", line)
        if heading:
            current = sections.setdefault(heading.group(1), [])
            continue
        entry = re.match(r"^ {2,6}(\S.*?)(?: {2,}(\S.*))?$", line)
        if current is None or entry is None:
            continue
        name, text = entry.group(1), entry.group(2) or ""
        continued = current and len(line) - len(line.lstrip()) > 8 and not text
        if continued:
            current[-1] = (current[-1][0], f"{current[-1][1]} {name}".strip())
        elif name != "COMMAND":
            current.append((name, text))
    page = [
        f'.TH RESILIENCE 1 "{day}" "resilience {version}" "User Commands"',
        ".SH NAME",
        f"resilience \\- {roff(info.summary[0].lower() + info.summary[1:])}",
        ".SH SYNOPSIS",
        ".B resilience",
        "[\\fB\\-\\-data\\-dir\\fR \\fIDIR\\fR] [\\fICOMMAND\\fR [\\fIOPTIONS\\fR]]",
        ".SH DESCRIPTION",
        roff(info.paragraphs[0]) if info.paragraphs else "",
        ".PP",
        "Without a command, \\fBresilience\\fR starts the tray app (a second start hands over to "
        "the running one). Each command below has its own \\fB\\-\\-help\\fR.",
    ]
    for title, section in (("COMMANDS", "positional arguments"), ("OPTIONS", "options")):
        if sections.get(section):
            page.append(f".SH {title}")
            for name, text in sections[section]:
                page += [".TP", f"\\fB{roff(name)}\\fR", roff(text)]
    page += [
        ".SH FILES",
        ".TP",
        "\\fI~/.local/share/resilience\\fR",
        "The journal and settings, readable by you alone (or \\fB\\-\\-data\\-dir\\fR). "
        "Removing the package leaves them.",
        ".SH SEE ALSO",
        "The README of the project, and \\fBresilience \\fICOMMAND\\fB \\-\\-help\\fR.",
    ]
    return "\n".join(page) + "\n"


def copyright_file(bundled: dict[str, list[str]], version: str, year: str) -> str:
    """Who made what is in the package, and under which licence (a free-form file)."""
    python_packages = []
    for name in ("APScheduler", "tinydb", "plyer", "platformdirs", "tzlocal"):
        try:
            meta = metadata.metadata(name)
        except metadata.PackageNotFoundError:
            continue
        found = meta.get_all("License-Expression") or meta.get_all("License") or ["see PyPI"]
        licence = str(found[0])
        if len(licence) > 40:  # some packages put the whole licence text here
            licence = "MIT" if "MIT" in licence or "Permission is hereby" in licence else "other"
        python_packages.append(f"   {name} {meta['Version']}: {licence}")
    debian = [f"   {package}: {', '.join(files)}" for package, files in sorted(bundled.items())]
    return "\n".join(
        [
            f"Resilience {version}",
            "",
            f"Copyright (c) {year} the Resilience authors",
            "License: MIT",
            "",
            textwrap.indent(MIT_TEXT, " "),
            "",
            f"/{PREFIX} is a standalone build made with PyInstaller. It carries:",
            "",
            " - Python 3 (Python Software Foundation License 2.0), with its standard library;",
            " - Qt 6 and Qt for Python (PySide6, shiboken6), (c) The Qt Company Ltd. and",
            "   contributors, under the GNU LGPL version 3 (see /usr/share/common-licenses/LGPL-3",
            "   and GPL-3); their sources are at https://download.qt.io;",
            " - the PyInstaller bootloader, GNU GPL version 2 or later with the PyInstaller",
            "   bootloader exception (see /usr/share/common-licenses/GPL-2);",
            " - these Python packages:",
            *python_packages,
            " - libraries copied from these Debian packages of the machine that built it",
            "   (each one's licence is in /usr/share/doc/PACKAGE/copyright of that package):",
            *debian,
            "",
        ]
    )


MIT_TEXT = """Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the "Software"), to deal in the Software
without restriction, including without limitation the rights to use, copy, modify, merge,
publish, distribute, sublicense, and/or sell copies of the Software, and to permit persons
to whom the Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE
FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
DEALINGS IN THE SOFTWARE."""


# -- the files ---------------------------------------------------------------------------


def is_elf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(4) == b"\x7fELF"


def soname(path: Path) -> str | None:
    match = re.search(r"\(SONAME\)\s+Library soname: \[(.+?)\]", run(["readelf", "-d", str(path)]))
    return match.group(1) if match else None


def stage_bundle(tree: Path) -> list[Path]:
    """Copy the bundle to /opt/resilience with Debian's modes; strip its shared libraries.
    Returns the ELF files."""
    target = tree / PREFIX
    shutil.copytree(BUNDLE, target, symlinks=True)
    elves = []
    for path in sorted(target.rglob("*")):
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
            continue
        elf = is_elf(path)
        if elf:
            elves.append(path)
        executable = path == target / PACKAGE
        path.chmod(0o755 if executable else 0o644)
        # Like dh_strip: debugging symbols are no use to a rep. (Not the executable:
        # PyInstaller keeps the app's archive appended to it.)
        if elf and not executable:
            strip = ["strip", "--remove-section=.comment", "--remove-section=.note"]
            run([*strip, "--strip-unneeded", str(path)])
            drop_foreign_search_paths(path)
    return elves


def drop_foreign_search_paths(path: Path) -> None:
    """Keep only the bundle-relative ($ORIGIN) entries of a library's RUNPATH. A Python built
    by pyenv, say, points its modules at /root/.pyenv/...: a folder of the build machine,
    which the rep's machine does not have (or worse, someone else could create)."""
    dynamic = run(["readelf", "-d", str(path)])
    match = re.search(r"\((?:RUNPATH|RPATH)\)\s+Library r(?:un)?path: \[(.*?)\]", dynamic)
    if match is None:
        return
    entries = match.group(1).split(":")
    kept = [entry for entry in entries if entry.startswith("$ORIGIN")]
    if kept == entries:
        return
    if kept:
        run(["patchelf", "--set-rpath", ":".join(kept), str(path)])
    else:
        run(["patchelf", "--remove-rpath", str(path)])


def bundled_debian_packages(elves: list[Path]) -> dict[str, list[str]]:
    """Which Debian package (on this machine) each bundled library was copied from."""
    found: dict[str, list[str]] = {}
    for path in elves:
        if ".so" not in path.name or "PySide6" in path.parts or "shiboken6" in path.parts:
            continue
        name = path.name
        owner = subprocess.run(
            ["dpkg-query", "-S", f"*/{name}"], capture_output=True, text=True, check=False
        ).stdout
        for line in owner.splitlines():
            package, _, where = line.partition(": ")
            if where.startswith(("/lib/", "/usr/lib/")) and where.endswith(f"/{name}"):
                found.setdefault(package.split(":")[0], []).append(name)
                break
    return found


def shared_library_depends(work: Path, tree: Path, elves: list[Path]) -> str:
    """dpkg-shlibdeps over every ELF file. The bundle's own libraries are declared in a
    temporary shlibs file as this package's, so only what the system must provide remains."""
    lines = set()
    for path in elves:
        name = soname(path)
        if name is None:
            continue
        match = re.match(r"^(.*)\.so\.(.+)$", name) or re.match(r"^(.*?)-?([\d.]+)\.so$", name)
        if match:
            lines.add(f"{match.group(1)} {match.group(2)} {PACKAGE}")
    control = tree / "DEBIAN"
    (control / "shlibs").write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
    (work / "debian" / "control").write_text(
        f"Source: {PACKAGE}\n\nPackage: {PACKAGE}\nArchitecture: any\n", encoding="utf-8"
    )
    internal = tree / PREFIX / "_internal"
    result = subprocess.run(
        ["dpkg-shlibdeps", "-O", f"-x{PACKAGE}", f"-l{internal}"]
        + [str(path.relative_to(work)) for path in elves],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    (control / "shlibs").unlink()
    notes = [line for line in result.stderr.splitlines() if not SHLIBDEPS_NOISE.search(line)]
    if result.returncode != 0:
        raise BuildError("dpkg-shlibdeps failed:\n" + "\n".join(notes))
    for note in notes:
        print(note, file=sys.stderr)
    match = re.search(r"^shlibs:Depends=(.*)$", result.stdout, re.MULTILINE)
    if match is None:
        raise BuildError(f"dpkg-shlibdeps printed no dependencies:\n{result.stdout}")
    return match.group(1)


def put(source: Path | bytes | str, target: Path, mode: int = 0o644) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, Path):
        shutil.copyfile(source, target)
    else:
        target.write_bytes(source.encode() if isinstance(source, str) else source)
    target.chmod(mode)


def gzipped(text: str) -> bytes:
    # mtime 0 and no file name: the same text always gives the same bytes (lintian checks).
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def stage_desktop_files(tree: Path, info: About, version: str) -> None:
    share = tree / "usr" / "share"
    put(LINUX / f"{APP_ID}.desktop", share / "applications" / f"{APP_ID}.desktop")
    put(LINUX / f"{APP_ID}.metainfo.xml", share / "metainfo" / f"{APP_ID}.metainfo.xml")
    for icon in sorted(ICONS.rglob(f"{APP_ID}.*")):
        put(icon, share / "icons" / "hicolor" / icon.relative_to(ICONS))
    help_text = run([str(tree / PREFIX / PACKAGE), "--help"], env={**os.environ, "COLUMNS": "80"})
    day = info.releases[0][1] if info.releases else "1970-01-01"
    put(
        gzipped(manual_page(info, version, help_text, day)),
        share / "man" / "man1" / "resilience.1.gz",
    )
    put(gzipped(changelog(info, version)), share / "doc" / PACKAGE / "changelog.gz")
    put(OVERRIDES, share / "lintian" / "overrides" / PACKAGE)
    # Between two top-level folders, Debian wants an absolute link.
    (tree / "usr" / "bin").mkdir(parents=True, exist_ok=True)
    (tree / "usr" / "bin" / PACKAGE).symlink_to(f"/{PREFIX}/{PACKAGE}")


def installed_size_kib(tree: Path) -> int:
    total = 0
    for path in tree.rglob("*"):
        if "DEBIAN" in path.relative_to(tree).parts:
            continue
        total += 1 if path.is_symlink() or path.is_dir() else (path.stat().st_size + 1023) // 1024
    return total


def write_control(tree: Path, info: About, version: str, arch: str, depends: str) -> None:
    fields = {
        "Package": PACKAGE,
        "Version": version,
        "Architecture": arch,
        "Maintainer": MAINTAINER,
        "Installed-Size": str(installed_size_kib(tree)),
        "Depends": ", ".join([depends, *DATA_DEPENDS]),
        "Recommends": ", ".join(RECOMMENDS),
        "Suggests": ", ".join(SUGGESTS),
        "Section": "utils",
        "Priority": "optional",
        "Description": description(info),
    }
    text = "".join(f"{key}: {value}\n" for key, value in fields.items())
    put(text, tree / "DEBIAN" / "control")
    sums = []
    for path in sorted(tree.rglob("*")):
        relative = path.relative_to(tree)
        if path.is_file() and not path.is_symlink() and relative.parts[0] != "DEBIAN":
            sums.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {relative}\n")
    put("".join(sums), tree / "DEBIAN" / "md5sums")


def build(version: str | None, output: Path, compression: str = "xz") -> Path:
    if not (BUNDLE / PACKAGE).is_file():
        raise BuildError(f"no bundle at {BUNDLE.relative_to(ROOT)}: run `make package` first")
    from resilience_app import __version__

    version = version or __version__
    if not re.fullmatch(r"[0-9][A-Za-z0-9.+~]*", version):
        raise BuildError(f"'{version}' is not a Debian version for a native package")
    arch = run(["dpkg", "--print-architecture"]).strip()
    info = about()
    if __version__ not in {v for v, _, _ in info.releases}:
        raise BuildError(
            f"packaging/linux/{APP_ID}.metainfo.xml has no <release> for {__version__}; "
            "add one (it becomes the package's changelog)"
        )
    (ROOT / "build").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="deb-", dir=ROOT / "build") as scratch:
        work = Path(scratch)
        tree = work / "debian" / PACKAGE
        (tree / "DEBIAN").mkdir(parents=True)
        tree.chmod(0o755)
        say(f"staging {BUNDLE.relative_to(ROOT)} as /{PREFIX}")
        elves = stage_bundle(tree)
        stage_desktop_files(tree, info, version)
        year = (info.releases[0][1] if info.releases else "1970")[:4]
        notice = copyright_file(bundled_debian_packages(elves), version, year)
        put(notice, tree / "usr" / "share" / "doc" / PACKAGE / "copyright")
        say("finding the system libraries it needs (dpkg-shlibdeps)")
        depends = shared_library_depends(work, tree, elves)
        write_control(tree, info, version, arch, depends)
        for path in tree.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        output.mkdir(parents=True, exist_ok=True)
        deb = output / f"{PACKAGE}_{version}_{arch}.deb"
        slow = " (a minute or two)" if compression == "xz" else ""
        say(f"building {deb.name} with {compression} compression{slow}")
        run(["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(tree), str(deb)])
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package-version", help="the package's version (default: the app's own)")
    parser.add_argument("--output", type=Path, default=DIST, help="folder for the .deb")
    parser.add_argument(
        "--compression",
        choices=["xz", "gzip", "zstd", "none"],
        default="xz",
        help="xz (the default) is the smallest; the tests use none, which is fastest",
    )
    args = parser.parse_args(argv)
    try:
        deb = build(args.package_version, args.output, args.compression)
    except BuildError as exc:
        print(f"build_deb: {exc}", file=sys.stderr)
        return 1
    size = deb.stat().st_size / 1024 / 1024
    say(f"{deb} ({size:.1f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
