"""Referrals as parcours made them before 5 December 2026, when a space or an en dash in
a name made another person: reserved under the earlier form of the name only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.servers import TEST_KEYRING


@contextmanager
def referring_under_the_earlier_form(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Within it, a referral computes its fingerprints from the earlier form of the name."""
    import parcours.app.referral as referral_module
    from parcours.adapters.temporal import fingerprint

    def earlier_form(
        keyring: object, programme: str, last: str, first: str, born: str
    ) -> list[str]:
        with monkeypatch.context() as patched:
            patched.setattr(fingerprint, "normalise", fingerprint.normalise_v1)
            return fingerprint.fingerprints(TEST_KEYRING, programme, last, first, born)

    with monkeypatch.context() as then:
        then.setattr(referral_module, "fingerprints", earlier_form)
        yield
