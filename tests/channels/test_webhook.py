"""The webhook channel against a real HTTP receiver that checks the signature."""

from __future__ import annotations

import json

import pytest

from parcours.adapters.channels import PermanentFailure, TemporaryFailure, WebhookChannel
from parcours.adapters.channels.webhook import sign, verify_signature
from tests.channels.builders import outgoing
from tests.receivers import SECRET, HttpReceiver, free_port


def test_the_receiver_gets_a_signed_body_with_only_the_given_fields(
    http_receiver: HttpReceiver,
) -> None:
    message = outgoing(first_name="Zephyrine")

    WebhookChannel(http_receiver.url, SECRET).send(message)

    (got,) = http_receiver.received
    assert got.signature_valid
    assert got.path == "/parcours/hooks"
    assert got.headers["X-Parcours-Idempotency-Key"] == message.key
    assert got.headers["Content-Type"].startswith("application/json")
    assert got.json() == {
        "idempotency_key": message.key,
        "partner": "Adecco Marseille",
        "partner_kind": "temp_agency",
        "event_kind": "contract_signed",
        "event_at": "2026-01-10T09:00:00+00:00",
        "fields": {"first_name": "Zephyrine"},
    }


def test_a_wrong_secret_is_refused_by_the_receiver(http_receiver: HttpReceiver) -> None:
    with pytest.raises(PermanentFailure, match="401"):
        WebhookChannel(http_receiver.url, "not-the-secret").send(outgoing())
    assert not http_receiver.received[0].signature_valid


@pytest.mark.parametrize("status", [500, 503, 408, 429])
def test_server_errors_and_throttling_are_temporary(
    http_receiver: HttpReceiver, status: int
) -> None:
    http_receiver.status = status

    with pytest.raises(TemporaryFailure, match=str(status)):
        WebhookChannel(http_receiver.url, SECRET).send(outgoing())


@pytest.mark.parametrize("status", [400, 404, 410, 422])
def test_client_errors_are_permanent(http_receiver: HttpReceiver, status: int) -> None:
    http_receiver.status = status

    with pytest.raises(PermanentFailure, match=str(status)):
        WebhookChannel(http_receiver.url, SECRET).send(outgoing())


def test_a_redirect_is_not_followed(http_receiver: HttpReceiver) -> None:
    http_receiver.status = 307
    http_receiver.location = http_receiver.url + "/elsewhere"

    with pytest.raises(PermanentFailure, match="307"):
        WebhookChannel(http_receiver.url, SECRET).send(outgoing())
    assert [r.path for r in http_receiver.received] == ["/parcours/hooks"]


def test_a_slow_receiver_is_a_temporary_failure(http_receiver: HttpReceiver) -> None:
    http_receiver.delay_s = 1.0

    with pytest.raises(TemporaryFailure, match="unreachable"):
        WebhookChannel(http_receiver.url, SECRET, timeout=0.2).send(outgoing())


def test_no_receiver_listening_is_a_temporary_failure() -> None:
    url = f"http://127.0.0.1:{free_port()}/hooks"
    with pytest.raises(TemporaryFailure, match="unreachable"):
        WebhookChannel(url, SECRET, timeout=2).send(outgoing())


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://partner.example/in",
        "partner.example/hook",
        "http://",
        "http://partner.example/hook",  # personal data in clear across a network
        "http://10.0.0.7/hook",
    ],
)
def test_only_https_or_loopback_http_urls_are_accepted(url: str) -> None:
    with pytest.raises(ValueError, match="https"):
        WebhookChannel(url, SECRET)


@pytest.mark.parametrize(
    "url",
    [
        "https://partner.example/hook",
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]:9000/hook",
    ],
)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    assert WebhookChannel(url, SECRET).url == url


def test_a_webhook_needs_a_secret() -> None:
    with pytest.raises(ValueError, match="secret"):
        WebhookChannel("https://partner.example/hook", "")


def test_the_secret_never_shows_in_a_repr() -> None:
    assert SECRET not in repr(WebhookChannel("https://partner.example/hook", SECRET))


class TestVerifySignature:
    body = json.dumps({"event_kind": "contract_signed"}).encode()
    now = 1_770_000_000

    def test_a_fresh_signature_is_valid(self) -> None:
        signature = sign(SECRET, self.now, self.body)
        assert signature.startswith("sha256=")
        assert verify_signature(SECRET, str(self.now), self.body, signature, now=self.now + 5)
        assert verify_signature(SECRET, self.now, self.body.decode(), signature, now=self.now)

    def test_a_tampered_body_or_wrong_secret_is_invalid(self) -> None:
        signature = sign(SECRET, self.now, self.body)
        assert not verify_signature(SECRET, self.now, self.body + b" ", signature, now=self.now)
        assert not verify_signature("other", self.now, self.body, signature, now=self.now)
        assert not verify_signature(SECRET, self.now + 1, self.body, signature, now=self.now)

    def test_an_old_or_future_timestamp_is_invalid(self) -> None:
        signature = sign(SECRET, self.now, self.body)
        assert not verify_signature(SECRET, self.now, self.body, signature, now=self.now + 301)
        assert not verify_signature(SECRET, self.now, self.body, signature, now=self.now - 301)
        assert verify_signature(
            SECRET, self.now, self.body, signature, tolerance_s=600, now=self.now + 301
        )

    def test_a_malformed_timestamp_is_invalid(self) -> None:
        assert not verify_signature(SECRET, "yesterday", self.body, "sha256=00", now=self.now)
