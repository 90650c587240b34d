"""The app's vocabulary: phases, reasons, kinds and states, as string enums.

Kept apart from the dataclasses in `models` so the command line can name the choices
without importing them (a dialer hook's `resilience flag` stays quick).
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):
    """Where the rep is in the recovery loop; the tray icon shows it."""

    CALM = "calm"
    BREAK = "break"
    WAITING = "waiting"  # break over, next dial not made yet
    HELD = "held"  # flagged during a call that goes on: the break starts when it ends


class MyPart(StrEnum):
    UNPREPARED = "unprepared"
    PUSHED_TOO_HARD = "pushed_too_hard"
    COULDNT_ANSWER = "couldnt_answer"
    TALKED_TOO_MUCH = "talked_too_much"
    NOT_ME = "not_me"


class LossReason(StrEnum):
    MY_APPROACH = "my_approach"
    PRODUCT_GAP = "product_gap"
    PRICE_OR_TERMS = "price_or_terms"
    TIMING = "timing"
    PROSPECT_BEHAVIOUR = "prospect_behaviour"
    OTHER = "other"


class LossSize(StrEnum):
    """How much a lost call mattered, if the rep says (on the flag or in the note)."""

    SMALL = "small"
    BIG = "big"
    MAKE_OR_BREAK = "make_or_break"


class ReflectionStatus(StrEnum):
    PENDING = "pending"  # nothing written yet
    DRAFT = "draft"  # something typed, not saved ("later", or the window was closed)
    SAVED = "saved"
    DISCARDED = "discarded"


class NudgeKind(StrEnum):
    FIRST = "first"
    SECOND = "second"
    SNOOZE = "snooze"  # "2 more minutes"


class NudgeState(StrEnum):
    PENDING = "pending"
    FIRED = "fired"
    CANCELLED = "cancelled"  # the rep dialed first
    MISSED = "missed"  # fell due while the app was closed; a later nudge fired instead
    SKIPPED = "skipped"  # fell due while the rep was on a call: no nudge during a call
    OFF_HOURS = "off_hours"  # fell due outside the rep's working hours: not shown
    PAUSED = "paused"  # fell due while the rep had paused nudges: not shown


class DialSource(StrEnum):
    """How the app knew the rep was back on the phone."""

    CLICKED = "clicked"  # "I'm dialing", the nudge card, `resilience dialed`
    HOOK = "hook"  # the dialer ran `resilience call start`
    DETECTED = "detected"  # a call was seen using the microphone


class FollowUpKind(StrEnum):
    DEBRIEF = "debrief"  # a separate short call to ask what could have been done differently
    SAVE_DEAL = "save_deal"  # one more try
    THANK_YOU = "thank_you"  # a card
    REFERRAL = "referral"
    CHECK_IN = "check_in"  # casual, a month or three later
    TALK_IT_OVER = "talk_it_over"  # with a colleague or manager, once the heat is gone


class FollowUpState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


class FollowUpOutcome(StrEnum):
    """What came of a follow-up, chosen in one click when it is marked done."""

    WON_BACK = "won_back"  # the deal came back
    REOPENED = "reopened"  # talks started again
    REFERRAL = "referral"  # they named someone else to call
    FEEDBACK = "feedback"  # useful feedback heard
    NO_ANSWER = "no_answer"
    DECLINED = "declined"  # not interested
