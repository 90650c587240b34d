from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from resilience_app.core.clock import FakeClock
from resilience_app.core.lookback import WeeklyLookBack, next_lookback
from resilience_app.core.settings import Settings

BERLIN = ZoneInfo("Europe/Berlin")


def test_next_lookback_same_day_later_or_next_week() -> None:
    tuesday_noon = datetime(2026, 11, 24, 12, tzinfo=BERLIN)
    assert next_lookback(tuesday_noon, "tue", "16:30", BERLIN) == datetime(
        2026, 11, 24, 16, 30, tzinfo=BERLIN
    )
    assert next_lookback(tuesday_noon, "tue", "09:00", BERLIN) == datetime(
        2026, 12, 1, 9, 0, tzinfo=BERLIN
    )
    assert next_lookback(tuesday_noon, "fri", "16:30", BERLIN) == datetime(
        2026, 11, 27, 16, 30, tzinfo=BERLIN
    )


def test_next_lookback_across_the_dst_change_keeps_local_time() -> None:
    # From Friday 23 Oct (CEST) to Friday 30 Oct (CET): still 16:30 on the wall clock.
    after = datetime(2026, 10, 23, 17, tzinfo=BERLIN)
    nxt = next_lookback(after, "fri", "16:30", BERLIN)
    assert nxt == datetime(2026, 10, 30, 16, 30, tzinfo=BERLIN)
    assert nxt.astimezone(UTC).hour == 15  # CET is UTC+1


def test_weekly_lookback_is_off_by_default_and_fires_once_a_week() -> None:
    clock = FakeClock(datetime(2026, 11, 24, 12, tzinfo=UTC))
    settings = Settings()
    look = WeeklyLookBack(settings, clock)
    assert look.next_wakeup() is None and not look.tick()
    fired: list[bool] = []
    look.due.connect(lambda: fired.append(True))
    settings.set("lookback.enabled", "on")
    when = look.next_wakeup()
    assert when is not None and when > clock.now()
    clock.set(when)
    assert look.tick() and fired == [True]
    assert look.next_wakeup() is not None
    assert look.next_wakeup() - when == timedelta(days=7) or abs(  # type: ignore[operator]
        (look.next_wakeup() - when) - timedelta(days=7)  # type: ignore[operator]
    ) <= timedelta(hours=1)  # a DST change in between moves UTC by an hour
    assert not look.tick()
    settings.set("lookback.enabled", "off")
    assert look.next_wakeup() is None
