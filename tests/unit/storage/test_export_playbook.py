"""The playbook in the CSV and Markdown exports: tricky text (commas, quotes, line breaks,
Markdown's own characters, formulas) arrives as written, merged entries shown once."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from resilience_app.core import playbook
from resilience_app.core.playbook import PlaybookEntry
from resilience_app.storage.export import (
    PLAYBOOK_COLUMNS,
    Journal,
    export,
    playbook_csv,
    to_markdown,
)

WHEN = datetime(2026, 11, 24, 15, tzinfo=UTC)
SAID = 'He said "you\'re 20% dearer, and slower"'
ANSWER = "First, ask why.\nThen: *compare* the years, [not](x) the #price | <b>"


def book() -> list[PlaybookEntry]:
    dearer = playbook.answered(
        playbook.with_tags(PlaybookEntry("a", SAID, WHEN, call_ids=["c1"]), ["price", "My, own"]),
        ANSWER,
        WHEN + timedelta(hours=1),
    )
    other = PlaybookEntry("b", '=HYPERLINK("http://evil")', WHEN, call_ids=["c2"])
    alone = PlaybookEntry("c", "# Not a heading\n## nor this", WHEN - timedelta(days=1))
    merged, gone = playbook.merge(dearer, other, WHEN + timedelta(hours=2))
    return [merged, gone, alone]


def test_the_playbook_as_a_spreadsheet_table() -> None:
    rows = list(csv.reader(io.StringIO(playbook_csv(book()))))
    assert tuple(rows[0]) == PLAYBOOK_COLUMNS
    assert len(rows) == 3  # the merged-away entry is a line of the one it went into
    head = dict(zip(PLAYBOOK_COLUMNS, rows[1], strict=True))
    assert head["their_words"] == SAID and head["my_answer"] == ANSWER
    assert head["tags"] == "price | my own" and head["came_up_times"] == "2"
    assert head["also_said"] == '\'=HYPERLINK("http://evil")'  # text, not a formula
    assert head["answered_at"] != "" and head["practised_at"] == ""
    last = dict(zip(PLAYBOOK_COLUMNS, rows[2], strict=True))
    assert last["their_words"] == "# Not a heading\n## nor this" and last["my_answer"] == ""


def test_csv_holds_the_calls_unless_the_playbook_is_asked_for() -> None:
    journal = Journal([], playbook=book())
    assert export("csv", journal, WHEN).startswith("flagged_at,")
    assert export("csv", journal, WHEN, what="playbook").startswith("written_at,their_words,")


def test_my_playbook_in_markdown() -> None:
    text = to_markdown(Journal([], playbook=book()), WHEN)
    lines = text.splitlines()
    assert "## My playbook" in lines
    assert not any(line.startswith(("# Not", "## nor")) for line in lines)
    assert "### “# Not a heading ## nor this”" not in text  # escaped: no heading inside
    assert "### “\\# Not a heading \\#\\# nor this”" in lines
    assert '### “He said "you\'re 20% dearer, and slower"”' in lines
    assert (
        "**My answer:** First, ask why. Then: \\*compare\\* the years, \\[not\\](x) the "
        "\\#price \\| \\<b\\>"
    ) in lines
    assert "_No answer yet_" in lines
    assert "**Also said:**" in lines and '- =HYPERLINK("http://evil")' in lines
    assert "*price, my own · came up 2 times*" in lines
    assert "*came up 1 time*" in lines
    # The entry that came up most comes first; the calls' part follows.
    assert text.index("dearer") < text.index("Not a heading")
    assert text.index("## My playbook") < text.index("No tough calls recorded")


def test_an_empty_playbook_adds_no_section() -> None:
    assert "My playbook" not in to_markdown(Journal([]), WHEN)
    assert playbook_csv([]) == ",".join(PLAYBOOK_COLUMNS) + "\r\n"
