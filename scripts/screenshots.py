"""Retake docs/screenshots/*.png: the real app on a virtual desktop, driven like a rep would.

Run with `make screenshots`. Every picture comes from the running app, never a mock-up.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from resilience_app.core.clock import FakeClock  # noqa: E402
from resilience_app.core.models import (  # noqa: E402
    FollowUp,
    FollowUpKind,
    FollowUpOutcome,
    FollowUpState,
    Incident,
    LossReason,
    MyPart,
    Reflection,
)
from resilience_app.service.build import open_service  # noqa: E402
from resilience_app.storage.store import Store  # noqa: E402
from tests.demo import generate  # noqa: E402
from tests.end2end.desktop import Geometry, VirtualDesktop  # noqa: E402
from tests.end2end.sound import SoundServer  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PASSPHRASE = "blue kettle on a sunday"


def seed(data_dir: Path) -> None:
    """Two weeks of a rep's record, so the journal and the break have something to show."""
    clock = FakeClock(datetime.now(UTC) - timedelta(days=14))
    service = open_service(data_dir, clock=clock)
    service.open_offline()
    calls = (
        (
            "Northwind",
            8,
            "They wanted a discount I couldn't give",
            MyPart.COULDNT_ANSWER,
            LossReason.PRICE_OR_TERMS,
            "Know the discount rules before the call",
            ["Booked a follow-up demo with their ops lead"],
        ),
        (
            "Fabrikam",
            6,
            "Budget frozen until spring",
            MyPart.NOT_ME,
            LossReason.TIMING,
            "Ask about budget cycles early",
            ["They asked me to call back in March"],
        ),
        (
            "Tailspin Toys",
            9,
            "The buyer shouted and hung up",
            MyPart.NOT_ME,
            LossReason.PROSPECT_BEHAVIOUR,
            "Don't take the tone home",
            ["I stayed calm and polite"],
        ),
        (
            "Litware",
            5,
            "They needed an integration we don't have",
            MyPart.NOT_ME,
            LossReason.PRODUCT_GAP,
            "Pass the integration request to product",
            ["Got past the gatekeeper on the first try"],
        ),
        (
            "Adventure Works",
            7,
            "I talked over their questions",
            MyPart.TALKED_TOO_MUCH,
            LossReason.MY_APPROACH,
            "Ask, then count to three before answering",
            ["Good opener: they laughed"],
        ),
    )
    for n, (label, rough, what, part, reason, lesson, positives) in enumerate(calls):
        incident = service.flag(label, rough).incident
        clock.advance(minutes=3)
        service.tick()
        planned = []
        if n in (0, 1, 3):
            kind = (FollowUpKind.DEBRIEF, FollowUpKind.CHECK_IN, FollowUpKind.SAVE_DEAL)[
                n // 2 if n < 3 else 2
            ]
            planned.append((kind, datetime.now(UTC) + timedelta(days=n + 1, hours=2)))
        service.save_note(
            incident.id, Reflection(what, part, reason, lesson, positives, rough - 3), planned
        )
        clock.advance(minutes=7)
        service.dialed()
        clock.advance(minutes=60 * 24 * 2 + 37 * n)
    clock.advance(minutes=-60 * 24 * 3)
    service.add_positive("Closed the Contoso renewal")
    clock.advance(minutes=60 * 24 * 2)
    service.add_positive("A customer thanked me")
    seed_playbook(service, clock)
    service.close()


# What customers said that the rep could not answer at the time, with the answers written
# later (one still waiting for its answer), as a rep's playbook looks after a few weeks.
PLAYBOOK = (
    (
        "Why are you dearer than the others?",
        "We cost more up front and less over three years: no set-up fee and support is "
        "included. Shall I show you the numbers for a team your size?",
        ["price", "competitor"],
        ("Your price is higher than what we pay now.", "You're more expensive than X."),
    ),
    (
        "Does it work with our CRM?",
        "Yes for the big three; for the rest we import a CSV each night. Which one do you use?",
        ["product"],
        (),
    ),
    (
        "Send me something by email and I'll look at it.",
        "Happy to. So I send the right thing: what would make it worth a second look for you?",
        ["timing", "trust"],
        ("Just email me the details.",),
    ),
    ("We signed with someone else last month.", "", ["competitor"], ()),
)


