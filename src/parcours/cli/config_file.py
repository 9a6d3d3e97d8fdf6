"""The staff member's config file: who runs parcours and in which role, when neither
`--as`/`--role` nor PARCOURS_ACTOR/PARCOURS_ROLE say it."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import Text


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
