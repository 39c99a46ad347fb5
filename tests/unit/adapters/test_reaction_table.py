"""The reaction table: each reaction sees its event type's events of a commit, once, in order, and
one failing reaction does not stop the others."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from adapters.events.reactions import ReactionTable
from domain.events import DomainEvent, PoolLinksChanged, TaskChanged
from domain.ids import AppId, PoolId, ShoplineVariantId, TaskId


def task_changed(n: int) -> TaskChanged:
    return TaskChanged(TaskId(f"t{n}"), AppId("a"), "RUNNING", n, None)


LINKS = PoolLinksChanged(PoolId("p"), AppId("a"), ShoplineVariantId("v"))


class Recording:
    def __init__(self) -> None:
        self.calls: list[list[DomainEvent]] = []

    async def react(self, events: Sequence[DomainEvent]) -> None:
        self.calls.append(list(events))


async def broken(events: Sequence[DomainEvent]) -> None:
    raise RuntimeError("reaction bug")


async def test_each_reaction_gets_only_its_types_events_once_per_commit() -> None:
    tasks, links = Recording(), Recording()
    table = ReactionTable({TaskChanged: [tasks.react], PoolLinksChanged: [links.react]})

    await table.publish([task_changed(1), LINKS, task_changed(2), DomainEvent()])

    assert tasks.calls == [[task_changed(1), task_changed(2)]]
    assert links.calls == [[LINKS]]


async def test_a_failing_reaction_is_logged_and_the_next_still_runs(caplog: pytest.LogCaptureFixture) -> None:
    after = Recording()
    table = ReactionTable({TaskChanged: [broken, after.react]})

    await table.publish([task_changed(1)])

    assert after.calls == [[task_changed(1)]]
    assert "event=TaskChanged reaction=broken" in caplog.text


async def test_events_no_reaction_is_listed_for_are_dropped() -> None:
    await ReactionTable({}).publish([task_changed(1), LINKS])


def test_the_composition_root_lists_every_in_process_reaction() -> None:
    from adapters.bootstrap.persistence import event_reactions
    from adapters.jobs.change_feed import InProcessTaskChangeFeed
    from domain.events import AppInstalled, PoolAvailabilityChanged, ShopAuthorized, ShopReauthorized
    from services.inventory.push import PushWakeup
    from services.inventory.upkeep import LinkedPoolObserver
    from services.webhooks.subscribing import SubscriptionScheduler

    feed, push, linked = InProcessTaskChangeFeed(), PushWakeup(), LinkedPoolObserver()
    subscribing = SubscriptionScheduler()
    table = event_reactions(feed, push, linked, subscribing)

    assert table.reactions_to(TaskChanged) == (feed.tasks_changed,)
    assert table.reactions_to(PoolAvailabilityChanged) == (push.pools_changed,)
    assert table.reactions_to(PoolLinksChanged) == (push.pools_changed, linked.links_changed)
    assert table.reactions_to(AppInstalled) == (subscribing.apps_installed,)
    assert table.reactions_to(ShopAuthorized) == (subscribing.shops_authorized,)
    assert table.reactions_to(ShopReauthorized) == (subscribing.shops_authorized,)


def test_committed_shipments_wake_the_shipment_sender() -> None:
    from adapters.bootstrap.persistence import event_reactions
    from adapters.jobs.change_feed import InProcessTaskChangeFeed
    from domain.fulfillment import ShipmentsDue
    from services.fulfillment.sender import ShipmentWakeup
    from services.inventory.push import PushWakeup
    from services.inventory.upkeep import LinkedPoolObserver
    from services.webhooks.subscribing import SubscriptionScheduler

    shipments = ShipmentWakeup()
    table = event_reactions(
        InProcessTaskChangeFeed(),
        PushWakeup(),
        LinkedPoolObserver(),
        SubscriptionScheduler(),
        shipments=shipments,
    )
    assert table.reactions_to(ShipmentsDue) == (shipments.shipments_due,)
