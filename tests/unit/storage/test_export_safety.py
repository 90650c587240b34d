"""What an export hands to other programs: no fake headings, no spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from resilience_app.core.models import Incident, Reflection, ReflectionStatus
from resilience_app.storage.export import Journal, to_csv, to_markdown

WHEN = datetime(2026, 11, 24, 15, tzinfo=UTC)


def call(label: str, what: str) -> Incident:
    return Incident(
        "a",
        WHEN,
        label=label,
        reflection=Reflection(what, lesson="=1+1", positives=["@SUM(A1)"]),
        reflection_status=ReflectionStatus.SAVED,
    )


def test_a_newline_in_a_label_cannot_start_a_heading() -> None:
    text = to_markdown(Journal([call("Acme\n# Fired", "one\n\n## two <img src=x>")]), WHEN)
    assert not any(line.startswith(("# Fired", "## two")) for line in text.splitlines())
    assert "Acme \\# Fired" in text and "\\<img src=x\\>" in text


def test_formulas_reach_the_spreadsheet_as_text() -> None:
    text = to_csv([call('=HYPERLINK("http://evil","x")', "+cmd")])
    head, values = list(csv.reader(io.StringIO(text)))[:2]
    row = dict(zip(head, values, strict=True))  # by name: columns may be added
    assert row["label"] == '\'=HYPERLINK("http://evil","x")' and row["what_happened"] == "'+cmd"
    assert row["lesson"] == "'=1+1" and row["positives"] == "'@SUM(A1)"


def test_the_two_scores_of_a_call_are_named_apart_in_markdown() -> None:
    """The score "rough" runs 0 = fine to 10 = awful, the mood after the note 0 = awful to
    10 = great: one sentence with both says which is which, not "felt 7/10 ..., 4/10 after"."""
    rough = Incident(
        "a",
        WHEN,
        label="Acme",
        rough=7,
        reflection=Reflection("x", mood_after=4),
        reflection_status=ReflectionStatus.SAVED,
    )
    text = to_markdown(Journal([rough]), WHEN)
    assert "rough 7/10 before the break, mood 4/10 after." in text
    assert "felt" not in text
