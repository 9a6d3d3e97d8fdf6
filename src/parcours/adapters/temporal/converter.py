"""The data converter every client and worker of parcours uses.

Payloads go through the encryption codec; failures move their message and stack trace
into encoded attributes first, so error texts that mention a participant are encrypted
too instead of being stored in clear beside the payloads.
"""

from __future__ import annotations

import dataclasses

from temporalio.converter import (
    DataConverter,
    DefaultFailureConverter,
    DefaultFailureConverterWithEncodedAttributes,
)

from parcours.adapters.temporal.encryption import EncryptionCodec
from parcours.adapters.temporal.json_types import PayloadConverter
from parcours.adapters.temporal.keys import Keyring


def data_converter(keyring: Keyring) -> DataConverter:
    """The default JSON conversion (dataclass field types worked out once per class),
    encrypted with `keyring`, failures included."""
    return dataclasses.replace(
        DataConverter.default,
        payload_converter_class=PayloadConverter,
        payload_codec=EncryptionCodec(keyring),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


def replay_converter(keyring: Keyring) -> DataConverter:
    """The same decryption for replaying histories, with failures left readable.

    A replay writes nothing to any server: a workflow that fails while replaying must
    report its own message (which the auditor needs) rather than "Encoded failure".
    """
    return dataclasses.replace(
        data_converter(keyring), failure_converter_class=DefaultFailureConverter
    )
