"""What every ring shares: the settings, time, ids and randomness."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.gc_tuning import tuned_garbage_collector
from adapters.inbound_http.stats import WebhookStats
from adapters.settings import Settings
from adapters.system import SystemClock, SystemSecureRandom, UuidIdGenerator


class Core(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    id_generator = providers.Singleton(UuidIdGenerator)
    secure_random = providers.Singleton(SystemSecureRandom)
    # Counted by the HTTP edge, shown by GetShop / GetApp.
    webhook_stats = providers.Singleton(WebhookStats)
    garbage_collector = providers.Resource(tuned_garbage_collector)