def seed_playbook(service: Any, clock: FakeClock) -> None:
    for said, answer, tags, also in PLAYBOOK:
        entry = service.playbook.add(said, answer=answer, tags=tags)
        for other in also:
            clock.advance(minutes=90)
            twin = service.playbook.add(other)
            entry = service.playbook.merge(entry.id, twin.id)
        if answer:
            service.playbook.practise(entry.id, had_it=True)
        clock.advance(minutes=60 * 5)


def followups_for(incidents: list[Incident]) -> list[FollowUp]:
    """Debriefs, save attempts and check-ins after some of the calls, most of them done,
    with what came of them and now and then a line heard."""
    heard = [
        "They went with a cheaper plan, but liked our support",
        "The decision was made before my call",
        "They need a CRM integration first",
        "Budget opens again in March",
        "My pitch was too long for a first call",
    ]
    outcomes = [
        FollowUpOutcome.REOPENED,
        FollowUpOutcome.FEEDBACK,
        FollowUpOutcome.NO_ANSWER,
        FollowUpOutcome.DECLINED,
        FollowUpOutcome.WON_BACK,
        FollowUpOutcome.REFERRAL,
        FollowUpOutcome.FEEDBACK,
    ]
    kinds = [FollowUpKind.DEBRIEF, FollowUpKind.SAVE_DEAL, FollowUpKind.CHECK_IN]
    made = []
    now = datetime.now(UTC)
    for n, incident in enumerate(incidents[::3]):
        due = incident.flagged_at + timedelta(days=2)
        done = due < now - timedelta(days=1)
        made.append(
            FollowUp(
                f"f{n:04d}",
                incident.id,
                kinds[n % 3],
                due,
                incident.flagged_at,
                FollowUpState.DONE if done else FollowUpState.PENDING,
                done_at=due if done else None,
                outcome=outcomes[n % len(outcomes)] if done else None,
                outcome_note=heard[n % len(heard)] if done and n % 2 == 0 else "",
            )
        )
    return made


