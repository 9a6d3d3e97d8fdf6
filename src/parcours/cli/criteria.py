"""The shipped programmes as their files name them, and each one's eligibility criteria,
for `intake complete --help` and `list --programme`; a criterion typed by its name.

Read straight from the programme files with `tomllib` (`cli.programme_files`: the latest
version of each name), without the pydantic models: building them would make `--help`
wait a tenth of a second.
The files are validated by `parcours.programmes` wherever a programme is used, and
`tests/cli/test_programme_cli.py` checks this reading agrees with the validated catalogue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.cli.programme_files import criteria_by_programme, criteria_said, latest_files

if TYPE_CHECKING:
    from parcours.cli.i18n import Text
    from parcours.domain.programme import ProgrammeDefinition


def known_programme(name: str | None, text: Text) -> None:
    """Refuse a programme the catalogue has no file of (exit 4), by the files' names alone:
    a `--programme` filter (`list`, `alerts`, `session list`, `jobdating list`) then says a
    misspelt name, rather than an empty table, without building the models. None (no
    filter) passes."""
    if name is None:
        return
    names = latest_files()
    if name not in names:
        from parcours.cli.errors import unknown_programme

        raise unknown_programme(name, None, ", ".join(names), text)


def criteria_help(text: Text) -> dict[str, str]:
    """The values of the `--criterion` option's help: `atp-cergy: Label (key), … | …`."""
    listed = (
        text("programme.named", kind=name, names=criteria_said(", ".join(keys), text))
        for name, keys in criteria_by_programme().items()
    )
    return {"criteria": " | ".join(listed)}


def criterion_key(programme: ProgrammeDefinition, typed: str) -> str:
    """The key of the criterion of `programme` that `typed` names: its key, or its label
    in either language, whole or up to its parenthesis ("salariée précaire"), whatever
    the case, accents and inclusive ending. As typed when it names none: the pathway then
    refuses it, listing the programme's criteria."""
    from parcours.locale.words import is_named

    for criterion in programme.eligibility:
        labels = (criterion.label.fr, criterion.label.en)
        names = [
            criterion.key,
            *(form for label in labels for form in (label, label.split(" (")[0])),
        ]
        if is_named(typed, names):
            return criterion.key
    return typed
