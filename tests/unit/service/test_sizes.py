"""How big a loss was (small, big, make-or-break): on the flag and later, kept with the
call's private part, and after a big one the nudge leads with an easy call."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from resilience_app.core.clock import FakeClock
from resilience_app.core.errors import UserError
from resilience_app.core.models import FollowUpKind, LossSize
from resilience_app.core.sizes import SizeDial
from resilience_app.service import Service
from resilience_app.storage.sealing import Locked
from resilience_app.storage.store import Store
from tests.files import files_holding
from tests.unit.service.helpers import Channel
from tests.unit.service.test_lock import PASS, build

PLAIN_LEAD = "pick an easy, friendly lead first"


def test_the_flag_keeps_its_size_and_set_size_changes_it(
    service: Service, store: Store, data_dir: Path
) -> None:
    call = service.flag("Acme", 6, LossSize.BIG).incident
    assert call.size is LossSize.BIG
    again = service.flag(size=LossSize.MAKE_OR_BREAK)  # the break brought back, said again
    assert again.already_on_break and again.incident.size is LossSize.MAKE_OR_BREAK
    service.set_size(call.id, LossSize.SMALL)
    store.close()
    reopened = Store(data_dir)
    try:
        found = reopened.incident(call.id)
        assert found is not None and found.size is LossSize.SMALL
    finally:
        reopened.close()


def test_set_size_can_take_it_back_and_names_a_call_that_is_gone(service: Service) -> None:
    call = service.flag(size=LossSize.BIG).incident
    assert service.set_size(call.id, None).size is None
    assert service.incident(call.id).size is None
    with pytest.raises(UserError, match="no longer in the journal"):
        service.set_size("no-such-call", LossSize.BIG)


def test_a_flag_without_a_size_leaves_it_unsaid(service: Service) -> None:
    assert service.flag("Acme").incident.size is None


def test_the_size_is_sealed_with_the_passphrase(data_dir: Path, clock: FakeClock) -> None:
    service, _ = build(data_dir, clock)
    service.set_passphrase(PASS)
    call = service.flag(size=LossSize.MAKE_OR_BREAK).incident
    assert files_holding(data_dir, ["make_or_break"]) == []
    service.close()
    again, _ = build(data_dir, clock)
    again.start()
    assert again.locked
    again.unlock(PASS)
    assert again.incident(call.id).size is LossSize.MAKE_OR_BREAK
    again.close()


def test_while_locked_only_the_call_on_break_takes_a_size(data_dir: Path, clock: FakeClock) -> None:
    service, _ = build(data_dir, clock)
    old = service.flag().incident
    service.dialed()
    service.set_passphrase(PASS)
    service.close()
    again, _ = build(data_dir, clock)
    again.start()
    assert again.locked
    with pytest.raises(Locked):
        again.set_size(old.id, LossSize.BIG)
    now = again.flag().incident
    again.set_size(now.id, LossSize.BIG)  # from the break window, locked or not
    assert files_holding(data_dir, ['"big"']) == []
    again.unlock(PASS)
    assert again.incident(now.id).size is LossSize.BIG
    again.close()


# -- after a big loss, an easy call first ---------------------------------------------------


def nudged(service: Service, clock: FakeClock, size: LossSize | None, *, lead: bool) -> str:
    """The first nudge's text after a flag of `size`, with a check-in due or not."""
    desktop = Channel("desktop")
    service.notifier.add(desktop)
    if lead:
        earlier = service.flag("Litware").incident
        service.dialed()
        service.add_followup(FollowUpKind.CHECK_IN, earlier.id, in_minutes=5)
    service.flag("Fabrikam", size=size)
    clock.advance(minutes=10)
    service.tick()
    # The check-in's own reminder went out too; the nudge is the one with its title.
    [body] = [body for title, body, _urgent in desktop.sent if title == "Ready for the next call?"]
    return body


EASY = "Litware is due a check-in: an easy call to start with."


@pytest.mark.parametrize("size", [LossSize.BIG, LossSize.MAKE_OR_BREAK])
def test_after_a_big_loss_the_nudge_leads_with_the_easy_follow_up(
    service: Service, clock: FakeClock, size: LossSize
) -> None:
    body = nudged(service, clock, size, lead=True)
    assert body.startswith(EASY) and len(body) > len(EASY)


def test_after_a_big_loss_with_no_easy_follow_up_it_says_pick_an_easy_lead(
    service: Service, clock: FakeClock
) -> None:
    body = nudged(service, clock, LossSize.BIG, lead=False)
    assert body.startswith("That one was big: " + PLAIN_LEAD)


@pytest.mark.parametrize("size", [LossSize.SMALL, None])
def test_after_a_small_or_unsaid_loss_the_nudge_is_as_before(
    service: Service, clock: FakeClock, size: LossSize | None
) -> None:
    with_lead = nudged(service, clock, size, lead=True)
    assert with_lead.endswith(" " + EASY) and not with_lead.startswith(EASY)


def test_after_a_small_loss_without_a_lead_nothing_is_added(
    service: Service, clock: FakeClock
) -> None:
    body = nudged(service, clock, LossSize.SMALL, lead=False)
    assert PLAIN_LEAD not in body and "Litware" not in body


# -- time to the next dial by size ----------------------------------------------------------


def test_time_to_next_dial_by_size_over_the_period(service: Service, clock: FakeClock) -> None:
    for size, minutes in [(LossSize.BIG, 20), (LossSize.BIG, 10), (None, 4), (LossSize.SMALL, 2)]:
        service.flag(size=size)
        clock.advance(minutes=minutes)
        service.dialed()
    service.flag(size=LossSize.MAKE_OR_BREAK)  # not dialed yet
    rows = service.dial_by_size_days(7)
    assert rows == [
        SizeDial(LossSize.SMALL, 1, 1, 2.0),
        SizeDial(LossSize.BIG, 2, 2, 15.0),
        SizeDial(LossSize.MAKE_OR_BREAK, 1, 0, None),
        SizeDial(None, 1, 1, 4.0),
    ]
    assert service.dial_by_size_days(0) == rows  # all of it
    later = clock.now().astimezone().date().replace(year=2099)
    assert service.dial_by_size(later, date(2099, 12, 31)) == []
