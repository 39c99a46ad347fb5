"""The composition root: one dependency-injector container, made of one sub-container per ring.

``core`` (settings, clock, ids), ``persistence`` (database, units of work, the event reactions),
``partners`` (the TikTok and SHOPLINE clients and token upkeep), ``jobs`` (the use cases that run
in the background, the task worker, the runner and the periodic jobs), ``api`` (the gRPC
servicers and server) and ``http`` (the inbound HTTP edge: webhooks, OAuth callbacks, probes).
Each takes the ones before it; nothing else picks an adapter.
"""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.bootstrap.api import Api
from adapters.bootstrap.core import Core
from adapters.bootstrap.http import Http
from adapters.bootstrap.jobs import Jobs
from adapters.bootstrap.partners import Partners
from adapters.bootstrap.persistence import Persistence
from adapters.settings import Settings


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    core = providers.Container(Core, settings=settings)
    persistence = providers.Container(Persistence, core=core)
    partners = providers.Container(Partners, core=core, persistence=persistence)
    jobs = providers.Container(Jobs, core=core, persistence=persistence, partners=partners)
    api = providers.Container(Api, core=core, persistence=persistence, partners=partners, jobs=jobs)
    http = providers.Container(Http, core=core, persistence=persistence, jobs=jobs, api=api)


def build_container(settings: Settings) -> Container:
    container = Container(settings=settings)
    container.check_dependencies()
    return container


__all__ = ["Container", "build_container"]
