"""What every ring shares: the settings, time, ids and randomness."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.gc_tuning import tuned_garbage_collector
from adapters.settings import Settings
from adapters.system import SystemClock, SystemSecureRandom, UuidIdGenerator


class Core(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    clock = providers.Singleton(SystemClock)
    id_generator = providers.Singleton(UuidIdGenerator)
    secure_random = providers.Singleton(SystemSecureRandom)
    garbage_collector = providers.Resource(tuned_garbage_collector)
