"""Turning the passphrase lock on and off: every file rewritten, all or nothing.

Turning it on writes a sealed copy of every journal file, backup and set-aside file into
staging folders (`journal.sealing/`, `backups.sealing/`), then makes `key.json` appear with
one atomic rename: that rename is the moment the journal becomes protected. Only then are
the folders swapped in and the plain ones deleted. Turning it off is the mirror image
(`*.plain-new/`, and `key.json` renamed away is the moment). A kill at any point leaves a
state `recover()` finishes or undoes at the next start, and the rep is told which: never
a mix of sealed and plain files.

The caller holds the instance lock (the running app, or a command working without it).
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from resilience_app import files
from resilience_app.core.errors import UserError
from resilience_app.files import atomic_write, ensure_private_dir, fsync_dir, read_private
from resilience_app.i18n import _
from resilience_app.storage.driver import DamagedFile, Tables, dump, parse
from resilience_app.storage.journal_file import PLAIN_SCHEMA
from resilience_app.storage.keys import (
    KEY_FILE,
    BadSeal,
    WrongPassphrase,
    check_passphrase,
    new_key_file,
    open_data_key,
    write_key_file,
)
from resilience_app.storage.proofs import PROOF_FILE, Proofs, generation_of, meta_of, new_list
from resilience_app.storage.sealing import PRIVATE, Sealer
from resilience_app.storage.store import BACKUP_DIR, JOURNAL_DIR, Store
from resilience_app.storage.summaries import SUMMARY_DIR

log = logging.getLogger(__name__)
SEALED_SUFFIX = ".sealed"  # a whole file sealed as one (set-aside and damaged files)
FOLDERS = (JOURNAL_DIR, BACKUP_DIR)


def _paths(data_dir: Path) -> dict[str, Path]:
    return {
        "key": data_dir / KEY_FILE,
        "key_new": data_dir / f"{KEY_FILE}.new",
        "key_old": data_dir / f"{KEY_FILE}.old",
    }


def _staged(data_dir: Path, suffix: str) -> list[tuple[Path, Path]]:
    return [(data_dir / name, data_dir / f"{name}.{suffix}") for name in FOLDERS]


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _swap_in(data_dir: Path, suffix: str) -> None:
    """Put each staged folder in place of the live one (idempotent after a crash)."""
    for live, staged in _staged(data_dir, suffix):
        if not staged.exists():
            continue
        old = live.with_name(f"{live.name}.{suffix}-old")
        if live.exists():
            _remove(old)
            files.replace(live, old)
        files.replace(staged, live)
        fsync_dir(data_dir)
        _remove(old)


def _abandon(data_dir: Path, suffix: str) -> None:
    """A switch refused before its moment: its staged copies and new key file go."""
    for _live, staged in _staged(data_dir, suffix):
        try:
            _remove(staged)
        except OSError as exc:
            log.error("could not remove %s: %s", staged.name, exc.strerror or exc)
    with contextlib.suppress(OSError):
        _remove(_paths(data_dir)["key_new"])


def _finish(store: Store, suffix: str, data_key: bytes | None, state: str) -> None:
    """After the moment of a switch: swap the staged folders in, and have the store follow
    the key file whatever happens (a store left in the old state would write into folders
    the next start replaces). A refusal is tried once more, as the next start would."""
    data_dir = store.data_dir
    problem: OSError | None = None
    try:
        fsync_dir(data_dir)
        _swap_in(data_dir, suffix)
        with contextlib.suppress(FileNotFoundError):
            _remove(_paths(data_dir)["key_old"])
    except OSError as exc:
        log.error("switching the passphrase lock %s: %s", state, exc.strerror or exc)
        try:
            recover(data_dir)
        except OSError as again:
            problem = again
    store.reopen(data_key)
    if problem is not None:
        reason = problem.strerror or str(problem)
        raise UserError(
            (
                _(
                    "The passphrase lock is on, but its files could not all be put in place "
                    "({reason}). Quit Resilience and start it again to finish."
                )
                if state == "on"
                else _(
                    "The passphrase lock is off, but its files could not all be put in place "
                    "({reason}). Quit Resilience and start it again to finish."
                )
            ).format(reason=reason)
        )


def recover(data_dir: Path) -> list[str]:
    """Finish or undo a switch a kill interrupted; sentences for the rep.

    The key file decides: before `key.json` appears (turning on) or after it is renamed
    away (turning off), the journal is plain; otherwise it is protected. Staged copies for
    the other state are removed, staged copies for this state are swapped in."""
    p = _paths(data_dir)
    said: list[str] = []
    sealing_staged = any(s.exists() for _live, s in _staged(data_dir, "sealing"))
    plain_staged = any(s.exists() for _live, s in _staged(data_dir, "plain-new"))
    if not p["key"].exists():
        if p["key_old"].exists():
            _swap_in(data_dir, "plain-new")
            _remove(p["key_old"])
            said.append(_("The passphrase lock is off (the switch finished now)."))
        elif sealing_staged or p["key_new"].exists():
            for _live, staged in _staged(data_dir, "sealing"):
                _remove(staged)
            _remove(p["key_new"])
            said.append(
                _(
                    "Turning on the passphrase lock was interrupted, so your journal is as it "
                    "was before: not protected. Turn it on again in Settings."
                )
            )
    else:
        if sealing_staged:
            _swap_in(data_dir, "sealing")
            said.append(
                _("Your journal is protected by your passphrase (the switch finished now).")
            )
        if plain_staged:
            for _live, staged in _staged(data_dir, "plain-new"):
                _remove(staged)  # an unfinished plain copy must not stay on disk
            said.append(
                _(
                    "Turning off the passphrase lock was interrupted, so your journal is still "
                    "protected."
                )
            )
        _remove(p["key_new"])
        _remove(p["key_old"])
    for name in FOLDERS:
        for leftover in ("sealing-old", "plain-new-old"):
            _remove(data_dir / f"{name}.{leftover}")
    return said


def _journal_files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        yield from sorted(folder.rglob("*"))


def _rewrite(
    data_dir: Path, suffix: str, convert: Callable[[Path, bytes], tuple[str, bytes] | None]
) -> None:
    """Write every file of the journal and backup folders, converted, into staging."""
    for live, staged in _staged(data_dir, suffix):
        _remove(staged)
        if not live.is_dir():
            continue
        ensure_private_dir(staged)
        for path in _journal_files(live):
            relative = path.relative_to(live)
            if path.is_symlink() or path.name.startswith("."):
                continue  # never followed; temp files of cut writes are not journal
            if live.name == JOURNAL_DIR and relative.parts[0] == SUMMARY_DIR:
                # Counted from the journal, sealed or plain as it was: dropped with it, and
                # counted again (in the new state) when next needed.
                continue
            if path.is_dir():
                ensure_private_dir(staged / relative)
                continue
            converted = convert(path, read_private(path))
            if converted is None:
                continue
            name, data = converted
            target = staged / relative.parent / name
            ensure_private_dir(target.parent)
            atomic_write(target, data)
        fsync_dir(staged)


def _file_of(path: Path) -> str:
    """The file name a record's seal is bound to: the month ("2026-11") or "followups";
    a backup `backups/2026-11/2026-11-24.json` belongs to its month."""
    if path.parent.name != JOURNAL_DIR and path.parent.parent.name == BACKUP_DIR:
        return path.parent.name
    return path.stem


def _is_journal_data(path: Path) -> bool:
    return (
        path.suffix == ".json"
        and path.name != PROOF_FILE
        and not any(tag in path.name for tag in (".set-aside", ".damaged"))
    )


def _is_live(path: Path, data_dir: Path) -> bool:
    """A file of the journal folder itself (not a backup)."""
    return path.parent == data_dir / JOURNAL_DIR


def _convert_docs(
    data: Tables, file: str, change: Callable[[str, str, dict[str, Any]], dict[str, Any]]
) -> Tables:
    out: Tables = {}
    for table, rows in data.items():
        if table in PRIVATE:
            out[table] = {k: change(file, table, dict(v)) for k, v in rows.items()}
        else:
            out[table] = rows
    return out


def enable(store: Store, passphrase: str) -> bytes:
    """Protect the journal with `passphrase`; returns the data key (for the keyring)."""
    if store.protected:
        raise UserError(_("Your journal is already protected; use `resilience passphrase change`."))
    if store.dirty:
        raise UserError(_("Some changes are not on disk yet; try again once they are saved."))
    check_passphrase(passphrase)
    data_dir = store.data_dir
    key, data_key = new_key_file(passphrase)
    sealer = Sealer(key)
    sealer.unlock(data_key)
    proofs = Proofs(data_dir / JOURNAL_DIR, sealer)
    generations: dict[str, int] = {}

    def seal(path: Path, raw: bytes) -> tuple[str, bytes] | None:
        if path.name == PROOF_FILE:
            return None  # a list left from an earlier protected time: made anew below
        if not _is_journal_data(path):
            # A set-aside or damaged file: sealed whole, bound to its own name.
            bound = f"resilience/seal/1/whole-file/{path.name}".encode()
            return path.name + SEALED_SUFFIX, sealer.seal(bound, raw).encode()
        try:
            data = parse(raw) or {}
        except DamagedFile:
            bound = f"resilience/seal/1/whole-file/{path.name}".encode()
            return path.name + SEALED_SUFFIX, sealer.seal(bound, raw).encode()
        file = _file_of(path)
        sealed = _convert_docs(data, file, lambda f, t, d: sealer.seal_doc(f, t, d, None))
        if _is_live(path, data_dir):
            sealed.setdefault("meta", {})["1"] = {}
            proofs.stamp(file, sealed)  # generation 1 (or above an old list), proved
            generations[file] = generation_of(meta_of(sealed))
        return path.name, dump(sealed)

    p = _paths(data_dir)
    try:
        _rewrite(data_dir, "sealing", seal)
        proof_list = data_dir / f"{JOURNAL_DIR}.sealing" / PROOF_FILE
        ensure_private_dir(proof_list.parent)
        atomic_write(proof_list, new_list(sealer, generations))
        write_key_file(p["key_new"], key)
        files.replace(p["key_new"], p["key"])  # the moment the journal is protected
    except OSError as exc:
        _abandon(data_dir, "sealing")
        raise UserError(
            _(
                "Your journal could not be protected ({reason}), so it is as it was: not "
                "protected. Free some space and try again."
            ).format(reason=exc.strerror or exc)
        ) from None
    _finish(store, "sealing", data_key, "on")
    log.info("the passphrase lock is on")
    return data_key


def disable(store: Store, passphrase: str) -> None:
    """Turn the lock off: every file written back in plain text (the passphrase asked again)."""
    key = store.sealer.key
    if key is None:
        raise UserError(_("Your journal is not protected by a passphrase."))
    if store.dirty:
        raise UserError(_("Some changes are not on disk yet; try again once they are saved."))
    data_key = open_data_key(key, passphrase)
    sealer = Sealer(key)
    sealer.unlock(data_key)
    data_dir = store.data_dir

    def open_up(path: Path, raw: bytes) -> tuple[str, bytes] | None:
        if path.name == PROOF_FILE:
            return None  # proofs belong to the protected journal only
        if path.name.endswith(SEALED_SUFFIX):
            bound = f"resilience/seal/1/whole-file/{path.name[: -len(SEALED_SUFFIX)]}".encode()
            return path.name[: -len(SEALED_SUFFIX)], sealer.open(bound, raw.decode())
        if not _is_journal_data(path):
            return path.name, _opened_aside(sealer, path, raw)
        try:
            data = parse(raw) or {}
        except DamagedFile:
            return path.name, _opened_aside(sealer, path, raw)
        plain = _convert_docs(data, _file_of(path), lambda f, t, d: sealer.open_doc(f, t, d)[0])
        if "meta" in plain:
            plain["meta"] = {"1": {"schema": PLAIN_SCHEMA}}
        return path.name, dump(plain)

    p = _paths(data_dir)
    try:
        _rewrite(data_dir, "plain-new", open_up)
        files.replace(p["key"], p["key_old"])  # the moment the journal is plain again
    except (BadSeal, UnicodeDecodeError):
        _abandon(data_dir, "plain-new")
        raise UserError(
            _(
                "A journal file does not open with your key (it was changed or replaced), so "
                "the lock was left on. Start Resilience once to set that file aside, then try "
                "again."
            )
        ) from None
    except OSError as exc:
        _abandon(data_dir, "plain-new")  # no plain copy may stay behind
        raise UserError(
            _(
                "The passphrase lock could not be turned off ({reason}), so your journal is "
                "still protected. Free some space and try again."
            ).format(reason=exc.strerror or exc)
        ) from None
    _finish(store, "plain-new", None, "off")
    log.info("the passphrase lock is off")


def _opened_aside(sealer: Sealer, path: Path, raw: bytes) -> bytes:
    """A file kept aside while the journal was protected (set-aside records, a damaged or
    changed month), with every record that opens opened: the key is about to go, and
    these are kept so that nothing is lost. What does not open stays as it is."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return raw
    if not isinstance(data, dict):
        return raw

    def opened(file: str, table: str, doc: Any) -> Any:
        if table not in PRIVATE or not isinstance(doc, dict):
            return doc
        try:
            return sealer.open_doc(file, table, doc)[0]
        except BadSeal:
            return doc

    records = data.get("records")
    if ".set-aside" in path.name and isinstance(records, list):
        file = Path(str(data.get("set_aside_from", ""))).stem
        for entry in records:
            if isinstance(entry, dict):
                entry["record"] = opened(file, str(entry.get("table")), entry.get("record"))
    else:
        file = path.name.split(".json", 1)[0]  # 2026-11.json.damaged-STAMP
        for table, rows in data.items():
            if isinstance(rows, dict):
                data[table] = {k: opened(file, table, v) for k, v in rows.items()}
    return json.dumps(data, ensure_ascii=True).encode()


def change(store: Store, old: str, new: str) -> None:
    """A new passphrase for the same keys: one small file rewritten, atomically."""
    from resilience_app.storage.keys import rewrapped

    key = store.sealer.key
    if key is None:
        raise UserError(_("Your journal is not protected yet; use `resilience passphrase set`."))
    check_passphrase(new)
    data_key = open_data_key(key, old)
    new_key = rewrapped(key, data_key, new)
    try:
        write_key_file(store.data_dir / KEY_FILE, new_key)
    except OSError as exc:
        raise UserError(
            _(
                "The new passphrase could not be saved ({reason}). Your passphrase is unchanged."
            ).format(reason=exc.strerror or exc)
        ) from None
    # The same data key: nothing else changes, and what the disk has not taken yet (kept
    # in memory) stays where it is. A locked journal stays locked: changing the passphrase
    # is not opening the journal.
    store.sealer.key = new_key
    del data_key


__all__ = ["WrongPassphrase", "change", "disable", "enable", "recover"]
