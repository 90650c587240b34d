"""The channel's note command (`resilience note`): the note about a tough call, its "how
big was this one" with it. A thin call into the service's notes, its arguments read into
domain values first. Kept beside `commands.py`, whose table takes this route as its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from resilience_app.core.models import LossReason, LossSize, MyPart, Reflection
from resilience_app.core.values import MAX_LABEL
from resilience_app.i18n import _
from resilience_app.service.service import Service

if TYPE_CHECKING:  # for the annotations only: commands.py imports this module
    from resilience_app.commands import Args

Reply = dict[str, Any]


class NoteCommands:
    """`note`: the note about the latest call (or `incident`), with its size if given."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def routes(self) -> dict[str, Callable[[Args], Reply]]:
        return {"note": self.note}

    def note(self, a: Args) -> Reply:
        reflection = Reflection(
            what_happened=a.text("what", what=_("What happened")),
            # Translators: the note's answer to "What was my part in it?", named in a sentence
            # such as "My part must be one of: ...".
            my_part=a.choice("my_part", MyPart, what=_("My part")),
            loss_reason=a.choice("reason", LossReason, what=_("The loss reason")),
            lesson=a.text("lesson", what=_("The lesson")),
            positives=a.texts("positives", what=_("The positives")),
            mood_after=a.score("feel", what=_("How you feel now")),
            said=a.text("said", limit=MAX_LABEL, what=_("What they said")),
            missing=a.text("missing", limit=MAX_LABEL, what=_("What was missing")),
        )
        # Read before anything is kept: a size the app doesn't know saves nothing.
        size = a.choice("size", LossSize, what=_("How big it was"))
        incident = self.service.save_note(a.text("incident") or None, reflection)
        if size is not None:  # not given: the flag's size (or none) stays
            incident = self.service.set_size(incident.id, size)
        if self.service.durable:
            message = _("Note saved. Thank you for taking the time.")
        else:
            message = _("Note kept. Thank you for taking the time.")
        return {"message": message, "incident_id": incident.id}
