"""Every sentence the app shows about the loop, in one place and in our own words."""

from __future__ import annotations

from resilience_app.core.models import FollowUpKind, LossReason, MyPart, NudgeKind, Phase

MY_PART: dict[MyPart, str] = {
    MyPart.UNPREPARED: "I wasn't prepared",
    MyPart.PUSHED_TOO_HARD: "I pushed too hard",
    MyPart.COULDNT_ANSWER: "I couldn't answer a question",
    MyPart.TALKED_TOO_MUCH: "I talked too much",
    MyPart.NOT_ME: "Nothing — it wasn't me",
}

LOSS_REASON: dict[LossReason, str] = {
    LossReason.MY_APPROACH: "My approach",
    LossReason.PRODUCT_GAP: "A need our product doesn't meet",
    LossReason.PRICE_OR_TERMS: "Price or terms",
    LossReason.TIMING: "Timing",
    LossReason.PROSPECT_BEHAVIOUR: "The prospect's behaviour",
    LossReason.OTHER: "Something else",
}

# Short forms for chart axes, where the full sentence would be cut off.
LOSS_REASON_SHORT: dict[LossReason, str] = {
    LossReason.MY_APPROACH: "My approach",
    LossReason.PRODUCT_GAP: "Product gap",
    LossReason.PRICE_OR_TERMS: "Price, terms",
    LossReason.TIMING: "Timing",
    LossReason.PROSPECT_BEHAVIOUR: "Their behaviour",
    LossReason.OTHER: "Other",
}
MY_PART_SHORT: dict[MyPart, str] = {
    MyPart.UNPREPARED: "Unprepared",
    MyPart.PUSHED_TOO_HARD: "Pushed too hard",
    MyPart.COULDNT_ANSWER: "No answer",
    MyPart.TALKED_TOO_MUCH: "Talked too much",
    MyPart.NOT_ME: "Not me",
}

# What to do with each kind of reason: a skill to practise, a gap to pass on upwards,
# or conditions to talk over. Shown under the choice, never as a verdict.
LOSS_REASON_HINT: dict[LossReason, str] = {
    LossReason.MY_APPROACH: "A skill to practise: a line of script or a question to prepare.",
    LossReason.PRODUCT_GAP: "Not yours to fix. Worth passing on to your manager or product team.",
    LossReason.PRICE_OR_TERMS: "Maybe something to talk over with your manager for next time.",
    LossReason.TIMING: "Timing is outside your hands. A check-in later may land differently.",
    LossReason.PROSPECT_BEHAVIOUR: "How they behaved says more about their day than about you.",
    LossReason.OTHER: "Whatever it was, writing it down helps you see it clearly later.",
}

PHASE_NAME: dict[Phase, str] = {
    Phase.CALM: "calm",
    Phase.BREAK: "on a break",
    Phase.WAITING: "waiting for your next dial",
}

# Shown during a break, one at a time.
BREAK_TIPS: tuple[str, ...] = (
    "Keep this one to yourself for a few minutes. Retelling it right now tends to make it "
    "feel bigger than it was.",
    "Stand up, stretch, or fetch a glass of water. A change of scene helps the body settle.",
    "No need to replay the call yet. There will be a moment to look at it calmly.",
    "A hard call is part of the job, not a judgement of you. Every rep gets them.",
    "Loosen your shoulders and unclench your jaw. Let the breath do the work.",
)

NUDGE_TITLE: dict[NudgeKind, str] = {
    NudgeKind.FIRST: "Ready for the next call?",
    NudgeKind.SECOND: "Time to pick up the phone",
    NudgeKind.SNOOZE: "Two minutes are up",
}


def nudge_body(kind: NudgeKind, minutes_since_flag: float) -> str:
    minutes = max(1, round(minutes_since_flag))
    since = f"{minutes} minute{'s' if minutes != 1 else ''} since that call."
    if kind is NudgeKind.FIRST:
        return f"{since} Start with an easy lead: a friendly one to get your rhythm back."
    if kind is NudgeKind.SECOND:
        return (
            f"{since} The longer the wait, the harder the next dial. Pick one easy lead and "
            "call now."
        )
    return "Pick an easy lead and dial. You've got this."


FOLLOW_UP: dict[FollowUpKind, str] = {
    FollowUpKind.DEBRIEF: "Debrief call: ask what I could have done differently",
    FollowUpKind.SAVE_DEAL: "One more try to save the deal",
    FollowUpKind.THANK_YOU: "Send a thank-you card",
    FollowUpKind.REFERRAL: "Ask for a referral",
    FollowUpKind.CHECK_IN: "Casual check-in: how is the other provider treating them?",
    FollowUpKind.TALK_IT_OVER: "Talk it over with a colleague or my manager",
}

FOLLOW_UP_SHORT: dict[FollowUpKind, str] = {
    FollowUpKind.DEBRIEF: "Debrief call",
    FollowUpKind.SAVE_DEAL: "One more try",
    FollowUpKind.THANK_YOU: "Thank-you card",
    FollowUpKind.REFERRAL: "Ask for a referral",
    FollowUpKind.CHECK_IN: "Check-in",
    FollowUpKind.TALK_IT_OVER: "Talk it over",
}

FOLLOW_UP_HINT: dict[FollowUpKind, str] = {
    FollowUpKind.DEBRIEF: "A separate call of about 15 minutes. Listen more than you talk.",
    FollowUpKind.SAVE_DEAL: "Stay upbeat: many lost deals can still be turned around.",
    FollowUpKind.THANK_YOU: "A short handwritten card is remembered long after the call.",
    FollowUpKind.REFERRAL: "They may not buy, but they may know someone who will.",
    FollowUpKind.CHECK_IN: "No pitch: just ask how it is going with their new provider.",
    FollowUpKind.TALK_IT_OVER: "Once the heat is gone, another view helps you see it clearly.",
}


def followup_title(kind: FollowUpKind, label: str) -> str:
    who = f" — {label}" if label else ""
    return f"{FOLLOW_UP_SHORT[kind]}{who}"
