"""The method-to-role table covers every RPC the server serves, and nothing else."""

from __future__ import annotations

from grpc_health.v1 import health_pb2
from grpc_reflection.v1alpha import reflection_pb2

from adapters.grpc.access.rules import METHOD_RULES, rule_for
from adapters.grpc.api import SERVICES, service_descriptor
from domain.api_key import Role

PUBLIC_SERVICES = [
    health_pb2.DESCRIPTOR.services_by_name["Health"],
    reflection_pb2.DESCRIPTOR.services_by_name["ServerReflection"],
]


def _methods(descriptors) -> set[str]:  # type: ignore[no-untyped-def]
    return {f"/{service.full_name}/{method.name}" for service in descriptors for method in service.methods}


API_METHODS = _methods(service_descriptor(name) for name in SERVICES)
PUBLIC_METHODS = _methods(PUBLIC_SERVICES)


def test_every_rpc_of_every_api_service_has_a_rule_that_needs_a_key() -> None:
    assert len(API_METHODS) > 40
    missing = sorted(method for method in API_METHODS if rule_for(method) is None)
    assert missing == []
    public = sorted(method for method in API_METHODS if rule_for(method).role is None)  # type: ignore[union-attr]
    assert public == []


def test_only_health_and_reflection_are_public() -> None:
    assert {method for method, rule in METHOD_RULES.items() if rule.role is None} == PUBLIC_METHODS


def test_the_table_names_no_method_that_is_not_served() -> None:
    assert set(METHOD_RULES) == API_METHODS | PUBLIC_METHODS


def test_an_unknown_method_has_no_rule() -> None:
    assert rule_for("/multichannel.v1.ShopService/DeleteEverything") is None


def test_reading_never_mutates_and_every_change_is_audited() -> None:
    for method in API_METHODS:
        rule = METHOD_RULES[method]
        name = method.rpartition("/")[2]
        reads = name.startswith(("Get", "List", "Watch"))
        assert rule.mutates != reads, method
        assert (rule.role is Role.READER) == (reads and "ApiKey" not in name), method


def test_installations_deleting_shops_and_keys_are_for_admins() -> None:
    for name in (
        "AppService/StartInstallation",
        "AppService/CompleteInstallation",
        "ShopService/DeleteShop",
        "ApiKeyService/CreateApiKey",
        "ApiKeyService/RevokeApiKey",
        "ApiKeyService/ListApiKeys",
    ):
        assert METHOD_RULES[f"/multichannel.v1.{name}"].role is Role.ADMIN, name
    for name in ("AppService/StartInstallation", "ApiKeyService/CreateApiKey"):
        assert METHOD_RULES[f"/multichannel.v1.{name}"].every_app, name
