"""The catalogues are parsed once and kept, parsed ones read back, edited ones afresh."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from parcours import locale


@pytest.fixture
def catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder of catalogues of our own, and a cache folder of our own."""
    source = tmp_path / "locale"
    source.mkdir()
    (source / "en.toml").write_text('[event]\nreferred = "Referred"\n', encoding="utf-8")
    monkeypatch.setattr(locale, "LOCALE_DIR", source)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    locale.catalogue.cache_clear()
    yield source
    locale.catalogue.cache_clear()


def read(lang: str = "en") -> dict[str, str]:
    locale.catalogue.cache_clear()  # as a new process would
    return locale.catalogue(lang)


def kept_files() -> list[Path]:
    folder = locale.cache_folder()
    assert folder is not None
    return sorted(folder.glob("locale-*.json"))


def test_a_parsed_catalogue_is_kept_and_read_back(catalogues: Path) -> None:
    assert read() == {"event.referred": "Referred"}
    [kept] = kept_files()
    kept.write_text('{"event.referred": "From the cache"}', encoding="utf-8")
    assert read() == {"event.referred": "From the cache"}


def test_an_edited_catalogue_is_read_afresh(catalogues: Path) -> None:
    read()
    (catalogues / "en.toml").write_text('[event]\nreferred = "Orienté"\n', encoding="utf-8")
    assert read() == {"event.referred": "Orienté"}
    assert len(kept_files()) == 2


def test_a_damaged_cache_file_is_parsed_again(catalogues: Path) -> None:
    read()
    [kept] = kept_files()
    for damage in ("{not json", '["a", "list"]', '{"event.referred": 7}'):
        kept.write_text(damage, encoding="utf-8")
        assert read() == {"event.referred": "Referred"}


def test_without_a_writable_cache_the_catalogue_is_still_read(
    catalogues: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # a file: no folder can be made in it
    assert read() == {"event.referred": "Referred"}
    assert read() == {"event.referred": "Referred"}


def test_the_real_catalogues_read_from_the_cache_equal_the_parsed_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for lang in locale.LANGUAGES:
        parsed, cached = read(lang), read(lang)
        assert parsed == cached
        assert len(parsed) > 1000
    locale.catalogue.cache_clear()


def test_a_relative_cache_home_is_ignored_as_xdg_says(
    catalogues: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert locale.cache_folder() == tmp_path / "home" / ".cache" / "parcours"
    assert read() == {"event.referred": "Referred"}
    assert len(kept_files()) == 1


def test_without_a_home_the_catalogue_is_parsed_each_time(
    catalogues: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setattr(Path, "home", no_home)
    assert locale.cache_folder() is None
    assert read() == {"event.referred": "Referred"}


def test_files_kept_in_an_earlier_format_are_not_read(
    catalogues: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    read()
    [kept] = kept_files()
    kept.write_text('{"event.referred": "Flattened the old way"}', encoding="utf-8")
    monkeypatch.setattr(locale, "CACHE_FORMAT", locale.CACHE_FORMAT + 1)
    assert read() == {"event.referred": "Referred"}
