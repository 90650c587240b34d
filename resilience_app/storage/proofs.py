"""Proofs that a protected journal's files are the ones the app last wrote.

Seals keep a record from being read, moved or changed; they cannot show that a whole month
file was put back to an older copy of itself (every seal in the old copy still opens). So
each file of a protected journal carries, in its `meta`, a generation that goes up with
every write and, when written unlocked, a proof: an HMAC (key derived from the data key)
over the file's name, its generation and its records. `journal/proofs.json` lists the
latest generation of every file, under the same kind of proof.

When a file is opened unlocked:

- a proof that does not match: the file was changed outside the app; each of its
  records is opened, and those that do not open are set aside (the rest is kept);
- a generation below the list's, under a proof that matches: a whole older copy was put
  in its place (set aside, and the last good backup restored);
- no proof (written while locked, when the app holds no secret) and a generation above
  the list's: accepted, and proved on its next write.

What the app writes while locked carries no proof, because it holds no secret then; those
changes can be undone by someone with the disk until the journal is unlocked. A whole
folder put back to an older copy (list and files together) also looks like a real older
state. The README says both.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from resilience_app.files import atomic_write, read_private
from resilience_app.i18n import _
from resilience_app.storage.driver import Tables
from resilience_app.storage.sealing import Sealer

log = logging.getLogger(__name__)
PROOF_FILE = "proofs.json"
PROOF_FORMAT = 1
PROTECTED_SCHEMA = 3  # a month or follow-up file whose records may be sealed
PROOF_KEY_PURPOSE = b"resilience/proof/1"


def same(found: str, expected: str) -> bool:
    """A proof read from a file (any text: a changed byte may not be ASCII) against the
    one expected, in constant time."""
    return hmac.compare_digest(
        found.encode("utf-8", "surrogateescape"), expected.encode("utf-8", "surrogateescape")
    )


def body_digest(data: Tables) -> bytes:
    """SHA-256 of a file's records (everything but its meta), in one canonical form."""
    body = {k: v for k, v in data.items() if k != "meta"}
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).digest()


def meta_of(data: Tables | None) -> dict[str, Any]:
    entry = ((data or {}).get("meta") or {}).get("1")
    return entry if isinstance(entry, dict) else {}


def generation_of(meta: dict[str, Any]) -> int:
    value = meta.get("generation")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


@dataclass(frozen=True)
class Loaded:
    """What a file said about itself when it was read (checked once the key is at hand)."""

    generation: int
    proof: str | None
    digest: bytes

    @classmethod
    def of(cls, data: Tables | None) -> Loaded:
        meta = meta_of(data)
        proof = meta.get("proof")
        return cls(
            generation_of(meta),
            proof if isinstance(proof, str) else None,
            body_digest(data or {}),
        )


