"""A damaged `key.json` is told apart from a wrong passphrase, and says what to do."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from resilience_app.core.errors import UserError
from resilience_app.storage import keys, protection
from resilience_app.storage.store import Store

pytestmark = pytest.mark.usefixtures("fast_kdf")
PASS = "correct horse battery"
DAMAGED = (
    "Your journal's key file ({path}) is damaged, so even the right passphrase cannot open "
    "your journal. Put key.json back from a backup copy of the data folder (Resilience "
    "keeps no copy of it), then unlock again. Nothing was changed."
)
FIELDS = ["wrapped_private_key", "wrapped_data_key", "public_key", "salt"]


def protect(data_dir: Path) -> bytes:
    store = Store(data_dir)
    data_key = protection.enable(store, PASS)
    store.close()
    return data_key


def flip(data_dir: Path, field: str, *, drop_check: bool = False) -> None:
    """One byte of one field changed (inside its base64, so the file still parses)."""
    path = data_dir / "key.json"
    data = json.loads(path.read_text())
    holder = data["kdf"] if field == "salt" else data
    raw = bytearray(base64.b64decode(holder[field]))
    raw[len(raw) // 2] ^= 0x01
    holder[field] = base64.b64encode(bytes(raw)).decode()
    if drop_check:
        data.pop("check")  # a key file written before the check existed
    path.write_text(json.dumps(data, indent=2))


def unlock(data_dir: Path, passphrase: str) -> None:
    store = Store(data_dir)
    try:
        key = keys.read_key_file(data_dir)
        assert key is not None
        store.unlock(keys.open_data_key(key, passphrase))
    finally:
        store.close()


@pytest.mark.parametrize("field", FIELDS)
def test_one_byte_changed_in_the_key_file_says_it_is_damaged_not_wrong(
    data_dir: Path, field: str
) -> None:
    protect(data_dir)
    flip(data_dir, field)
    for passphrase in (PASS, "not the passphrase"):
        with pytest.raises(UserError) as caught:
            unlock(data_dir, passphrase)
        assert not isinstance(caught.value, keys.WrongPassphrase)
        assert caught.value.message == DAMAGED.format(path=data_dir / "key.json")


def test_a_whole_key_file_with_a_wrong_passphrase_is_still_wrong(data_dir: Path) -> None:
    protect(data_dir)
    with pytest.raises(keys.WrongPassphrase):
        unlock(data_dir, "not the passphrase")
    unlock(data_dir, PASS)


def test_an_old_key_file_without_a_check_still_opens_and_its_damaged_private_key_is_named(
    data_dir: Path,
) -> None:
    protect(data_dir)
    path = data_dir / "key.json"
    data = json.loads(path.read_text())
    data.pop("check")
    path.write_text(json.dumps(data, indent=2))
    unlock(data_dir, PASS)  # readable as before
    with pytest.raises(keys.WrongPassphrase):
        unlock(data_dir, "not the passphrase")
    # Without a check, damage to the private key still shows: the data key opened.
    flip(data_dir, "wrapped_private_key", drop_check=False)
    with pytest.raises(UserError) as caught:
        unlock(data_dir, PASS)
    assert caught.value.message == DAMAGED.format(path=path)


def test_a_passphrase_change_writes_the_check_again(data_dir: Path) -> None:
    protect(data_dir)
    store = Store(data_dir)
    protection.change(store, PASS, "a whole new phrase")
    store.close()
    assert json.loads((data_dir / "key.json").read_text())["check"].startswith("sha256:")
    flip(data_dir, "wrapped_data_key")
    with pytest.raises(UserError) as caught:
        unlock(data_dir, "a whole new phrase")
    assert caught.value.message == DAMAGED.format(path=data_dir / "key.json")
