"""The passphrase and the keys do not outlive their use where Python lets them be wiped."""

from __future__ import annotations

import pytest

from resilience_app.storage import keys, sealing

pytestmark = pytest.mark.usefixtures("fast_kdf")
PASS = "correct horse battery"


def test_the_passphrase_bytes_are_zeroed_after_the_key_derivation() -> None:
    key, data_key = keys.new_key_file(PASS)
    secret = bytearray(PASS, "utf-8")
    derived = keys.derive_key(secret, key)
    assert secret == bytearray(len(PASS.encode()))  # every byte zero, the length kept
    assert len(derived) == 32 and any(derived)
    # The key derived is the one that opens the journal (the zeroing came after its use).
    assert keys.open_data_key(key, PASS) == data_key


def test_the_passphrase_bytes_are_zeroed_when_the_derivation_fails() -> None:
    key, _ = keys.new_key_file(PASS)
    key.memory_kib = 1  # below Argon2's minimum: the C library refuses
    secret = bytearray(PASS, "utf-8")
    with pytest.raises(Exception, match=r"[Mm]emory"):
        keys.derive_key(secret, key)
    assert not any(secret)


def test_lock_zeroes_the_data_key_it_held() -> None:
    key, data_key = keys.new_key_file(PASS)
    sealer = sealing.Sealer(key)
    sealer.unlock(data_key)
    held = sealer._data_key  # the buffer itself, as it sits in memory
    assert held is not None and bytes(held) == data_key
    sealer.lock()
    assert held == bytearray(32) and sealer.data_key is None and sealer.locked
