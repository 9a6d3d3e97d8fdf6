"""The report's sentences in words: a rate, share or median worked out from hidden counts
is said hidden, never "<5" beside a percentage or a number of days."""

from __future__ import annotations

from typing import Any

import pytest

from parcours.cli.i18n import Text
from parcours.cli.report_view import sentences

HIDDEN = "<5"


def figures(*, hidden: bool) -> dict[str, Any]:
    return {
        "exits": {
            "positive": HIDDEN if hidden else 3,
            "exits": HIDDEN if hidden else 5,
            "rate": HIDDEN if hidden else 0.6,
            "target": 0.6,
        },
        "partner_referrals": {
            "partner": HIDDEN if hidden else 6,
            "total": HIDDEN if hidden else 8,
            "share": HIDDEN if hidden else 0.75,
        },
        "days_to_first_mission": {"median": HIDDEN if hidden else 64.5, "pathways": 2},
    }


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "Positive exits under the programme's rule: <5 of <5 exits (the denominator: "
                "every exit), hidden; target 60%.",
                "Referrals by the programme's partners: <5 of <5 (hidden).",
                "Median time from referral to first mission: hidden, over 2 pathways with a "
                "mission.",
            ],
        ),
        (
            "fr",
            [
                "Sorties positives selon la règle du programme : <5 sur <5 sorties (le "
                "dénominateur : toutes les sorties), masqué ; objectif 60\u00a0%.",
                "Orientations par les partenaires du programme : <5 sur <5 (masqué).",
                "Délai médian de l'orientation à la première mission : masqué, sur 2 parcours "
                "avec une mission.",
            ],
        ),
    ],
)
def test_a_figure_worked_out_from_hidden_counts_is_said_hidden(
    lang: str, expected: list[str]
) -> None:
    assert sentences(figures(hidden=True), Text(lang)) == expected


def test_shown_figures_keep_their_units() -> None:
    said = sentences(figures(hidden=False), Text("fr"))
    assert said[0].endswith(
        "3 sur 5 sorties (le dénominateur : toutes les sorties), 60\u00a0% ; objectif 60\u00a0%."
    )
    assert said[1] == "Orientations par les partenaires du programme : 6 sur 8 (75\u00a0%)."
    assert said[2] == (
        "Délai médian de l'orientation à la première mission : 64,5 jours, sur 2 parcours "
        "avec une mission."
    )
    english = sentences(figures(hidden=False), Text("en"))[2]
    assert (
        english
        == "Median time from referral to first mission: 64.5 days, over 2 pathways with a mission."
    )
    assert sentences(
        {**figures(hidden=False), "days_to_first_mission": {"median": None, "pathways": 0}},
        Text("en"),
    )[2] == ("Median time from referral to first mission: —, over 0 pathways with a mission.")