class Proofs:
    """Stamps every write of a protected journal and checks every file it opens."""

    def __init__(self, journal_dir: Path, sealer: Sealer) -> None:
        self.path = journal_dir / PROOF_FILE
        self.sealer = sealer
        self._latest: dict[str, int] | None = None  # as the list says (for numbering)
        self._trusted: dict[str, int] | None = None  # the list, once its proof matched
        self.notices: list[str] = []  # sentences for the rep, taken by the store

    # -- keys --------------------------------------------------------------------------

    def _mac(self, message: bytes) -> str:
        key = self.sealer.derived_key(PROOF_KEY_PURPOSE)
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    def proof(self, name: str, generation: int, digest: bytes) -> str:
        return self._mac(f"resilience/proof/1/file/{name}/{generation}/".encode() + digest)

    def _list_proof(self, files: dict[str, int]) -> str:
        text = json.dumps(files, sort_keys=True, separators=(",", ":"))
        return self._mac(b"resilience/proof/1/list/" + text.encode())

    # -- the list ------------------------------------------------------------------------

    def _read(self) -> tuple[dict[str, int], str | None] | None:
        try:
            data = json.loads(read_private(self.path))
            files = data["files"]
            if data.get("format") != PROOF_FORMAT or not isinstance(files, dict):
                return None
            numbers = {
                str(k): v
                for k, v in files.items()
                if isinstance(v, int) and not isinstance(v, bool) and v > 0
            }
            proof = data.get("proof")
            return numbers, proof if isinstance(proof, str) else None
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            return None

    def latest(self) -> dict[str, int]:
        if self._latest is None:
            found = self._read()
            self._latest = dict(found[0]) if found else {}
        return self._latest

    def trusted(self) -> dict[str, int]:
        """The list, checked with the data key (unlocked only). A list that is missing or
        does not match is said once and started again from the files as they open."""
        if self._trusted is None:
            found = self._read()
            if (
                found is not None
                and found[1] is not None
                and same(found[1], self._list_proof(found[0]))
            ):
                self._trusted = dict(found[0])
            else:
                log.error("the list of journal file generations is missing or does not match")
                self.notices.append(
                    _(
                        "Resilience could not check that your journal files are the latest it "
                        "saved: its list of them was missing or changed. They open as they are, "
                        "and the list was made again."
                    )
                )
                self._trusted = {}
                self._latest = dict(found[0]) if found else {}
        return self._trusted

    def _save(self) -> None:
        files = dict(sorted(self.latest().items()))
        document = {"format": PROOF_FORMAT, "files": files, "proof": self._list_proof(files)}
        try:
            atomic_write(self.path, json.dumps(document, indent=1).encode() + b"\n")
        except OSError as exc:
            # The file itself is saved; a list that lags behind only means a rollback to
            # a copy between the two would go unnoticed.
            log.warning("could not update %s: %s", self.path.name, exc)

    # -- writes ---------------------------------------------------------------------------

    def stamp(self, name: str, data: Tables) -> None:
        """Number the file's next write and, unlocked, prove it (called just before it is
        written; in memory, so a failed write is stamped again when it is retried)."""
        if not self.sealer.protected:
            return
        meta = data.setdefault("meta", {}).setdefault("1", {})
        generation = max(generation_of(meta), self.latest().get(name, 0)) + 1
        meta["schema"] = PROTECTED_SCHEMA
        meta["generation"] = generation
        if self.sealer.locked:
            meta.pop("proof", None)
        else:
            meta["proof"] = self.proof(name, generation, body_digest(data))

    def written(self, name: str, data: Tables) -> None:
        """A proved write reached the disk: the list moves up to it."""
        if not self.sealer.protected or self.sealer.locked:
            return
        meta = meta_of(data)
        if not isinstance(meta.get("proof"), str):
            return
        generation = generation_of(meta)
        self.trusted()[name] = generation
        self.latest()[name] = generation
        self._save()

    def forget(self) -> None:
        """The lock was switched on or off: read the list afresh."""
        self._latest = None
        self._trusted = None

    # -- checks ------------------------------------------------------------------------

    def check(self, name: str, loaded: Loaded) -> str | None:
        """Why the file as it was read is not the app's latest copy, or None if it is.
        Unlocked only."""
        found = self.verdict(name, loaded)
        return None if found is None else found[0]

    def verdict(self, name: str, loaded: Loaded) -> tuple[str, bool] | None:
        """`check`, and whether the file is a whole older copy the app once wrote (its
        proof holds, its generation is behind): put back, rather than changed."""
        trusted = self.trusted().get(name, 0)
        if loaded.proof is not None:
            expected = self.proof(name, loaded.generation, loaded.digest)
            if not same(loaded.proof, expected):
                # Translators: why a journal file is not the copy the app last saved; shown
                # in brackets after "Your journal for 2026-11 was not the copy Resilience
                # last saved".
                return _("it was changed outside Resilience"), False
            if loaded.generation < trusted:
                # Translators: why a journal file is not the copy the app last saved (shown in
                # brackets after a sentence saying so).
                return _("it is an older copy than the one Resilience last saved"), True
            return None
        if loaded.generation > trusted:
            return None  # written while locked: proved on its next write
        if loaded.generation == 0 and trusted == 0:
            return None  # a file that was never written protected (new and empty)
        # No proof and not above the list: an older copy written while locked, or a proved
        # file with its proof taken out; its records are checked one by one.
        # Translators: why a journal file is not the copy the app last saved (shown in
        # brackets after a sentence saying so).
        return _("it is an older copy than the one Resilience last saved, or was changed"), False

    def missing(self, present: set[str]) -> list[str]:
        """Files the list knows that are not on disk (unlocked only)."""
        return sorted(name for name in self.trusted() if name not in present)

    def take_notices(self) -> list[str]:
        said, self.notices = self.notices, []
        return said


def new_list(sealer: Sealer, generations: dict[str, int]) -> bytes:
    """The list for a journal just protected (written by `protection.enable`)."""
    proofs = Proofs(Path("."), sealer)
    files = dict(sorted(generations.items()))
    document = {"format": PROOF_FORMAT, "files": files, "proof": proofs._list_proof(files)}
    return json.dumps(document, indent=1).encode() + b"\n"
