"""The same Temporal client with one more outbound interceptor in its chain.

Both the signing client (`app.signed_client`) and the CLI's bounded questions
(`cli.answers`) only wrap the calls a client makes; this builds the client around such a
wrapper, so each says only what it does to a call.
"""

from __future__ import annotations

from collections.abc import Callable

from temporalio.client import Client, Interceptor, OutboundInterceptor

Outbound = Callable[[OutboundInterceptor], OutboundInterceptor]
"""Wraps the next outbound interceptor of the chain (`_SigningOutbound(next, key)`)."""


def with_outbound(client: Client, outbound: Outbound) -> Client:
    """The same connection, every call it makes going through `outbound(next)` first."""
    config = client.config()
    config["interceptors"] = [*config["interceptors"], _ClientInterceptor(outbound)]
    return Client(**config)


class _ClientInterceptor(Interceptor):
    def __init__(self, outbound: Outbound) -> None:
        self._outbound = outbound

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        return self._outbound(next)
