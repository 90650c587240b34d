"""A sentence kept as written (`Message`) is translated each time it is shown: found in one
language, read in another, it speaks the one in use when read, values and all."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from resilience_app import i18n
from resilience_app.i18n import N_, Message


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.set_language("en")


def test_a_message_is_translated_when_shown_not_when_made() -> None:
    i18n.set_language("de")
    made = Message(N_("the microphone settings could not be read ({reason})"), reason="denied")
    assert str(made) == "die Mikrofon-Einstellungen ließen sich nicht lesen (denied)"
    i18n.set_language("fr")
    assert str(made) == "les paramètres du micro n’ont pas pu être lus (denied)"
    assert made.english() == "the microphone settings could not be read (denied)"


def test_sentences_follow_one_another_and_nest_each_in_the_language_in_use() -> None:
    advice = Message(
        N_("Bind the command `{command}` to a key in your desktop's keyboard settings instead."),
        command="resilience flag",
    )
    problem = Message(N_("Another application already uses {shortcut}."), shortcut="Ctrl+Alt+B")
    both = problem.then(advice)
    assert str(both) == (
        "Another application already uses Ctrl+Alt+B. Bind the command `resilience flag` "
        "to a key in your desktop's keyboard settings instead."
    )
    assert problem.after == ()  # `then` makes a new one
    i18n.set_language("es")
    spanish = str(both)
    assert spanish.startswith(str(problem)) and spanish.endswith(str(advice))
    assert "Another" not in spanish and "`resilience flag`" in spanish
    inner = Message(N_("Calls are not noticed: {problem}"), problem=problem)
    assert str(problem) in str(inner) and "Another" not in str(inner)


def test_equal_when_written_alike() -> None:
    one = Message(N_("The desktop ended the shortcut {shortcut}."), shortcut="Ctrl+Alt+B")
    same = Message(N_("The desktop ended the shortcut {shortcut}."), shortcut="Ctrl+Alt+B")
    other = Message(N_("The desktop ended the shortcut {shortcut}."), shortcut="Ctrl+Alt+N")
    assert one == same and hash(one) == hash(same) and one != other
