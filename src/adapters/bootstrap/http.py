"""The inbound HTTP edge: webhook intake, the OAuth callbacks, the probes, and its server."""

from __future__ import annotations

from dependency_injector import containers, providers

from adapters.inbound_http.app import HttpEdge, WebhookSecrets
from adapters.inbound_http.readiness import DatabaseReadiness
from adapters.inbound_http.server import start_http_edge
from adapters.transport_security import server_tls
from services.webhooks.inbox import WebhookIntake


class Http(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    persistence = providers.DependenciesContainer()
    jobs = providers.DependenciesContainer()
    api = providers.DependenciesContainer()

    webhook_stats = core.webhook_stats
    webhook_intake = providers.Singleton(WebhookIntake, persistence.unit_of_work.provider, jobs.job_runner)
    edge = providers.Singleton(
        HttpEdge,
        intake=webhook_intake,
        webhook_secrets=providers.Callable(WebhookSecrets.of, core.settings),
        stats=webhook_stats,
        clock=core.clock,
        # The same use cases the gRPC Complete* calls run, so the state checks are the same.
        authorization=api.shop_authorization,
        installation=api.installation,
        readiness=providers.Singleton(DatabaseReadiness, persistence.engine),
    )
    http_edge = providers.Coroutine(
        start_http_edge,
        app=edge.provided.application.call(),
        address=core.settings.provided.http_listen,
        grace_seconds=core.settings.provided.shutdown_grace_seconds,
        tls=providers.Callable(server_tls, core.settings),
    )
