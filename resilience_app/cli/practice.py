"""`playbook practise`: a practice round in the terminal, recall first.

On a terminal: for each card, their words and "say your answer out loud", Enter shows my
answer, then h (had it) or a (again), each mark sent to the running app (or, with none
running, carried out here) before the next card. The round's cards and its time come from
the app (`playbook-due`); after the time (two minutes) no new card comes, the one shown can
be finished. End of input (Ctrl-D) or Ctrl-C stops it with a closing line, exit 0: what was
marked is kept. Without a terminal (a script) it refuses; `--list` prints what is due."""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from resilience_app.cli.channel import ask
from resilience_app.cli.errors import EXIT_OK, EXIT_USAGE, CliError
from resilience_app.cli.output import out
from resilience_app.core.practice import PRACTICE_TIME, PracticeRound
from resilience_app.i18n import _

# The round's time on the terminal's clock that is never stepped (tests put their own).
elapsed = time.monotonic
HAD_IT, AGAIN = "h", "a"  # the letters at the prompt, in every language (as --help says)


def read_mark(line: str) -> bool | None:
    """True for h (had it), False for a (again), None for anything else."""
    word = line.strip().casefold()
    return True if word == HAD_IT else False if word == AGAIN else None


def practise(data_dir: Path, *, listing: bool) -> int:
    stdin = sys.stdin
    if not listing and (stdin is None or not _is_terminal(stdin)):
        raise CliError(
            _(
                "Practice asks you to answer out loud and type a letter, so it needs a "
                "terminal. From a script, `resilience playbook practise --list` prints what "
                "is due."
            ),
            EXIT_USAGE,
        )
    reply = ask(data_dir, "playbook-due")
    cards: list[dict[str, Any]] = list(reply.get("cards") or [])
    if not cards:
        out(str(reply.get("message") or _("Nothing to practice now.")))
        return EXIT_OK
    if listing:
        for card in cards:
            out(f"{str(card['id'])[:8]}  {card['said']}")
        return EXIT_OK
    assert stdin is not None
    seconds = reply.get("seconds")
    budget = timedelta(seconds=seconds) if isinstance(seconds, int) else PRACTICE_TIME
    round_: PracticeRound[dict[str, Any]] = PracticeRound(cards, elapsed(), budget)
    try:
        closing = _run(data_dir, round_, stdin)
    except KeyboardInterrupt:
        out("")
        closing = _("Stopped here. What you marked is kept.")
    out(closing)
    return EXIT_OK


def _is_terminal(stdin: IO[str]) -> bool:
    try:
        return bool(stdin.isatty())
    except (OSError, ValueError):
        return False


def _line(stdin: IO[str]) -> str | None:
    """One line typed, without its end; None at the end of input."""
    try:
        line = stdin.readline()
    except UnicodeDecodeError:
        return "\ufffd"  # not text: asked again like any other line not understood
    except (OSError, ValueError):
        return None
    if not line:
        return None
    return line.rstrip("\r\n")


def _run(data_dir: Path, round_: PracticeRound[dict[str, Any]], stdin: IO[str]) -> str:
    total = len(round_.cards)
    stopped = _("Stopped here. What you marked is kept.")
    while (card := round_.offer(elapsed())) is not None:
        out("")
        # Translators: {n} is the card's number in this round, {total} how many it has;
        # {said} is what a customer said, in the rep's words; keep the quotation marks of
        # your language around it.
        number = round_.position + 1
        out(_("{n}/{total}  “{said}”").format(n=number, total=total, said=card["said"]))
        out(_("Say your answer out loud, then press Enter to see yours."), end=" ")
        if _line(stdin) is None:
            out("")
            return stopped
        out(_("Your answer:"))
        for text in str(card.get("answer") or "").splitlines() or [""]:
            out(f"    {text}")
        while True:
            # Translators: the prompt after the answer is shown; keep [h/a]: the rep types
            # h (had it) or a (again) in every language.
            out(_("Had it, or again? [h/a]"), end=" ")
            line = _line(stdin)
            if line is None:
                out("")
                return stopped
            had_it = read_mark(line)
            if had_it is not None:
                break
            out(_("Type h if you had it, or a to go over it again."))
        ask(data_dir, "playbook-practise", {"id": card["id"], "had_it": had_it})
        round_.marked()
    if round_.left:
        return _("Two minutes are up; that's plenty for now. The rest will come back soon.")
    return _("That's all for now. Each answer comes back when it is due.")
