"""Settings of a parcours process, read once from the environment at the entry point.

Every setting has an embedded default so that `make run` works on a fresh clone: a data
folder beside the checkout holds the dev server's SQLite file and the SQLite read model;
the key file and the codec passes' secret sit in the user's config folder
(`$XDG_CONFIG_HOME/parcours`, else `~/.config/parcours`), away from the database whose
payloads the keys open. A key file left in the data folder by an older parcours is
`legacy_key_file`: still read, and moved by `parcours serve` (`adapters/temporal/key_home.py`).

A number that cannot be used (`PARCOURS_SMTP_PORT=abc`) is refused with `InvalidSetting`,
a duration that is not a positive number of seconds (`PARCOURS_ANSWER_TIMEOUT=0`) with
`InvalidSeconds`; both name the variable, the value and what is allowed. An empty
variable counts as unset, so its default applies.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

TASK_QUEUE = "parcours-pathways"

PORT_RANGE = (1, 65535)

CODEC_PORT = 8081
"""The codec server's port for the web UI, unless PARCOURS_CODEC_PORT says (Temporal's
own samples use 8081)."""

ANSWER_TIMEOUT_S = 30.0
"""How long a command waits for a worker to answer, unless PARCOURS_ANSWER_TIMEOUT says."""

WORKER_CACHE = 1000
"""Pathway runs a worker keeps in memory, unless PARCOURS_WORKER_CACHE says: what bounds
its memory (`deploy/README.md`); a run outside it is replayed from its history when woken."""
WORKER_CACHE_RANGE = (10, 100_000)

_DIGITS = re.compile(r"[0-9]+")


class InvalidSetting(ValueError):
    """An environment variable holds a value parcours cannot use.

    The attributes let a caller say it again in another language; `str()` is English.
    """

    def __init__(self, variable: str, value: str, low: int, high: int, default: int) -> None:
        self.variable = variable
        self.value = value
        self.low = low
        self.high = high
        self.default = default
        super().__init__(
            f'{variable} is set to "{value}", which is not {self.allowed}: '
            f"fix it, or unset it to use the default ({default})."
        )

    @property
    def allowed(self) -> str:
        return f"a whole number between {self.low} and {self.high}"


class InvalidSeconds(ValueError):
    """A duration in seconds that is not a positive, finite number; `str()` is English."""

    def __init__(self, variable: str, value: str, default: float) -> None:
        self.variable, self.value, self.default = variable, value, default
        super().__init__(
            f'{variable} is set to "{value}", which is not a positive number of seconds: '
            f"fix it, or unset it to use the default ({default:g})."
        )


def positive_seconds(env: Mapping[str, str], variable: str, default: float) -> float:
    """The seconds in `variable` (fractions allowed); `default` when unset or empty."""
    raw = env.get(variable, "")
    if not raw.strip():
        return default
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if math.isfinite(seconds) and seconds > 0:
        return seconds
    raise InvalidSeconds(variable, raw, default)


def whole_number(
    env: Mapping[str, str], variable: str, default: int, bounds: tuple[int, int] = PORT_RANGE
) -> int:
    """The whole number in `variable` within `bounds` (inclusive); `default` when unset or empty."""
    raw = env.get(variable, "")
    value = raw.strip()
    if not value:
        return default
    low, high = bounds
    if _DIGITS.fullmatch(value) and low <= int(value) <= high:
        return int(value)
    raise InvalidSetting(variable, raw, low, high, default)


DECLARED_ROLES = "PARCOURS_DECLARED_ROLES"
"""The development mode in which roles are declared, not proven by a signature: the one
variable a self-contained folder still takes from the environment, so that the test
session and the demos (which turn it on) reach the workers they build."""


@dataclass(frozen=True)
class Settings:
    """Where parcours finds Temporal, its keys and its read model."""

    data_dir: Path
    temporal_address: str
    namespace: str
    task_queue: str
    key_file: Path
    keys_env: str | None
    readmodel_url: str
    ui_port: int
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "parcours@localhost"
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    temporal_tls: bool = False
    temporal_tls_ca: Path | None = None
    temporal_tls_cert: Path | None = None
    temporal_tls_key: Path | None = None
    temporal_tls_server_name: str = ""
    temporal_api_key: str = field(default="", repr=False)
    answer_timeout: float = ANSWER_TIMEOUT_S
    config_dir: Path = Path("parcours")
    """The user's parcours config folder: the key file and the codec secret by default."""
    legacy_key_file: Path | None = None
    """Where an older parcours kept the key file (the data folder), when PARCOURS_KEY_FILE
    is not set: read when the key file is not yet where it now belongs."""
    codec_port: int = CODEC_PORT
    codec_secret_file: Path = Path("parcours/codec-secret")
    worker_cache: int = WORKER_CACHE
    declared_roles: bool = False
    """`PARCOURS_DECLARED_ROLES=1`: the worker takes every request for the actor and role it
    declares, signed or not. For tests and demos only; `serve` warns loudly."""

    @property
    def temporal_db_file(self) -> Path:
        return self.data_dir / "temporal.sqlite"

    @property
    def outbox_dir(self) -> Path:
        """Where the file channel writes notifications and alerts in the embedded default."""
        return self.data_dir / "outbox"

    @classmethod
    def self_contained(cls, folder: Path | str) -> Settings:
        """Every file parcours writes (data, key file, codec secret) inside `folder`, and
        nothing in the user's config folder: a demo's, a benchmark's or a test's scratch."""
        root = Path(folder)
        return cls.from_env(
            {
                "PARCOURS_DATA_DIR": str(root),
                "XDG_CONFIG_HOME": str(root.resolve() / "config"),
                DECLARED_ROLES: os.environ.get(DECLARED_ROLES, ""),
            }
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("PARCOURS_DATA_DIR", "data")).resolve()
        config_dir = user_config_dir(env)
        explicit_key_file = env.get("PARCOURS_KEY_FILE", "").strip()
        return cls(
            data_dir=data_dir,
            temporal_address=env.get("PARCOURS_TEMPORAL_ADDRESS", "127.0.0.1:7233"),
            namespace=env.get("PARCOURS_NAMESPACE", "default"),
            task_queue=env.get("PARCOURS_TASK_QUEUE", TASK_QUEUE),
            key_file=Path(explicit_key_file) if explicit_key_file else config_dir / "keys.json",
            keys_env=env.get("PARCOURS_KEYS"),
            readmodel_url=env.get(
                "PARCOURS_READMODEL_URL", f"sqlite:///{data_dir / 'readmodel.sqlite'}"
            ),
            ui_port=whole_number(env, "PARCOURS_UI_PORT", 8233),
            smtp_host=env.get("PARCOURS_SMTP_HOST", ""),
            smtp_port=whole_number(env, "PARCOURS_SMTP_PORT", 25),
            smtp_sender=env.get("PARCOURS_SMTP_SENDER", "parcours@localhost"),
            smtp_starttls=_flag(env, "PARCOURS_SMTP_STARTTLS"),
            smtp_username=env.get("PARCOURS_SMTP_USERNAME", ""),
            smtp_password=env.get("PARCOURS_SMTP_PASSWORD", ""),
            temporal_tls=_flag(env, "PARCOURS_TEMPORAL_TLS")
            or any(env.get(f"PARCOURS_TEMPORAL_TLS_{part}") for part in ("CA", "CERT", "KEY")),
            temporal_tls_ca=_path(env, "PARCOURS_TEMPORAL_TLS_CA"),
            temporal_tls_cert=_path(env, "PARCOURS_TEMPORAL_TLS_CERT"),
            temporal_tls_key=_path(env, "PARCOURS_TEMPORAL_TLS_KEY"),
            temporal_tls_server_name=env.get("PARCOURS_TEMPORAL_TLS_SERVER_NAME", ""),
            temporal_api_key=env.get("PARCOURS_TEMPORAL_API_KEY", ""),
            answer_timeout=positive_seconds(env, "PARCOURS_ANSWER_TIMEOUT", ANSWER_TIMEOUT_S),
            config_dir=config_dir,
            legacy_key_file=None if explicit_key_file else data_dir / "keys.json",
            codec_port=whole_number(env, "PARCOURS_CODEC_PORT", CODEC_PORT),
            codec_secret_file=_path(env, "PARCOURS_CODEC_SECRET_FILE")
            or config_dir / "codec-secret",
            worker_cache=whole_number(
                env, "PARCOURS_WORKER_CACHE", WORKER_CACHE, WORKER_CACHE_RANGE
            ),
            declared_roles=_flag(env, DECLARED_ROLES),
        )


def user_config_dir(env: Mapping[str, str]) -> Path:
    """`$XDG_CONFIG_HOME/parcours`, else `$HOME/.config/parcours` (XDG's default); an
    XDG_CONFIG_HOME that is not absolute is ignored, as the XDG specification says."""
    xdg = env.get("XDG_CONFIG_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "parcours"
    home = env.get("HOME", "").strip()
    return (Path(home) if home else Path.home()) / ".config" / "parcours"


def _flag(env: Mapping[str, str], variable: str) -> bool:
    return env.get(variable, "").strip().lower() in ("1", "true", "yes")


def _path(env: Mapping[str, str], variable: str) -> Path | None:
    value = env.get(variable, "").strip()
    return Path(value) if value else None
