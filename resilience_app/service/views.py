"""What the service hands to whoever presents it: plain, frozen data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from resilience_app.core import texts
from resilience_app.core.journal import PositiveEntry
from resilience_app.core.models import FollowUp, Incident, Phase
from resilience_app.core.playbook import PlaybookEntry


@dataclass(frozen=True)
class BreakView:
    """Everything the break window shows. `requested_at` is `time.perf_counter()` when the
    flag arrived, so the window can time how long the rep waited to see it."""

    incident: Incident
    pattern: str
    reduced_motion: bool
    tip: str
    positive: str | None
    requested_at: float | None = None


@dataclass(frozen=True)
class NudgeCard:
    """The always-on-top card: a nudge's title and text, and maybe one card from the rep's
    playbook (`entry`) to say out loud. `nudge` False: the card is up for the playbook only
    (the nudge itself went as a desktop notification), so dismissing that puts it away."""

    title: str
    body: str
    entry: PlaybookEntry | None = None
    nudge: bool = True


@dataclass(frozen=True)
class FlagOutcome:
    incident: Incident
    already_on_break: bool
    break_minutes: float
    held: bool = False  # flagged during the call: the break starts when it ends


@dataclass(frozen=True)
class TrayState:
    """What the tray icon, its tooltip and menu show."""

    phase: Phase
    minutes_since_flag: int | None  # while waiting for the next dial
    target_minutes: float
    open_notes: int
    back_after_minutes: int | None = None  # the last dial, for an hour after it
    on_call: bool = False


@dataclass(frozen=True)
class UpcomingItem:
    """A pending follow-up with the label of its call."""

    followup: FollowUp
    label: str

    @property
    def title(self) -> str:
        return texts.followup_title(self.followup.kind, self.label)


@dataclass(frozen=True)
class ExportResult:
    text: str
    calls: int
    path: Path | None = None
    unprotected: str | None = None  # a sentence when the journal is protected and this is not


@dataclass(frozen=True)
class JournalMonth:
    """One month file's calls (newest first) and positives (newest first, those of its
    calls' notes and those written on their own), decoded. `whole` is False when a record
    could not be read (the service's `journal_check` sets it aside)."""

    name: str
    incidents: list[Incident]
    positives: list[PositiveEntry]
    whole: bool = True
