"""AES-GCM encryption of every payload before it reaches the Temporal server.

The whole original payload, metadata included, is serialized and encrypted, so the
server sees neither the data nor its encoding or type. The key id travels in clear
beside the ciphertext and is bound to it as associated data: relabelling a payload
with another key id makes decryption fail. Payloads written before encryption was
turned on carry no `binary/encrypted` encoding and pass through unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from parcours.adapters.temporal.keys import Keyring

ENCODING = b"binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"
NONCE_SIZE = 12
TAG_SIZE = 16


class DecryptionError(Exception):
    """A stored payload cannot be decrypted; the message names the key id, never a key."""

    def __init__(self, message: str, key_id: str = "") -> None:
        super().__init__(message)
        self.key_id = key_id


class UnknownKey(DecryptionError):
    """The payload names a key id the keyring does not hold."""


class FailedAuthentication(DecryptionError):
    """The keyring holds the payload's key id, but the payload does not authenticate
    under that key: it was altered, or another key of the same id encrypted it (which of
    the two only the rest of the history can tell: see `parcours.audit.checks`)."""


class EncryptionCodec(PayloadCodec):
    """Encrypts with the keyring's current key and decrypts with whichever key encrypted."""

    def __init__(self, keyring: Keyring) -> None:
        self._current = keyring.current.key_id
        self._ciphers = {key.key_id: AESGCM(key.secret) for key in keyring.keys}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(payload) for payload in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(payload) for payload in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        """The payload sealed under the current key, with a fresh random nonce."""
        key_id = self._current.encode()
        nonce = os.urandom(NONCE_SIZE)
        sealed = self._ciphers[self._current].encrypt(nonce, payload.SerializeToString(), key_id)
        return Payload(
            metadata={"encoding": ENCODING, KEY_ID_METADATA: key_id},
            data=nonce + sealed,
        )

    def decrypt(self, payload: Payload) -> Payload:
        """The original payload; one that was never encrypted is returned as it is."""
        if payload.metadata.get("encoding") != ENCODING:
            return payload
        raw_id = payload.metadata.get(KEY_ID_METADATA)
        if raw_id is None:
            raise DecryptionError(f"An encrypted payload has no {KEY_ID_METADATA} metadata.")
        key_id = raw_id.decode(errors="replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise UnknownKey(
                f"A payload was encrypted with key {key_id}, which is not in the keyring:"
                " add that key back to decrypt it.",
                key_id,
            )
        data = payload.data
        try:
            if len(data) < NONCE_SIZE + TAG_SIZE:
                raise InvalidTag
            plain = cipher.decrypt(data[:NONCE_SIZE], data[NONCE_SIZE:], raw_id)
        except InvalidTag:
            raise FailedAuthentication(
                f"A payload labelled with key {key_id} failed authentication:"
                " it was altered, or that key did not encrypt it.",
                key_id,
            ) from None
        original = Payload()
        original.ParseFromString(plain)
        return original
