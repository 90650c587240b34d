"""What to say on each follow-up call: a short script in the app's words, editable.

Scripts are prompts, not lines to read out: a few questions or openers the rep can glance
at before dialing. The rep's own version of a kind's script (kept in the journal, sealed
with it when it is protected) replaces this one from then on.
"""

from __future__ import annotations

from resilience_app.core.kinds import FollowUpKind, FollowUpOutcome
from resilience_app.i18n import N_, _

DEFAULT_SCRIPTS: dict[FollowUpKind, str] = {
    FollowUpKind.DEBRIEF: N_(
        "A separate, short call (15 minutes at most), not a second pitch.\n"
        "- Thank them for their time, and say you'd value five minutes of honest feedback.\n"
        "- What decided it in the end?\n"
        "- What could I have done differently to earn your business?\n"
        "- Was there anything in the call that put you off?\n"
        "- How is it going with the option you chose?\n"
        "Listen more than you talk; don't argue with what you hear. Write down one line."
    ),
    FollowUpKind.SAVE_DEAL: N_(
        "Before dialing, check what might have changed:\n"
        "- The objection they gave: is there an answer now (terms, timing, a feature)?\n"
        "- Who decides, and were they on the last call?\n"
        "- Is there a smaller first step they could say yes to?\n"
        "Open with what is new for them, not with the old offer. Stay upbeat either way."
    ),
    FollowUpKind.THANK_YOU: N_(
        "A few handwritten lines:\n"
        "- Thank them for their time and their honesty.\n"
        "- One thing you took away from the conversation.\n"
        "- That the door stays open, with no pressure."
    ),
    FollowUpKind.REFERRAL: N_(
        "Ask once, simply:\n"
        "- \u201cI understand it's not the right fit for you now.\u201d\n"
        "- \u201cIs there someone you know who might find this useful?\u201d\n"
        "- \u201cMay I mention that you suggested I call?\u201d\n"
        "Thank them whatever the answer."
    ),
    FollowUpKind.CHECK_IN: N_(
        "A light call, no pitch:\n"
        "- \u201cI'm calling to see how things are going since we last spoke.\u201d\n"
        "- How is the provider they chose treating them?\n"
        "- Has anything changed on their side (budget, team, plans)?\n"
        "If they mention a problem, offer to send something useful, then leave it there."
    ),
    FollowUpKind.TALK_IT_OVER: N_(
        "Once the heat is gone, with a colleague or your manager:\n"
        "- What happened, in two sentences.\n"
        "- What was yours to change, and what was not (a product gap, price, timing).\n"
        "- One thing to try on the next similar call."
    ),
}

OUTCOME: dict[FollowUpOutcome, str] = {
    FollowUpOutcome.WON_BACK: N_("Deal won back"),
    FollowUpOutcome.REOPENED: N_("Talks reopened"),
    FollowUpOutcome.REFERRAL: N_("Referral given"),
    FollowUpOutcome.FEEDBACK: N_("Useful feedback"),
    FollowUpOutcome.NO_ANSWER: N_("No answer"),
    FollowUpOutcome.DECLINED: N_("Not interested"),
}


def default_script(kind: FollowUpKind) -> str:
    return _(DEFAULT_SCRIPTS[kind])


def outcome_name(outcome: FollowUpOutcome) -> str:
    return _(OUTCOME[outcome])


# Light calls to start again with after a tough one (the nudge names one when it is due).
EASY_KINDS = (FollowUpKind.CHECK_IN, FollowUpKind.THANK_YOU, FollowUpKind.REFERRAL)


def easy_lead_sentence(kind: FollowUpKind, label: str) -> str:
    """The nudge's "easy lead first", made concrete from the rep's own list."""
    if kind is FollowUpKind.CHECK_IN:
        if label:
            return _("{label} is due a check-in: an easy call to start with.").format(label=label)
        return _("A check-in is due: an easy call to start with.")
    if kind is FollowUpKind.THANK_YOU:
        if label:
            return _("A thank-you to {label} is due: an easy one to start with.").format(
                label=label
            )
        return _("A thank-you is due: an easy one to start with.")
    if label:
        return _("Ask {label} for a referral: an easy call to start with.").format(label=label)
    return _("A referral to ask for is due: an easy call to start with.")
