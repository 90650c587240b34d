"""The command line and the service speak the language of `ui.language` (or the system's
when it is `auto`). The catalogs may still be empty, so the language in use is checked,
not the words."""

from __future__ import annotations

from pathlib import Path

import pytest

from resilience_app import cli, i18n
from resilience_app.cli import entry
from resilience_app.service import Service

LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def system_locale(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    for variable in LOCALE_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", value)


def config_set(data_dir: Path, key: str, value: str) -> None:
    assert cli.main(["--data-dir", str(data_dir), "config", "set", key, value]) == 0


def language_of_a_command(data_dir: Path) -> str:
    """The language a command speaks: `flag` with no app running opens no journal and no
    settings through the service, so only the command line itself chose it."""
    i18n.set_language("en")
    assert cli.main(["--data-dir", str(data_dir), "flag"]) == cli.EXIT_FAILED
    return i18n.language()


def test_the_cli_speaks_the_language_of_the_setting(
    capsys: pytest.CaptureFixture[str], data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_locale(monkeypatch, "es_MX.UTF-8")
    config_set(data_dir, "ui.language", "de")
    assert language_of_a_command(data_dir) == "de"
    assert "resilience: " in capsys.readouterr().err


def test_auto_follows_the_system_locale_on_the_command_line(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_locale(monkeypatch, "fr_FR.UTF-8")
    config_set(data_dir, "ui.language", "auto")
    assert language_of_a_command(data_dir) == "fr"
    config_set(data_dir, "ui.language", "pt_BR")
    assert language_of_a_command(data_dir) == "pt_BR"


def test_the_help_is_built_in_the_language_of_the_data_folder(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    system_locale(monkeypatch, "fr_FR.UTF-8")
    config_set(data_dir, "ui.language", "es")
    seen: list[str] = []
    build = entry.build_parser

    def watched() -> object:
        seen.append(i18n.language())
        return build()

    monkeypatch.setattr(entry, "build_parser", watched)
    cli.main(["flag", f"--data-dir={data_dir}"])
    cli.main(["--data-dir", str(tmp_path / "elsewhere"), "flag"])
    assert seen == ["es", "fr"]


@pytest.mark.parametrize(
    "content", [b"{not json", b"[1, 2]", b'{"ui.language": "klingon"}', b"\xff\xfe"]
)
def test_a_broken_settings_file_falls_back_to_the_system_language(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    system_locale(monkeypatch, "de_AT.UTF-8")
    data_dir.mkdir(parents=True)
    (data_dir / "settings.json").write_bytes(content)
    assert language_of_a_command(data_dir) == "de"


def test_the_service_follows_a_change_of_language(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    system_locale(monkeypatch, "es_ES.UTF-8")
    service.set_setting("ui.language", "fr")
    assert i18n.language() == "fr"
    service.set_setting("ui.language", "auto")
    assert i18n.language() == "es"
