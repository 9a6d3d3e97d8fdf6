"""Retention by the programme's rule, for any front end: what falls due (from the read
model), a coordinator's extension (the pathway's `extend_retention` update) and the rule
adopted now by a pathway whose run started before it (`adopt_retention`), each signed and
checked like every staff request."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from parcours.adapters.readmodel import Store
from parcours.adapters.readmodel.views import ParticipantView
from parcours.app.client import PathwayClient
from parcours.app.errors import RequestRefused
from parcours.domain.anonymisation import AdoptRetention, ExtendRetention
from parcours.domain.errors import CLOSED_RULE
from parcours.domain.records import RequestMeta
from parcours.workflows.messages import UpdateResult
from parcours.workflows.retention import ADOPT_RETENTION_UPDATE, EXTEND_RETENTION_UPDATE


def falling_due(store: Store, now: datetime, within_days: int | None) -> list[ParticipantView]:
    """The pathways whose person is to be anonymised, within `within_days` of `now` when
    given, the soonest first."""
    before = None if within_days is None else now + timedelta(days=within_days)
    return store.retention_due(before)


async def extend_retention(
    pathways: PathwayClient, pathway_id: str, meta: RequestMeta, until: datetime
) -> UpdateResult:
    """Record a coordinator's extension; refused (`RequestRefused`) as the domain says. Its
    reason may name the person: sealed under their key, as every reason."""
    if pathways.sealer is not None:
        meta = await asyncio.to_thread(pathways.sealer.seal_reason, pathway_id, meta)
    args = [meta, ExtendRetention(until)]
    done = await pathways.update(pathway_id, EXTEND_RETENTION_UPDATE, args, meta, UpdateResult)
    return cast(UpdateResult, done)


async def adopt_retention(
    pathways: PathwayClient, pathway_id: str, meta: RequestMeta
) -> UpdateResult:
    """Make the pathway follow the retention by the last contact now; answered with no
    event (`seq` 0) when it follows it already. Refused (`RequestRefused`) as the domain
    says, or when the pathway is closed for good."""
    args = [meta, AdoptRetention()]
    done = await pathways.update(pathway_id, ADOPT_RETENTION_UPDATE, args, meta, UpdateResult)
    return cast(UpdateResult, done)


def not_following(store: Store) -> list[str]:
    """The pathways the read model lists with no anonymisation date: those that do not
    follow the rule yet (and those closed for good, which refuse it)."""
    return [v.pathway_id for v in store.list_participants() if v.retention_due_at is None]


def following(store: Store) -> list[str]:
    """The pathways the read model lists with an anonymisation date: they follow the rule
    already, so `adopt_every` is not sent to them, but they count as following it."""
    return [v.pathway_id for v in store.retention_due()]


@dataclass
class Adoptions:
    """What `adopt_every` did: the pathways that follow the rule now, those that did
    already, those that refused (closed for good), and those that failed, with why."""

    adopted: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    failed: dict[str, Exception] = field(default_factory=dict)


async def adopt_every(
    pathways: PathwayClient, pathway_ids: list[str], meta: RequestMeta
) -> Adoptions:
    """Send the adoption to each pathway, one after another, each under a request id
    derived from `meta`'s, so that the whole run retried applies once to each. One that
    fails (cannot run, no answer) is kept with why, and the others go on."""
    done = Adoptions()
    for pathway_id in pathway_ids:
        request = dataclasses.replace(meta, request_id=f"{meta.request_id}:{pathway_id}")
        try:
            result = await adopt_retention(pathways, pathway_id, request)
        except RequestRefused as refused:
            if refused.rule != CLOSED_RULE and refused.code != "adopt_closed":
                done.failed[pathway_id] = refused
            else:
                done.closed.append(pathway_id)
            continue
        except Exception as err:  # noqa: BLE001 - said per pathway; the others go on
            done.failed[pathway_id] = err
            continue
        (done.adopted if result.seq else done.already).append(pathway_id)
    return done
