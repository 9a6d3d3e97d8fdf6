"""Who runs a command, in which language, against which service.

The actor comes from `--as`, else `PARCOURS_ACTOR`, else the config file
(`PARCOURS_CONFIG`, default `~/.config/parcours/config.toml`); the role likewise from
`--role`, `PARCOURS_ROLE` or the file. An actor is an opaque staff id, never a name.
"""

from __future__ import annotations

import os
import tomllib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parcours.adapters.settings import Settings
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import LANGUAGES, Text

ROLES = ("staff", "coordinator", "partner", "auditor")


def config_path(env: Mapping[str, str]) -> Path:
    if env.get("PARCOURS_CONFIG"):
        return Path(env["PARCOURS_CONFIG"])
    base = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "parcours" / "config.toml"


def read_config(path: Path, text: Text) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise CliError(text("error.config", path=path, error=err), ExitCode.USAGE) from None


@dataclass
class Session:
    """What every command knows: language, actor, role and settings."""

    text: Text
    settings: Settings
    actor_id: str | None
    role: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return self.text.lang

    def require_actor(self) -> str:
        if not self.actor_id:
            raise CliError(self.text("error.no_actor"), ExitCode.USAGE)
        return self.actor_id

    def new_request_id(self) -> str:
        return f"req-{uuid.uuid4().hex}"


_ACTIVE: list[Session] = []


def active_session() -> Session | None:
    """The session of the command running now (one command per process, or per test call)."""
    return _ACTIVE[-1] if _ACTIVE else None


def open_session(
    lang: str, actor: str | None, role: str | None, env: Mapping[str, str] | None = None
) -> Session:
    env = os.environ if env is None else env
    text = Text(lang)
    if lang.lower()[:2] not in LANGUAGES:
        raise CliError(
            text("error.bad_lang", lang=lang, allowed=" / ".join(LANGUAGES)), ExitCode.USAGE
        )
    config = read_config(config_path(env), text)
    actor_id = actor or env.get("PARCOURS_ACTOR") or config.get("actor")
    chosen_role = (role or env.get("PARCOURS_ROLE") or config.get("role") or "staff").lower()
    if chosen_role not in ROLES:
        raise CliError(
            text("error.bad_role", role=chosen_role, allowed=", ".join(ROLES)), ExitCode.USAGE
        )
    check_zone(text)
    session = Session(
        text=text,
        settings=_settings(env, text),
        actor_id=str(actor_id) if actor_id else None,
        role=chosen_role,
    )
    _ACTIVE[:] = [session]
    return session


def check_zone(text: Text) -> None:
    """A misspelt PARCOURS_TIMEZONE would shift every date typed: refuse it up front."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from parcours.cli.render import zone_name

    try:
        ZoneInfo(zone_name())
    except (ZoneInfoNotFoundError, ValueError):
        raise CliError(text("error.bad_timezone", zone=zone_name()), ExitCode.USAGE) from None


def _settings(env: Mapping[str, str], text: Text) -> Settings:
    """The settings, or one sentence naming the variable that cannot be used (exit 2)."""
    from parcours.adapters.settings import InvalidSetting
    from parcours.cli.guard import translate

    try:
        return Settings.from_env(env)
    except InvalidSetting as err:
        raise translate(err, text) from None
