"""Render the SVG icons to the PNG, ICO and ICNS files desktops and installers ask for.

`make icons` writes, from resources/icons/*.svg:
- packaging/icons/png/NAME-SIZE.png for the app and each tray phase, 16 to 256 px;
- packaging/icons/hicolor/SIZExSIZE/apps/org.resilience.Resilience.png (Linux icon theme);
- packaging/icons/resilience.ico (Windows) and packaging/icons/resilience.icns (macOS),
  both simply containers of PNG images, written here without extra libraries;
- resources/icons/NAME-SIZE.png, which the running app loads (the SVGs stay the source).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

APP_ID = "org.resilience.Resilience"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
RUNTIME_SIZES = (16, 22, 24, 32, 48, 64, 128)
NAMES = ("app", "calm", "break", "waiting")
OUT = ROOT / "packaging" / "icons"
ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09"}


def render(svg: Path, size: int) -> bytes:
    renderer = QSvgRenderer(QByteArray(svg.read_bytes()))
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """ICO with PNG payloads (Windows Vista and later read these)."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, payload = b"", b""
    for size in sizes:
        data = images[size]
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset + len(payload))
        payload += data
    return header + entries + payload


def icns(images: dict[int, bytes]) -> bytes:
    chunks = b"".join(
        ICNS_TYPES[size] + struct.pack(">I", len(data) + 8) + data
        for size, data in sorted(images.items())
        if size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", len(chunks) + 8) + chunks


def main() -> int:
    QGuiApplication.instance() or QGuiApplication([])
    (OUT / "png").mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        svg = ROOT / "resources" / "icons" / f"{name}.svg"
        for size in SIZES:
            (OUT / "png" / f"{name}-{size}.png").write_bytes(render(svg, size))
    app_svg = ROOT / "resources" / "icons" / "app.svg"
    for size in SIZES:
        folder = OUT / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{APP_ID}.png").write_bytes(render(app_svg, size))
    scalable = OUT / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    (scalable / f"{APP_ID}.svg").write_bytes(app_svg.read_bytes())
    (OUT / "resilience.ico").write_bytes(
        ico({s: render(app_svg, s) for s in (16, 24, 32, 48, 64, 256)})
    )
    (OUT / "resilience.icns").write_bytes(
        icns({s: render(app_svg, s) for s in (16, 32, 64, 128, 256, 512)})
    )
    # The app itself loads these PNGs (no SVG renderer to import before the tray shows).
    runtime = ROOT / "resources" / "icons"
    for name in NAMES:
        for size in RUNTIME_SIZES:
            (runtime / f"{name}-{size}.png").write_bytes(render(runtime / f"{name}.svg", size))
    print(f"icons written under {OUT.relative_to(ROOT)} and resources/icons")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
