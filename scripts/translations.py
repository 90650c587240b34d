"""The catalogs: extract every marked string, merge it into each language, compile.

    python scripts/translations.py            # extract, update every .po, compile every .mo
    python scripts/translations.py --check    # fail if anything above would change a file

Run by `make translations`. Strings are marked in the code with `_()`, `N_()`,
`ngettext()` and `pgettext()` (see resilience_app/i18n.py). A string that changed keeps
its old translation marked fuzzy (not used until a translator looks at it again).
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from resilience_app import __version__, i18n  # noqa: E402

PACKAGE = ROOT / "resilience_app"
POT = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
FIXED_DATE = datetime(2026, 11, 25)  # stable headers: a file changes only when text does


class StableCatalog(Catalog):
    """A catalog whose header names no tool version: Babel writes "Generated-By: Babel X.Y"
    into every .po and .mo, so a new Babel release would make committed catalogs stale
    although not one translation changed."""

    def _get_mime_headers(self) -> list[tuple[str, str]]:
        return [
            (name, value) for name, value in super()._get_mime_headers() if name != "Generated-By"
        ]


def stable(catalog: Catalog) -> StableCatalog:
    catalog.__class__ = StableCatalog  # read_po makes plain catalogs; the header is the only change
    return catalog  # type: ignore[return-value]


def extract() -> Catalog:
    catalog = StableCatalog(
        project="Resilience",
        version=__version__,
        copyright_holder="The Resilience developers",
        msgid_bugs_address="",
        creation_date=FIXED_DATE,
        revision_date=FIXED_DATE,
        charset="utf-8",
    )
    found = extract_from_dir(
        str(PACKAGE),
        method_map=[("**/locale/**", "ignore"), ("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        path = (PACKAGE / filename).relative_to(ROOT).as_posix()
        catalog.add(
            message,
            None,
            [(path, lineno)],
            auto_comments=comments,
            context=context,
            flags=("python-brace-format",) if _braces(message) else (),
        )
    return catalog


def _braces(message: str | tuple[str, ...]) -> bool:
    texts = message if isinstance(message, tuple) else (message,)
    return any("{" in text for text in texts)


def _po_bytes(catalog: Catalog, *, template: bool = False) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=96, sort_output=False, omit_header=False, include_lineno=False)
    return out.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def plan() -> dict[Path, bytes]:
    """Every catalog file as it should be now."""
    template = extract()
    files: dict[Path, bytes] = {POT: _po_bytes(template, template=True)}
    for code in i18n.LANGUAGES:
        if code == "en":
            continue  # the source language: the strings in the code
        po = i18n.LOCALE_DIR / code / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
        if po.exists():
            with po.open("rb") as handle:
                catalog = stable(read_po(handle, locale=code))
        else:
            catalog = StableCatalog(locale=code, project="Resilience", version=__version__)
            catalog.creation_date = FIXED_DATE
        catalog.update(template, update_header_comment=False)
        catalog.revision_date = FIXED_DATE
        catalog.creation_date = FIXED_DATE
        catalog.obsolete.clear()  # old strings live in git history, not in the file
        files[po] = _po_bytes(catalog)
        files[po.with_suffix(".mo")] = _mo_bytes(catalog)
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if stale")
    args = parser.parse_args()
    stale = []
    for path, data in plan().items():
        if path.exists() and path.read_bytes() == data:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    for path in stale:
        print(("stale: " if args.check else "wrote ") + str(path.relative_to(ROOT)))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
