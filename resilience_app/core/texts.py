"""Every sentence the app shows about the loop, in one place and in our own words.

The tables hold the English source text, marked with `N_()` (they are built at import,
before the rep's language is known); the functions below them give each text in the
language in use. Show texts through the functions, never by indexing a table.
"""

from __future__ import annotations

from resilience_app.core.models import FollowUpKind, LossReason, MyPart, NudgeKind, Phase
from resilience_app.i18n import N_, _, ngettext, pgettext

MY_PART: dict[MyPart, str] = {
    MyPart.UNPREPARED: N_("I wasn't prepared"),
    MyPart.PUSHED_TOO_HARD: N_("I pushed too hard"),
    MyPart.COULDNT_ANSWER: N_("I couldn't answer a question"),
    MyPart.TALKED_TOO_MUCH: N_("I talked too much"),
    MyPart.NOT_ME: N_("Nothing — it wasn't me"),
}

# One name per reason, the same in the note's drop-down, the journal's filter, the charts,
# the export and the manager's report (short enough for a chart's axis).
LOSS_REASON: dict[LossReason, str] = {
    LossReason.MY_APPROACH: N_("My approach"),
    # Translators: why a call was lost: a need the product does not meet. Also a chart label.
    LossReason.PRODUCT_GAP: N_("Product gap"),
    LossReason.PRICE_OR_TERMS: N_("Price or terms"),
    LossReason.TIMING: N_("Timing"),
    # Translators: why a call was lost: how the prospect behaved. Also a chart label.
    LossReason.PROSPECT_BEHAVIOUR: N_("The prospect's behavior"),
    LossReason.OTHER: N_("Something else"),
}
# Short forms of "what was my part in it" (the rep speaking of themselves), for charts.
MY_PART_SHORT: dict[MyPart, str] = {
    # Translators: a chart label, short for "I wasn't prepared".
    MyPart.UNPREPARED: N_("Unprepared"),
    # Translators: a chart label, short for "I pushed too hard".
    MyPart.PUSHED_TOO_HARD: N_("Pushed too hard"),
    # Translators: a chart label, short for "I couldn't answer a question".
    MyPart.COULDNT_ANSWER: N_("Couldn't answer"),
    # Translators: a chart label, short for "I talked too much".
    MyPart.TALKED_TOO_MUCH: N_("Talked too much"),
    # Translators: a chart label, short for "Nothing — it wasn't me".
    MyPart.NOT_ME: N_("Not me"),
}

# What to do with each kind of reason: a skill to practise, a gap to pass on upwards,
# or conditions to talk over. Shown under the choice, never as a verdict.
LOSS_REASON_HINT: dict[LossReason, str] = {
    LossReason.MY_APPROACH: N_("A skill to practice: a line of script or a question to prepare."),
    LossReason.PRODUCT_GAP: N_(
        "Not yours to fix. Worth passing on to your manager or product team."
    ),
    LossReason.PRICE_OR_TERMS: N_("Maybe something to talk over with your manager for next time."),
    LossReason.TIMING: N_("Timing is outside your hands. A check-in later may land differently."),
    LossReason.PROSPECT_BEHAVIOUR: N_("How they behaved says more about their day than about you."),
    LossReason.OTHER: N_("Whatever it was, writing it down helps you see it clearly later."),
}

# Where the rep is in the loop, after the app's name in the tray ("Resilience — calm").
PHASE_NAME: dict[Phase, str] = {
    # Translators: the tray's tooltip reads "Resilience — calm": no tough call going on.
    Phase.CALM: N_("calm"),
    # Translators: the tray's tooltip reads "Resilience — on a break".
    Phase.BREAK: N_("on a break"),
    # Translators: the tray's tooltip reads "Resilience — waiting for your next dial".
    Phase.WAITING: N_("waiting for your next dial"),
    # Translators: the tray's tooltip reads "Resilience — break after this call": the rep
    # flagged a call that still goes on; the break starts when it ends.
    Phase.HELD: N_("break after this call"),
}

# A flag during a call that goes on (the rep flagged before hanging up).
BREAK_HELD = N_("Your break starts when this call ends.")

# Shown during a break, one at a time.
BREAK_TIPS: tuple[str, ...] = (
    N_(
        "Keep this one to yourself for a few minutes. Retelling it right now tends to make it "
        "feel bigger than it was."
    ),
    N_("Stand up, stretch, or fetch a glass of water. A change of scene helps the body settle."),
    N_("No need to replay the call yet. There will be a moment to look at it calmly."),
    N_("A hard call is part of the job, not a judgment of you. Every rep gets them."),
    N_("Loosen your shoulders and unclench your jaw. Let the breath do the work."),
)

NUDGE_TITLE: dict[NudgeKind, str] = {
    NudgeKind.FIRST: N_("Ready for the next call?"),
    NudgeKind.SECOND: N_("Time to pick up the phone"),
    # Translators: the nudge after the rep asked for "2 more minutes".
    NudgeKind.SNOOZE: N_("Two minutes are up"),
}


