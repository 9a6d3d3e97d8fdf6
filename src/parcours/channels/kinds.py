"""How a partner is reached: a stable wire value stored in the partner directory."""

from __future__ import annotations

from enum import StrEnum


class ChannelKind(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    FILE = "file"
