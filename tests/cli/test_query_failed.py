"""A worker that fails to answer a question about a pathway (its query failed, as when a
worker runs code half-upgraded) is said as a service fault to fix, exit 5: a French trial
met "parcours a échoué de façon inattendue (WorkflowQueryFailedError : Encoded failure)",
exit 1, asked to report it as a bug."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowQueryFailedError

from parcours.cli.errors import translate
from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import Text


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "The worker could not answer about this pathway"),
        ("fr", "Le worker n'a pas pu répondre sur ce parcours"),
    ],
)
def test_a_failed_query_is_a_service_fault_to_fix(lang: str, said: str) -> None:
    refused = translate(WorkflowQueryFailedError("Encoded failure"), Text(lang))
    assert refused.code == ExitCode.UNAVAILABLE
    assert refused.message.startswith(said)
    assert "Encoded failure" not in refused.message
    assert "data/logs/" in refused.message