def nudge_body(kind: NudgeKind, minutes_since_flag: float) -> str:
    """The text of a nudge, in the rep's language."""
    minutes = max(1, round(minutes_since_flag))
    if kind is NudgeKind.FIRST:
        return ngettext(
            "{n} minute since that call. Start with an easy lead: a friendly one to get your "
            "rhythm back.",
            "{n} minutes since that call. Start with an easy lead: a friendly one to get your "
            "rhythm back.",
            minutes,
        ).format(n=minutes)
    if kind is NudgeKind.SECOND:
        return ngettext(
            "{n} minute since that call. The longer the wait, the harder the next dial. Pick one "
            "easy lead and call now.",
            "{n} minutes since that call. The longer the wait, the harder the next dial. Pick "
            "one easy lead and call now.",
            minutes,
        ).format(n=minutes)
    return _("Pick an easy lead and dial. You've got this.")


FOLLOW_UP: dict[FollowUpKind, str] = {
    FollowUpKind.DEBRIEF: N_("Debrief call: ask what I could have done differently"),
    FollowUpKind.SAVE_DEAL: N_("One more try to save the deal"),
    FollowUpKind.THANK_YOU: N_("Send a thank-you card"),
    FollowUpKind.REFERRAL: N_("Ask for a referral"),
    FollowUpKind.CHECK_IN: N_("Casual check-in: how is the other provider treating them?"),
    FollowUpKind.TALK_IT_OVER: N_("Talk it over with a colleague or my manager"),
}

# Short names of the follow-ups, for lists, checkboxes and reminder titles.
FOLLOW_UP_SHORT: dict[FollowUpKind, str] = {
    FollowUpKind.DEBRIEF: N_("Debrief call"),
    FollowUpKind.SAVE_DEAL: N_("One more try"),
    FollowUpKind.THANK_YOU: N_("Thank-you card"),
    FollowUpKind.REFERRAL: N_("Ask for a referral"),
    # Translators: a follow-up: a casual call some weeks later to ask how things are going.
    FollowUpKind.CHECK_IN: N_("Check-in"),
    # Translators: a follow-up: talk the lost call over with a colleague or the manager.
    FollowUpKind.TALK_IT_OVER: N_("Talk it over"),
}

FOLLOW_UP_HINT: dict[FollowUpKind, str] = {
    FollowUpKind.DEBRIEF: N_("A separate call of about 15 minutes. Listen more than you talk."),
    FollowUpKind.SAVE_DEAL: N_("Stay upbeat: many lost deals can still be turned around."),
    FollowUpKind.THANK_YOU: N_("A short handwritten card is remembered long after the call."),
    FollowUpKind.REFERRAL: N_("They may not buy, but they may know someone who will."),
    FollowUpKind.CHECK_IN: N_("No pitch: just ask how it is going with their new provider."),
    FollowUpKind.TALK_IT_OVER: N_("Once the heat is gone, another view helps you see it clearly."),
}


def followup_title(kind: FollowUpKind, label: str) -> str:
    """A follow-up as the rep sees it in a list or a reminder: its kind and the call's label."""
    if not label:
        return follow_up_short(kind)
    # Translators: a follow-up in a list: {kind} is its short name ("Debrief call"),
    # {label} the prospect or company the rep typed when flagging the call.
    return pgettext("follow-up title", "{kind} — {label}").format(
        kind=follow_up_short(kind), label=label
    )


# -- each text in the rep's language ---------------------------------------------------------


def my_part(part: MyPart) -> str:
    return _(MY_PART[part])


def my_part_short(part: MyPart) -> str:
    return _(MY_PART_SHORT[part])


def loss_reason(reason: LossReason) -> str:
    return _(LOSS_REASON[reason])


def loss_reason_hint(reason: LossReason) -> str:
    return _(LOSS_REASON_HINT[reason])


def phase_name(phase: Phase) -> str:
    return _(PHASE_NAME[phase])


def break_tip(number: int) -> str:
    """The tips take turns: the `number`th one (any whole number, wrapping round)."""
    return _(BREAK_TIPS[number % len(BREAK_TIPS)])


def nudge_title(kind: NudgeKind) -> str:
    return _(NUDGE_TITLE[kind])


def follow_up(kind: FollowUpKind) -> str:
    return _(FOLLOW_UP[kind])


def follow_up_short(kind: FollowUpKind) -> str:
    return _(FOLLOW_UP_SHORT[kind])


def follow_up_hint(kind: FollowUpKind) -> str:
    return _(FOLLOW_UP_HINT[kind])


# The tags every playbook entry can have (`core.playbook.TAGS`), as the rep reads them.
PLAYBOOK_TAG = {
    # Translators: a playbook tag: the objection is about the price.
    "price": N_("price"),
    # Translators: a playbook tag: the objection is about the product.
    "product": N_("product"),
    # Translators: a playbook tag: the objection is about timing ("not now").
    "timing": N_("timing"),
    # Translators: a playbook tag: the objection names a competitor.
    "competitor": N_("competitor"),
    # Translators: a playbook tag: the objection is about trust.
    "trust": N_("trust"),
    # Translators: a playbook tag: any other objection.
    "other": N_("other"),
}


def playbook_tag(tag: str) -> str:
    """A playbook tag as shown: the standard ones translated, the rep's own as typed."""
    return _(PLAYBOOK_TAG[tag]) if tag in PLAYBOOK_TAG else tag
