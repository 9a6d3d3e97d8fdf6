"""Sending one staff action to a pathway and printing what it did."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.cli.guard import current_session
from parcours.cli.remote import with_pathways
from parcours.cli.render import console, print_json

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.domain.commands import Command
    from parcours.workflows.messages import UpdateResult


def act(
    reference: str, command: Command, reason: str, request_id: str | None, as_json: bool
) -> None:
    """Send `command` as the session's actor; a refusal ends with exit code 3."""
    from parcours.adapters.logs import configure_file_logging, get_logger
    from parcours.cli.pathway_cmds import action_labels, event_label, short, stage_label
    from parcours.domain.permissions import permitted
    from parcours.domain.records import Actor, RequestMeta
    from parcours.domain.vocabulary import Role

    session = current_session()
    configure_file_logging(session.settings.data_dir / "logs" / "parcours-cli.log")
    actor = Actor(session.require_actor(), Role(session.role))
    meta = RequestMeta(request_id or session.new_request_id(), actor, reason)

    async def work(pathways: PathwayClient) -> tuple[str, UpdateResult]:
        pathway_id = await pathways.resolve(reference)
        from parcours.app.client import RequestRefused

        try:
            return pathway_id, await pathways.execute(pathway_id, command, meta)
        except RequestRefused as err:
            # Refusals never reach the history: the CLI keeps their trace in its log.
            get_logger("parcours.cli").warning(
                "action refused",
                pathway_id=pathway_id,
                command=command.trigger,
                rule=err.rule,
                code=err.code,
                actor_id=actor.actor_id,
                role=actor.role.value,
            )
            raise

    pathway_id, result = with_pathways(session, work)
    if as_json:
        print_json({"pathway_id": pathway_id, **_plain_result(result)})
        return
    text = session.text
    key = "act.duplicate" if result.duplicate else "act.done"
    console.print(
        text(
            key,
            event=event_label(result.event, text),
            seq=result.seq,
            ref=short(pathway_id),
            stage=stage_label(result.stage.value, text),
        )
    )
    offered = permitted(Role(session.role), result.allowed)
    console.print(text("act.allowed", allowed=action_labels(offered, text)))


def _plain_result(result: UpdateResult) -> dict[str, object]:
    from parcours.cli.render import plain

    value = plain(result)
    assert isinstance(value, dict)
    return value
