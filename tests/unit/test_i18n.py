"""The catalogs: every string a rep sees is marked, every language has all of them, and no
translation loses or invents a placeholder."""

from __future__ import annotations

import ast
import gettext
import importlib.util
import re
import string
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from resilience_app import i18n

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "resilience_app"
TRANSLATED = [code for code in i18n.LANGUAGES if code != "en"]

# Calls whose text arguments reach the rep: widgets, windows, notifications, sentences.
SINKS = {
    # Qt widgets and their texts
    "QLabel",
    "QPushButton",
    "QCheckBox",
    "QRadioButton",
    "QAction",
    "QMenu",
    "QGroupBox",
    "setText",
    "setWindowTitle",
    "setToolTip",
    "setPlaceholderText",
    "setAccessibleName",
    "setAccessibleDescription",
    "addItem",
    "addTab",
    "setTabText",
    "setTitle",
    "setSuffix",
    "setPrefix",
    "setSpecialValueText",
    "showMessage",
    "setStatusTip",
    "addAction",
    "addMenu",
    "addRow",
    "setHeaderLabels",
    "setWhatsThis",
    "getSaveFileName",
    "getOpenFileName",
    "show_error",
    "show_status",
    "show_result",
    "show_undo",
    "ask",
    "message",
    # Sentences from the service, the storage and the command line
    "UserError",
    "StorageError",
    "SettingError",
    "BadValue",
    "CliError",
    "Locked",
    "ImportProblems",
    "tell",
    "send",
    "_notice",
    "_say",
    "_out",
    "_done",
    "error",
}
# Text that is not language: keys, formats, file names, style sheets, object names.
NOT_LANGUAGE = re.compile(
    r"^(|[\s\W\d]*|[a-z0-9_.\-]+|[A-Z0-9_]+|%.*|\{[^{}]*\}|[A-Za-z]+\+[A-Za-z+]+|HH:mm.*|"
    r".*\.(json|png|svg|wav|csv|md|log)|#[0-9a-fA-F]{3,8}|resilience.*|Resilience)$"
)
# Modules that hold no text for the rep (logging only, tests of formats).
SKIP = {"resilience_app/i18n.py", "resilience_app/__init__.py", "resilience_app/__main__.py"}


def modules() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if p.relative_to(ROOT).as_posix() not in SKIP and "locale" not in p.parts
    )


def _is_marked(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("_", "N_", "ngettext", "pgettext")
    )


def _bare_texts(node: ast.AST) -> list[str]:
    """String literals (and f-strings) in an argument that are not wrapped in a marker."""
    if _is_marked(node):
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return ["".join(v.value for v in node.values if isinstance(v, ast.Constant))]
    if isinstance(node, ast.BinOp):
        return _bare_texts(node.left) + _bare_texts(node.right)
    if isinstance(node, ast.IfExp):
        return _bare_texts(node.body) + _bare_texts(node.orelse)
    if isinstance(node, ast.List | ast.Tuple):
        return [text for element in node.elts for text in _bare_texts(element)]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join")
    ):
        return _bare_texts(node.func.value)
    return []


