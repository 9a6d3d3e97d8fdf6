"""Where the key file lives: the user's config folder, not beside the engine's database.

Whoever copies the data folder (a backup, a shared disk, a stolen laptop's folder) gets
the dev server's SQLite file and its encrypted payloads: the key that opens them must not
travel with it. An older parcours kept the key file in the data folder; `parcours serve`
moves it to the config folder (`move_legacy_key_file`), and until then every command
still reads it there (`keys.load_keyring`). `serve` also warns when the key file and the
database share a folder anyway (`PARCOURS_KEY_FILE` pointing there).
"""

from __future__ import annotations

from pathlib import Path

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.keys import Keyring, KeyringError, write_private


def move_legacy_key_file(settings: Settings) -> Path | None:
    """Move the key file an older parcours left in the data folder to `settings.key_file`;
    return the old path when it was moved (or was a copy of the new one, now removed).

    The new file is written (mode 0600, never over another), synced and read back equal
    before the old one is removed, so a crash leaves at least one whole copy. Two files
    that differ are left alone: `load_keyring` refuses them, naming both.
    """
    old = settings.legacy_key_file
    if settings.keys_env or old is None or not old.exists():
        return None
    keyring = Keyring.from_file(old)
    if settings.key_file.exists():
        if Keyring.from_file(settings.key_file) != keyring:
            return None
        old.unlink()
        return old
    write_private(settings.key_file, old.read_bytes())
    if Keyring.from_file(settings.key_file) != keyring:  # pragma: no cover - a failing disk
        raise KeyringError(
            f"The key file {settings.key_file} does not read back as written.",
            "unreadable",
            settings.key_file,
            error="read back differs",
        )
    old.unlink()
    return old


def key_file_in_use(settings: Settings) -> Path:
    """The key file commands read: the config folder's, or the data folder's while an
    older install's has not been moved yet (`keys create|rotate` act on that one)."""
    old = settings.legacy_key_file
    if old is not None and old.exists() and not settings.key_file.exists():
        return old
    return settings.key_file


def shares_folder_with_database(settings: Settings) -> Path | None:
    """The folder holding both the key file and the engine's database, if they share one."""
    if settings.keys_env:
        return None
    folder = settings.key_file.resolve().parent
    return folder if folder == settings.temporal_db_file.resolve().parent else None
