"""A global shortcut as text ("Ctrl+Alt+B"), checked once and written one way.

The same spelling as Qt's QKeySequence (so the settings window can record it) and as the
desktops' own keyboard settings. A shortcut needs Ctrl, Alt or Super, except for the
function keys: a bare letter would swallow that letter everywhere the rep types.
"""

from __future__ import annotations

from dataclasses import dataclass

from resilience_app.core.errors import UserError
from resilience_app.i18n import _

MODIFIERS = {"ctrl": "Ctrl", "control": "Ctrl", "alt": "Alt", "shift": "Shift",
             "meta": "Meta", "super": "Meta", "win": "Meta"}  # fmt: skip
MODIFIER_ORDER = ("Ctrl", "Alt", "Shift", "Meta")
NAMED_KEYS = {
    name.casefold(): name
    for name in (
        *(f"F{n}" for n in range(1, 25)),
        "Space", "Pause", "Insert", "Delete", "Home", "End", "PgUp", "PgDown",
        "Up", "Down", "Left", "Right", "Return", "Enter", "Backspace", "Tab", "Escape",
        "Print", "ScrollLock",
    )
}  # fmt: skip


class ShortcutError(UserError):
    usage = True


@dataclass(frozen=True)
class Shortcut:
    modifiers: frozenset[str]  # of MODIFIER_ORDER
    key: str  # "B", "7", "F9", "Space"

    def __str__(self) -> str:
        mods = [m for m in MODIFIER_ORDER if m in self.modifiers]
        return "+".join([*mods, self.key])


def parse(text: str) -> Shortcut | None:
    """The shortcut named by `text`, or None for an empty text (no shortcut)."""
    text = text.strip()
    if not text:
        return None
    parts = [p.strip() for p in text.replace(" ", "").split("+")]
    if text.endswith("++"):  # "Ctrl++": the plus key itself
        parts = [*parts[:-2], "+"]
    *mods, key = parts
    modifiers = set()
    for mod in mods:
        name = MODIFIERS.get(mod.casefold())
        if name is None:
            raise ShortcutError(
                # Translators: {key} is what the rep typed, in quotes; Ctrl, Alt, Shift and Super
                # are the names of keys as shortcuts are written (keep them in English).
                _("{key} is not a modifier key; use Ctrl, Alt, Shift or Super.").format(
                    key=repr(mod)
                )
            )
        modifiers.add(name)
    if len(key) == 1 and key.isprintable() and key != " ":
        key = key.upper()
    elif key.casefold() in NAMED_KEYS:
        key = NAMED_KEYS[key.casefold()]
    else:
        raise ShortcutError(
            # Translators: {key} is what the rep typed, in quotes.
            _("{key} is not a key a shortcut can use (try a letter or F1-F12).").format(
                key=repr(key)
            )
        )
    if not modifiers & {"Ctrl", "Alt", "Meta"} and not key.startswith("F"):
        raise ShortcutError(
            # Translators: {shortcut} is a shortcut as the rep typed it ("Shift+B").
            _(
                "{shortcut} needs Ctrl, Alt or Super, or it would take that key from every app."
            ).format(shortcut=text)
        )
    return Shortcut(frozenset(modifiers), key)


def normalize(text: str) -> str:
    """`text` written the one way the app writes shortcuts ("" for none)."""
    shortcut = parse(text)
    return "" if shortcut is None else str(shortcut)


ONE_KEY = {"Enter": "Return"}  # two names of one key: the window systems see one key


def same(first: str, second: str) -> bool:
    """Whether two written shortcuts are one combination (never for "", no shortcut)."""
    a, b = parse(first), parse(second)
    if a is None or b is None:
        return False
    return a.modifiers == b.modifiers and ONE_KEY.get(a.key, a.key) == ONE_KEY.get(b.key, b.key)