def _name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def unmarked(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        # A marker inside an f-string's braces is never extracted (Python 3.11 tokenizes
        # the f-string whole), so its text would stay English.
        if isinstance(node, ast.FormattedValue) and any(
            _is_marked(inner) for inner in ast.walk(node.value)
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: a marker inside an f-string")
        if (
            _is_marked(node)
            and isinstance(node, ast.Call)
            and node.args
            and not isinstance(node.args[0], ast.Constant)
            and any(
                isinstance(inner, ast.Constant) and isinstance(inner.value, str)
                for inner in ast.walk(node.args[0])
            )
        ):
            # _(SCHEMA["ui.theme"].help): Babel would extract "ui.theme" as a message.
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: a key inside a marker")
        if not isinstance(node, ast.Call) or _name(node) not in SINKS:
            continue
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in ("log", "logging", "parser", "argparse")
        ):
            continue  # the log stays English, for whoever reads it with us
        arguments = list(node.args) + [k.value for k in node.keywords if k.arg != "objectName"]
        for argument in arguments:
            for text in _bare_texts(argument):
                words = re.sub(r"<[^>]*>|&[a-z]+;", "", text).strip()  # markup is not language
                if not NOT_LANGUAGE.match(words):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {text[:60]!r}")
    return found


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_every_string_the_rep_sees_is_marked(path: Path) -> None:
    assert unmarked(path) == []


def _load_translations_script() -> object:
    spec = importlib.util.spec_from_file_location("translations", ROOT / "scripts/translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["translations"] = module
    spec.loader.exec_module(module)
    return module


def test_the_catalogs_hold_every_marked_string_and_are_compiled() -> None:
    script = _load_translations_script()
    stale = [
        path.relative_to(ROOT).as_posix()
        for path, data in script.plan().items()  # type: ignore[attr-defined]
        if not path.exists() or path.read_bytes() != data
    ]
    assert stale == [], "run `make translations` and commit the result"


def _catalog(code: str) -> object:
    with (i18n.LOCALE_DIR / code / "LC_MESSAGES" / f"{i18n.DOMAIN}.po").open("rb") as handle:
        return read_po(handle, locale=code)


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_language_has_every_string_with_the_same_placeholders(code: str) -> None:
    catalog = _catalog(code)
    missing, fuzzy, wrong = [], [], []
    for message in catalog:  # type: ignore[attr-defined]
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strs):
            missing.append(ids[0])
            continue
        if message.fuzzy:
            fuzzy.append(ids[0])
        wanted = set().union(*(_fields(i) for i in ids))
        for index, text in enumerate(strs):
            got = _fields(text)
            # A singular form may leave the count out ("une minute"); nothing may be invented.
            if got - wanted or ((len(strs) == 1 or index > 0) and got != wanted):
                wrong.append(f"{ids[0]!r} -> {text!r}")
    assert missing == [], f"{len(missing)} untranslated in {code}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy (changed since translated) in {code}"
    assert wrong == [], f"placeholders differ in {code}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalog_loads_and_knows_its_plurals(code: str) -> None:
    translations = gettext.translation(i18n.DOMAIN, i18n.LOCALE_DIR, languages=[code])
    assert translations.info()["language"].replace("-", "_") in (code, code.split("_")[0])
    assert "nplurals" in translations.info()["plural-forms"]


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANG": "pt_BR.UTF-8"}, "pt_BR"),
        ({"LANG": "pt_PT.UTF-8"}, "pt_BR"),
        ({"LANG": "fr_CA.UTF-8"}, "fr"),
        ({"LANG": "es_MX.UTF-8"}, "es"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "ja_JP.UTF-8"}, "en"),
        ({"LANGUAGE": "ja:es:en", "LANG": "de_DE.UTF-8"}, "es"),
        ({"LC_ALL": "fr_FR.UTF-8", "LANG": "de_DE.UTF-8"}, "fr"),
        ({}, "en"),
    ],
)
def test_auto_follows_the_system_locale(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
) -> None:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    assert i18n.resolve("auto") == expected
    assert i18n.resolve("de") == "de"


def test_dates_and_numbers_follow_the_language() -> None:
    from datetime import UTC, datetime

    moment = datetime(2026, 11, 25, 15, 5, tzinfo=UTC)
    try:
        i18n.set_language("de")
        assert i18n.format_number(1234.5, 1) == "1.234,5"
        assert "Nov" in i18n.format_date(moment.date())
        i18n.set_language("en")
        assert i18n.format_number(1234.5, 1) == "1,234.5"
    finally:
        i18n.set_language("en")


def test_the_catalogs_name_no_tool_version() -> None:
    """A new Babel release must not make a committed catalog stale: no header names it."""
    script = _load_translations_script()
    for path, data in script.plan().items():  # type: ignore[attr-defined]
        assert b"Generated-By" not in data, path.name
        assert b"Generated-By" not in path.read_bytes(), path.name


# British spellings the English text once mixed with US dates and "dialing": English is
# written in US spelling. The command `playbook practise`, a placeholder's name and the
# stored states ("pending, done or cancelled") are names a rep types or a file holds.
BRITISH = re.compile(
    r"\b(behaviour|colour|practis|organis|favour|centre|cancell|judgement|minimis|recognis"
    r"|analys(?!is)|realis|prioritis|summaris|customis|honour|licence|catalogue|travell)\w*",
    re.IGNORECASE,
)
NAMES_NOT_PROSE = re.compile(r"`[^`]*`|\{\w+\}|pending, done or cancelled")


def test_english_is_written_in_us_spelling() -> None:
    with (i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot").open("rb") as f:
        template = read_po(f)
    british = []
    for message in template:
        for text in message.id if isinstance(message.id, tuple | list) else [message.id]:
            prose = NAMES_NOT_PROSE.sub("", text)
            british += [(word.group(0), text) for word in BRITISH.finditer(prose)]
    assert british == []
