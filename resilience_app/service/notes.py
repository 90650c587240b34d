"""`Notes`: the note about a tough call (drafts as the rep types, the follow-ups ticked
under it), and positives written on their own."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from resilience_app.core import values
from resilience_app.core.errors import UserError
from resilience_app.core.models import (
    FollowUpKind,
    Incident,
    LossReason,
    LossSize,
    Positive,
    Reflection,
    new_id,
)
from resilience_app.i18n import N_, _
from resilience_app.service.context import Context

if TYPE_CHECKING:
    from resilience_app.service.playbook import PlaybookDesk


class Notes:
    """Writing notes and positives; needs the journal unlocked (`need_open`)."""

    def __init__(
        self,
        ctx: Context,
        need_open: Callable[[str], None],
        playbook: Callable[[], PlaybookDesk] | None = None,
    ) -> None:
        self.ctx = ctx
        self._need_open = need_open
        self._playbook = playbook  # late: the playbook room is built after this one

    def open_notes(self) -> list[Incident]:
        """Notes still to write, newest first."""
        return self.ctx.loop.open_reflections()

    def incident(self, incident_id: str) -> Incident:
        return self.ctx.loop.incident(incident_id)

    def save_note(
        self,
        incident_id: str | None,
        reflection: Reflection,
        followups: Iterable[tuple[FollowUpKind, datetime]] = (),
        said: str = "",
    ) -> Incident:
        """Save the note about a call (with no id: the newest call whose note is open, the
        one on break included), with the follow-ups the rep ticked under it. What they said
        or asked that the rep could not answer (the note's `said`, or `said` given here)
        is kept in the note and becomes the playbook's entry for that call, its answer
        left for later: one entry per call, saving again rewords it rather than adding
        another. What was missing is kept only when the reason is a product gap."""
        self._need_open(N_("Your journal is locked (to save a note)."))
        if incident_id is None:
            current = self.ctx.loop.current
            waiting = self.ctx.loop.open_reflections()
            if current is not None and current.reflection_open:
                incident_id = current.id
            elif waiting:
                incident_id = waiting[0].id
            else:
                raise UserError(_("No call is waiting for a note."))
        if said.strip() and not reflection.said.strip():
            reflection = replace(reflection, said=said)
        if reflection.loss_reason is not LossReason.PRODUCT_GAP:
            reflection = replace(reflection, missing="")
        reflection = _bounded(reflection)
        chosen = [(k, values.moment(d, what=_("The follow-up's time"))) for k, d in followups]
        words = reflection.said
        playbook = self._playbook() if self._playbook is not None and words else None
        if playbook is not None:
            words = playbook.said_line(words)  # checked before anything is kept
        incident = self.ctx.loop.save_reflection(incident_id, reflection)
        for kind, due in chosen:
            self._add_followup(incident.id, kind, due)
        if playbook is not None:
            playbook.keep_for_call(words, incident.id)
        self.ctx.record_changed()
        return incident

    def save_draft(self, incident_id: str, reflection: Reflection) -> None:
        """Keep what was typed so far (as the rep types, "later", a closed window)."""
        self._need_open(N_("Your journal is locked (to keep a draft)."))
        self.ctx.loop.save_draft(incident_id, _bounded(reflection))

    def _add_followup(self, incident_id: str, kind: FollowUpKind, due: datetime) -> None:
        self.ctx.followups.add(
            incident_id, kind, values.moment(due, what=_("The follow-up's time"))
        )

    def set_size(self, incident_id: str, size: LossSize | None) -> Incident:
        """How much the call mattered (small, big, make-or-break; None: not said). The call
        on break takes it even while the journal is locked, as its flag's label does."""
        current = self.ctx.loop.current
        if current is None or current.id != incident_id or current.sealed is not None:
            self._need_open(N_("Your journal is locked (to say how big the call was)."))
        incident = self.ctx.loop.set_size(incident_id, size)
        self.ctx.record_changed()
        return incident

    def discard_note(self, incident_id: str) -> None:
        self._need_open(N_("Your journal is locked (to discard a note)."))
        self.ctx.loop.discard_reflection(incident_id)
        self.ctx.record_changed()

    # -- positives --------------------------------------------------------------------------

    def add_positive(self, text: str) -> Positive:
        """A good moment written on its own, not after a tough call."""
        text = values.line(text, what=_("The positive"), limit=values.MAX_TEXT)
        if not text:
            raise UserError(
                # Translators: keep `resilience positive add` as it is (a command); the
                # example in quotes may be translated.
                _('Write the positive, e.g. resilience positive add "Booked a demo with Acme".'),
                usage=True,
            )
        positive = Positive(new_id(), self.ctx.clock.now(), text)
        self.ctx.store.save_positive(positive)
        self.ctx.record_changed()
        return positive


def _bounded(reflection: Reflection) -> Reflection:
    """A note within the app's limits (what a window or a script may hand in)."""
    positives = [
        values.line(p, what=_("A positive"), limit=values.MAX_TEXT) for p in reflection.positives
    ]
    return Reflection(
        what_happened=values.text(reflection.what_happened, what=_("What happened")),
        my_part=reflection.my_part,
        loss_reason=reflection.loss_reason,
        lesson=values.text(reflection.lesson, what=_("The lesson")),
        positives=[p for p in positives if p][: values.MAX_POSITIVES],
        mood_after=values.score(reflection.mood_after, what=_("How you feel now")),
        said=values.line(reflection.said, what=_("What they said")),
        missing=values.line(reflection.missing, what=_("What was missing")),
    )
