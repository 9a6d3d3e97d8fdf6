"""The keyring, the AES-GCM codec and the data converter, without a Temporal server."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from temporalio.api.common.v1 import Payload
from temporalio.api.failure.v1 import Failure
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.encryption import (
    ENCODING,
    KEY_ID_METADATA,
    DecryptionError,
    EncryptionCodec,
)
from parcours.adapters.temporal.keys import (
    Key,
    Keyring,
    KeyringError,
    create_key_file,
    load_keyring,
    rotate_key_file,
)

SECRET = "Mme Aïcha Benali, née le 3 mars 1987, suivie pour addiction"
KEYRING = Keyring.generate()


def b64(secret: bytes) -> str:
    return base64.b64encode(secret).decode()


def document(current: str, **keys: str) -> str:
    return json.dumps({"current": current, "keys": keys})


def private_file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the codec -----------------------------------------------------------------------


async def test_values_round_trip_through_the_data_converter() -> None:
    converter = data_converter(KEYRING)
    values = [SECRET, {"participant": SECRET, "age": 37}, None, [1, 2, 3]]
    payloads = await converter.encode(values)
    assert await converter.decode(payloads) == values


async def test_the_stored_payload_hides_data_and_metadata() -> None:
    converter = data_converter(KEYRING)
    (payload,) = await converter.encode([SECRET])
    stored = payload.SerializeToString()
    assert SECRET.encode() not in stored
    assert b"Benali" not in stored
    assert b"json/plain" not in stored
    assert dict(payload.metadata) == {
        "encoding": ENCODING,
        KEY_ID_METADATA: KEYRING.current.key_id.encode(),
    }


async def test_each_payload_gets_its_own_nonce() -> None:
    converter = data_converter(KEYRING)
    first, second = await converter.encode([SECRET, SECRET])
    assert first.data != second.data


@given(
    data=st.binary(max_size=2048),
    metadata=st.dictionaries(st.text(min_size=1, max_size=20), st.binary(max_size=40)),
)
def test_any_payload_round_trips_with_its_metadata(data: bytes, metadata: dict[str, bytes]) -> None:
    codec = EncryptionCodec(KEYRING)
    original = Payload(metadata=metadata, data=data)
    assert codec.decrypt(codec.encrypt(original)) == original


async def test_payloads_written_before_encryption_still_read() -> None:
    (plain,) = await DataConverter.default.encode([SECRET])
    assert await data_converter(KEYRING).decode([plain]) == [SECRET]


async def test_rotation_keeps_old_payloads_readable_and_encrypts_with_the_new_key() -> None:
    old = Keyring.generate()
    new = old.rotated()
    (written_before,) = await data_converter(old).encode([SECRET])
    (written_after,) = await data_converter(new).encode([SECRET])

    assert [key.key_id for key in new.keys] == ["k2", "k1"]
    assert written_before.metadata[KEY_ID_METADATA] == b"k1"
    assert written_after.metadata[KEY_ID_METADATA] == b"k2"
    assert await data_converter(new).decode([written_before, written_after]) == [SECRET, SECRET]


async def test_an_unknown_key_id_is_named_in_the_error() -> None:
    old = Keyring.generate()
    (payload,) = await data_converter(old.rotated()).encode([SECRET])
    with pytest.raises(DecryptionError) as caught:
        await data_converter(old).decode([payload])
    assert str(caught.value) == (
        "A payload was encrypted with key k2, which is not in the keyring:"
        " add that key back to decrypt it."
    )


async def test_a_tampered_ciphertext_is_refused() -> None:
    (payload,) = await data_converter(KEYRING).encode([SECRET])
    data = bytearray(payload.data)
    data[-1] ^= 0x01
    tampered = Payload(metadata=payload.metadata, data=bytes(data))
    with pytest.raises(DecryptionError, match="failed authentication"):
        await data_converter(KEYRING).decode([tampered])


async def test_a_truncated_ciphertext_is_refused() -> None:
    (payload,) = await data_converter(KEYRING).encode([SECRET])
    truncated = Payload(metadata=payload.metadata, data=payload.data[:10])
    with pytest.raises(DecryptionError, match="failed authentication"):
        await data_converter(KEYRING).decode([truncated])


async def test_relabelling_the_key_id_fails_authentication() -> None:
    # Both keys share the secret: only the associated data tells them apart.
    secret = KEYRING.current.secret
    keyring = Keyring((Key("k1", secret), Key("k2", secret)))
    (payload,) = await data_converter(keyring).encode([SECRET])
    relabelled = Payload(metadata={"encoding": ENCODING, KEY_ID_METADATA: b"k2"}, data=payload.data)
    with pytest.raises(DecryptionError, match="key k2 failed authentication"):
        await data_converter(keyring).decode([relabelled])


async def test_failure_messages_are_stored_encrypted() -> None:
    converter = data_converter(KEYRING)
    failure = Failure()
    await converter.encode_failure(
        ApplicationError(SECRET, {"rule": "consent"}, type="MoveRefused"), failure
    )
    stored = failure.SerializeToString()
    assert b"Benali" not in stored
    assert b"consent" not in stored
    assert failure.message == "Encoded failure"

    decoded = await data_converter(KEYRING.rotated()).decode_failure(failure)
    assert isinstance(decoded, ApplicationError)
    assert decoded.message == SECRET
    assert decoded.type == "MoveRefused"
    assert list(decoded.details) == [{"rule": "consent"}]


# --- the keyring ---------------------------------------------------------------------


def test_the_keyring_never_shows_its_keys() -> None:
    assert b64(KEYRING.current.secret) not in repr(KEYRING)
    assert repr(KEYRING.current.secret) not in repr(KEYRING)


def test_a_created_key_file_is_private_and_loads(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "keys.json"
    created = create_key_file(path)
    assert mode_of(path) == 0o600
    assert Keyring.from_file(path) == created
    assert [key.key_id for key in created.keys] == ["k1"]


def test_an_existing_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    create_key_file(path)
    before = path.read_bytes()
    with pytest.raises(KeyringError) as caught:
        create_key_file(path)
    assert str(caught.value) == f"The key file {path} already exists: it was not overwritten."
    assert path.read_bytes() == before


def test_rotating_a_key_file_adds_a_current_key_and_keeps_the_old(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    first = create_key_file(path)
    rotated = rotate_key_file(path)
    assert mode_of(path) == 0o600
    assert rotated.current.key_id == "k2"
    assert rotated.keys[1:] == first.keys
    assert Keyring.from_file(path) == rotated
    assert json.loads(path.read_text())["current"] == "k2"
    assert [p.name for p in tmp_path.iterdir()] == ["keys.json"]


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    create_key_file(path)
    path.chmod(0o644)
    with pytest.raises(KeyringError) as caught:
        Keyring.from_file(path)
    assert str(caught.value) == (
        f"The key file {path} is readable by other users: run `chmod 600 {path}`."
    )


def test_throwaway_test_keys_may_be_readable(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    created = create_key_file(path)
    path.chmod(0o644)
    assert Keyring.from_file(path, require_private=False) == created


def test_a_missing_key_file_says_how_to_create_one(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    with pytest.raises(KeyringError) as caught:
        Keyring.from_file(path)
    assert str(caught.value) == (
        f"The key file {path} does not exist: run `make run` once to create it,"
        " or set PARCOURS_KEYS."
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"current": "k1", "keys": ', "is not valid JSON (line 1, column 27)."),
        (
            '["k1"]',
            'must be a JSON object with "current" (a key id) and "keys" (key ids to base64 keys).',
        ),
        (
            document("k2", k1=b64(bytes(32))),
            "names 'k2' as current but holds no such key.",
        ),
        ('{"current": "k1", "keys": {"k1": "not base64!"}}', ": key k1 is not 32 bytes of base64."),
        (
            document("k1", k1=b64(bytes(16))),
            ": key k1 is not 32 bytes of base64.",
        ),
        (
            document("k 1", **{"k 1": b64(bytes(32))}),
            ": key id 'k 1' must be 1 to 32 letters, digits, '.', '_' or '-'.",
        ),
    ],
)
def test_a_malformed_key_file_is_explained(tmp_path: Path, text: str, problem: str) -> None:
    path = private_file(tmp_path / "keys.json", text)
    with pytest.raises(KeyringError) as caught:
        Keyring.from_file(path)
    separator = "" if problem.startswith(":") else " "
    assert str(caught.value) == f"The key file {path}{separator}{problem}"


def test_a_malformed_env_value_names_the_variable() -> None:
    with pytest.raises(KeyringError) as caught:
        Keyring.from_env_value("k1:abc")
    assert str(caught.value) == "PARCOURS_KEYS is not valid JSON (line 1, column 1)."


def test_the_current_key_comes_first_whatever_the_file_order() -> None:
    k1, k2 = b64(bytes(32)), b64(bytes(range(32)))
    keyring = Keyring.from_env_value(json.dumps({"current": "k2", "keys": {"k1": k1, "k2": k2}}))
    assert [key.key_id for key in keyring.keys] == ["k2", "k1"]
    assert keyring.current.secret == bytes(range(32))
    assert Keyring.from_env_value(keyring.to_json()) == keyring


def test_the_environment_takes_precedence_over_the_key_file(tmp_path: Path) -> None:
    on_file = create_key_file(tmp_path / "config" / "parcours" / "keys.json")
    in_env = Keyring.generate().rotated()
    base = {"PARCOURS_DATA_DIR": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}

    assert load_keyring(Settings.from_env(base)) == on_file
    assert load_keyring(Settings.from_env({**base, "PARCOURS_KEYS": in_env.to_json()})) == in_env


def test_the_environment_alone_needs_no_key_file(tmp_path: Path) -> None:
    in_env = Keyring.generate()
    settings = Settings.from_env(
        {"PARCOURS_DATA_DIR": str(tmp_path / "absent"), "PARCOURS_KEYS": in_env.to_json()}
    )
    assert load_keyring(settings) == in_env
