"""Qt's side of the rep's language: its own strings (a file dialog's buttons, a text field's
context menu) from Qt's catalogs, and QLocale for date fields and calendars."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)
_installed: list[QTranslator] = []


def apply(language: str) -> None:
    """Make Qt speak `language` (a key of i18n.LANGUAGES) from now on."""
    locale = QLocale(language)
    QLocale.setDefault(locale)
    app = QCoreApplication.instance()
    if app is None:
        return
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if language == "en":
        return
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load(locale, "qtbase", "_", folder):
        app.installTranslator(translator)
        _installed.append(translator)
    else:
        log.info("no Qt catalog for %s in %s", language, folder)