def reveal_card(desktop: VirtualDesktop, card: int) -> None:
    """A click on the nudge card (never on a button), then Space: the playbook's answer."""
    geometry = desktop.window_geometry(card)
    desktop.click(geometry.x + geometry.width // 2, geometry.y + 12)
    time.sleep(0.2)
    desktop.key(card, "space")
    time.sleep(0.4)


def playbook_shots(
    desktop: VirtualDesktop,
    cli: Any,
    suffix: str,
    journal_title: str = "my journal",
    practice_title: str = "practice my answers",
) -> None:
    """The Playbook tab with an entry chosen, then practice with the answer shown."""
    cli("journal", "--tab", "playbook")
    journal = desktop.wait_for_window(journal_title, timeout=5)
    time.sleep(0.4)
    desktop.key(journal, "Tab Down")  # from the search into the list, then the first entry
    time.sleep(0.4)
    desktop.screenshot(OUT / f"journal-playbook{suffix}.png", desktop.window_geometry(journal))
    desktop.key(journal, "alt+a")  # Practice my answers
    practice = desktop.wait_for_window(practice_title, timeout=5)
    time.sleep(0.3)
    desktop.key(practice, "space")
    time.sleep(0.4)
    desktop.screenshot(OUT / f"practice{suffix}.png", desktop.window_geometry(practice))
    desktop.key(practice, "Escape")
    desktop.key(journal, "Escape")
    time.sleep(0.3)


def in_german(*titles: str) -> list[str]:
    """Window titles as the German catalog writes them, as patterns for xdotool."""
    import re

    from resilience_app import i18n

    i18n.set_language("de")
    try:
        return [re.escape(i18n._(t)) for t in titles]
    finally:
        i18n.set_language("en")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    # Tall enough for the Insights window to show most of its charts at once.
    with (
        tempfile.TemporaryDirectory() as tmp,
        VirtualDesktop(1280, 1100) as desktop,
        SoundServer(Path(desktop.env["XDG_RUNTIME_DIR"])) as sound,
    ):
        data_dir = Path(tmp) / "data"
        seed(data_dir)
        command = [sys.executable, "-m", "resilience_app", "--data-dir", str(data_dir)]

        def cli(*args: str) -> None:
            subprocess.run([*command, *args], env=desktop.env, check=True, capture_output=True)

        cli("config", "set", "break.pattern", "box")
        # A plain desk colour instead of Xvfb's black root window.
        desktop.run(["xsetroot", "-solid", "#d5dbe0"])
        app = desktop.spawn(command, env=desktop.env)
        desktop.wait_for_tray_icons(1, timeout=15)
        time.sleep(0.5)

        # 1. The tray menu, opened with a right click on the icon.
        desktop.click_tray_icon(0, button=3)
        time.sleep(0.6)
        tray = desktop.tray_geometry()
        region = Geometry(tray.x + tray.width - 330, tray.y + tray.height - 200, 330, 200)
        desktop.screenshot(OUT / "tray-menu.png", region)
        desktop.key(None, "Escape")
        time.sleep(0.3)

        # 2. The break window, a couple of seconds into the first in-breath.
        cli("flag", "--label", "Contoso", "--rough", "7")
        window = desktop.wait_for_window("take a breath", timeout=5)
        time.sleep(2.6)
        desktop.screenshot(OUT / "break-window.png", window)

        # 3. The note, half written.
        desktop.key(window, "ctrl+Return")
        form = desktop.wait_for_window("a private note", timeout=5)
        time.sleep(0.4)
        desktop.type_text(form, "They hung up when I mentioned the contract length")
        desktop.key(form, "Tab Down Down Down Tab Down Down Down Tab")
        desktop.type_text(form, "Lead with value before terms")
        desktop.key(form, "Tab")
        desktop.type_text(form, "They listened for five minutes")
        # On to the mood slider (it waits, unrated, in the middle: one step right is 6),
        # past its clear button to how big it was, then the follow-ups switch (Space).
        desktop.key(form, "Tab Right Tab Tab Tab space")  # and past it to "Big"
        desktop.key(form, "Tab Tab space")  # past "Make-or-break", the follow-ups open
        time.sleep(0.3)
        desktop.key(form, "Tab space")  # tick the debrief call
        time.sleep(0.4)
        desktop.screenshot(OUT / "reflection-form.png", desktop.window_geometry(form))
        desktop.key(form, "alt+l")

        # 4. The firm nudge card (a 2-minute snooze shows it sooner than 15 minutes).
        cli("config", "set", "nudge.first_minutes", "0.04")
        cli("config", "set", "nudge.second_minutes", "0.08")
        cli("dialed")
        cli("flag")
        window = desktop.wait_for_window("take a breath", timeout=5)
        desktop.key(window, "ctrl+Return")
        form = desktop.wait_for_window("a private note", timeout=5)
        desktop.key(form, "alt+l")
        card = desktop.wait_for_window("back to the phone", timeout=15)
        time.sleep(0.4)
        desktop.screenshot(OUT / "nudge-card.png", card)
        # The card from the playbook on it: a click on the card, then Space shows the answer.
        reveal_card(desktop, card)
        desktop.screenshot(OUT / "nudge-card-answer.png", desktop.window_geometry(card))
        cli("dialed")

        # 5. Settings, back at the defaults a rep starts with, while a softphone is on a
        #    call (what the app sees shows under the call settings).
        cli("config", "set", "nudge.second_minutes", "15")
        cli("config", "set", "nudge.first_minutes", "10")
        with sound.softphone("Zoiper"):
            time.sleep(1)
            cli("settings")
            window = desktop.wait_for_window("settings", timeout=5)
            time.sleep(0.4)
            desktop.screenshot(OUT / "settings.png", desktop.window_geometry(window))
            desktop.key(window, "alt+c")  # the Calls tab: what the app sees right now
            time.sleep(0.4)
            desktop.screenshot(OUT / "settings-calls.png", desktop.window_geometry(window))
            desktop.key(window, "Escape")

        # 5b. After a call, the quiet offer to flag it (opt-in).
        cli("config", "set", "calls.offer_flag", "on")
        with sound.softphone("Zoiper"):
            time.sleep(6.5)  # a call: longer than a device test
        offer = desktop.wait_for_window("rough call", timeout=10)
        time.sleep(0.4)
        desktop.screenshot(OUT / "flag-offer.png", desktop.window_geometry(offer))
        cli("config", "set", "calls.offer_flag", "off")

        # 6. The journal: positives, calls, and what is coming up.
        for tab in ("positives", "calls", "upcoming"):
            cli("journal", "--tab", tab)
            journal = desktop.wait_for_window("my journal", timeout=5)
            time.sleep(0.5)
            desktop.screenshot(OUT / f"journal-{tab}.png", journal)
        # The playbook: an entry chosen, with its answer, tags and what else was said.
        playbook_shots(desktop, cli, "")
        cli("journal", "--tab", "upcoming")
        journal = desktop.wait_for_window("my journal", timeout=5)
        time.sleep(0.4)
        # The soonest follow-up is selected, with its script; Done asks what came of it.
        desktop.key(journal, "alt+d")
        dialog = desktop.wait_for_window("what came of it", timeout=5)
        time.sleep(0.4)
        desktop.type_text(dialog, "They chose a cheaper plan, but liked the demo")
        desktop.screenshot(OUT / "outcome.png", desktop.window_geometry(dialog))
        desktop.key(dialog, "Escape")

        # 7. The passphrase lock: turning it on warns once; a locked journal asks first.
        cli("settings")
        window = desktop.wait_for_window("settings", timeout=5)
        desktop.key(window, "alt+v")  # the Privacy tab
        time.sleep(0.3)
        desktop.key(window, "alt+p")
        dialog = desktop.wait_for_window("protect your journal", timeout=5)
        time.sleep(0.5)
        desktop.screenshot(OUT / "passphrase-set.png", desktop.window_geometry(dialog))
        desktop.type_text(dialog, PASSPHRASE)
        desktop.key(dialog, "Tab")
        desktop.type_text(dialog, PASSPHRASE)
        desktop.key(dialog, "Return")
        desktop.wait_until_gone(dialog, timeout=20)
        desktop.key(window, "Escape")
        cli("lock")
        cli("journal")
        dialog = desktop.wait_for_window("unlock your journal", timeout=5)
        desktop.type_text(dialog, "not my passphrase")
        desktop.key(dialog, "Return")
        time.sleep(1.2)
        desktop.screenshot(OUT / "unlock-dialog.png", desktop.window_geometry(dialog))
        desktop.key(dialog, "ctrl+a")
        desktop.type_text(dialog, PASSPHRASE)
        desktop.key(dialog, "Return")
        desktop.wait_for_window("my journal", timeout=10)
        app.terminate(timeout=10)

        # 8. The same app in German and in dark colours, with working hours set.
        german = Path(tmp) / "german"
        seed(german)
        command = [sys.executable, "-m", "resilience_app", "--data-dir", str(german)]
        for key, value in (
            ("ui.language", "de"),
            ("ui.theme", "dark"),
            ("work.limit", "on"),
            ("work.gap", "12:30-13:15"),
            ("break.pattern", "box"),
        ):
            cli("config", "set", key, value)
        title = in_german("Take a breath", "A private note", "Settings", "My journal")
        app = desktop.spawn(command, env=desktop.env)
        desktop.wait_for_tray_icons(1, timeout=15)
        cli("flag", "--label", "Contoso", "--rough", "7")
        window = desktop.wait_for_window(title[0], timeout=5)
        time.sleep(2.6)
        desktop.screenshot(OUT / "break-window-de-dark.png", window)
        desktop.key(window, "ctrl+Return")
        form = desktop.wait_for_window(title[1], timeout=5)
        time.sleep(0.4)
        desktop.type_text(form, "Er hat nach dem Preis aufgelegt")
        desktop.screenshot(OUT / "reflection-form-de-dark.png", desktop.window_geometry(form))
        desktop.key(form, "Escape")  # later: the draft is kept
        with sound.softphone("Zoiper"):  # Calls lists it under "Seen lately"
            time.sleep(1)
            cli("settings")
            window = desktop.wait_for_window(title[2], timeout=5)
            desktop.key(window, "ctrl+Tab")  # Breaks -> Calls
            time.sleep(0.5)
            desktop.screenshot(OUT / "settings-calls-de-dark.png", desktop.window_geometry(window))
            desktop.key(window, "ctrl+Tab")  # Calls -> Working hours
            time.sleep(0.5)
            desktop.screenshot(OUT / "settings-hours-de-dark.png", desktop.window_geometry(window))
            desktop.key(window, "Escape")
        cli("journal", "--tab", "upcoming")
        journal = desktop.wait_for_window(title[3], timeout=5)
        time.sleep(0.5)
        desktop.screenshot(OUT / "journal-upcoming-de-dark.png", journal)
        playbook_shots(desktop, cli, "-de-dark", title[3], in_german("Practice my answers")[0])
        cli("config", "set", "nudge.first_minutes", "0.04")
        cli("config", "set", "work.limit", "off")
        cli("flag")
        window = desktop.wait_for_window(title[0], timeout=5)
        desktop.key(window, "ctrl+Return")
        form = desktop.wait_for_window(title[1], timeout=5)
        desktop.key(form, "Escape")
        card = desktop.wait_for_window(in_german("Back to the phone")[0], timeout=15)
        reveal_card(desktop, card)
        desktop.screenshot(OUT / "nudge-card-answer-de-dark.png", desktop.window_geometry(card))
        cli("dialed")
        app.terminate(timeout=10)

        # 6. Insights over four months of a believable record.
        history = Path(tmp) / "history"
        store = Store(history)
        incidents, nudges = generate(datetime.now(UTC), 120)
        store.add_many(incidents, nudges, followups_for(incidents))
        store.close()
        command = [sys.executable, "-m", "resilience_app", "--data-dir", str(history)]
        app = desktop.spawn(command, env=desktop.env)
        desktop.wait_for_tray_icons(1, timeout=15)
        cli("insights")
        window = desktop.wait_for_window("insights", timeout=10)
        desktop.run(["xdotool", "windowsize", str(window), "780", "1060"])
        time.sleep(0.8)
        desktop.screenshot(OUT / "insights.png", desktop.window_geometry(window))
        # Further down: what follow-ups brought, and the feedback next to the lessons.
        geometry = desktop.window_geometry(window)
        desktop.run(["xdotool", "mousemove", str(geometry.x + 390), str(geometry.y + 600)])
        desktop.run(["xdotool", "click", "--repeat", "22", "--delay", "20", "5"])
        time.sleep(0.6)
        desktop.screenshot(OUT / "insights-followups.png", geometry)
        # The report for the manager: counts only until a line is ticked.
        desktop.key(window, "alt+s")
        report = desktop.wait_for_window("share with my manager", timeout=10)
        time.sleep(0.8)
        desktop.screenshot(OUT / "report-preview.png", desktop.window_geometry(report))
        app.terminate(timeout=10)
    for path in sorted(OUT.glob("*.png")):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
