"""The reflection form: the note after a break, its draft, its follow-ups."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from resilience_app.core.errors import UserError
from resilience_app.core.models import FollowUpKind, Incident, Reflection
from resilience_app.i18n import N_
from resilience_app.service import Service
from resilience_app.ui.presenters.base import BasePresenter, attempt, bring_forward

if TYPE_CHECKING:
    from resilience_app.ui.reflection_form import ReflectionForm

log = logging.getLogger(__name__)


class NotePresenter(BasePresenter):
    """Opens the note a call is waiting for (once unlocked) and forwards save, later,
    discard and the draft typed so far."""

    def __init__(
        self,
        service: Service,
        owner: QObject,
        *,
        when_unlocked: Callable[[str, Callable[[], None]], None],
    ) -> None:
        super().__init__(service, owner)
        self._when_unlocked = when_unlocked
        service.note_requested.connect(self.open_note)

    @cached_property
    def form(self) -> ReflectionForm:
        from resilience_app.ui.reflection_form import ReflectionForm
        from resilience_app.ui.size_choice import keep

        form = ReflectionForm()
        form.save_requested.connect(self._save_note)
        form.later_requested.connect(self._later_note)
        form.discard_requested.connect(self._discard_note)
        form.draft_changed.connect(self._draft)
        form.size_choice.size_chosen.connect(
            lambda value: keep(form.size_choice, self.service.set_size, form.incident_id, value)
        )
        return form

    def open_note(self, incident: Incident) -> None:
        self._when_unlocked(
            N_("Type your passphrase to write your note. Until then it waits for you."),
            lambda: self.show_note(incident.id),
        )

    def show_note(self, incident_id: str) -> None:
        try:
            incident = self.service.incident(incident_id)  # read again, with its note
        except UserError as exc:
            log.info("note not shown: %s", exc)
            return
        if self.form.isVisible() and self.form.incident_id not in (None, incident.id):
            self.form.flush_draft()
        self.form.load(incident)
        self.form.show()
        bring_forward(self.form)

    def open_next_note(self) -> None:
        waiting = self.service.open_notes()
        if waiting:
            self.open_note(waiting[0])

    def open_by_id(self, incident_id: str) -> None:
        try:
            self.open_note(self.service.incident(incident_id))
        except UserError as exc:
            log.info("open ignored: %s", exc)

    def flush(self) -> None:
        """Keep the half-typed note (sealed, if the journal is protected)."""
        form = self.built("form")
        if form is not None and form.incident_id is not None and form.isVisible():
            form.flush_draft()

    def _draft(self, incident_id: str, reflection: Reflection) -> None:
        attempt(lambda: self.service.save_draft(incident_id, reflection))

    def _save_note(
        self,
        incident_id: str,
        reflection: Reflection,
        chosen: list[tuple[FollowUpKind, datetime]] | None = None,
        said: str = "",
    ) -> None:
        try:
            # What they said goes to the playbook with the note (the service's room).
            self.service.save_note(incident_id, reflection, chosen or [], said=said)
        except UserError as exc:
            self.form.show_error(exc.message)
            return
        self.form.hide()

    def _later_note(self, incident_id: str, reflection: Reflection) -> None:
        self._draft(incident_id, reflection)
        self.form.hide()

    def _discard_note(self, incident_id: str) -> None:
        attempt(lambda: self.service.discard_note(incident_id))
        self.form.hide()

    # -- restyle, a new language, quit ----------------------------------------------------

    def windows(self) -> list[Any]:
        return [w for w in (self.built("form"),) if w is not None]

    def forget(self) -> Callable[[], None]:
        """Keep the draft and drop the form for a new language; the callable shows it again."""
        form = self.built("form")
        note = form.incident_id if form is not None and form.isVisible() else None
        if note is not None and form is not None:
            form.flush_draft()
        for window in self.drop("form"):
            window.hide()
            window.deleteLater()
        return (lambda: self.show_note(note)) if note is not None else (lambda: None)
