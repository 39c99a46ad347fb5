"""The public gRPC surface: services, RPC names, request/response shapes and documentation.

Imports the generated modules (``src/multichannel/v1``) for the services, and compiles the proto
sources with source info into a temporary descriptor set to check that every message, field,
enum, enum value, service and RPC carries a leading comment.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import FieldDescriptor

ROOT = Path(__file__).resolve().parents[2]
PROTO_ROOT = ROOT / "proto"
PROTO_DIR = PROTO_ROOT / "multichannel" / "v1"

EXPECTED_SERVICES: dict[str, tuple[str, list[str]]] = {
    "AppService": (
        "app",
        ["StartInstallation", "CompleteInstallation", "GetApp", "ListApps", "UpdateApp"],
    ),
    "ShopService": (
        "shop",
        ["StartAuthorization", "CompleteAuthorization", "ListShops", "GetShop", "UpdateShop", "DeleteShop"],
    ),
    "CatalogService": (
        "catalog",
        [
            "ListProducts",
            "GetProduct",
            "LinkSku",
            "UnlinkSku",
            "AutoLinkSkus",
            "SyncPrices",
            "GetPriceRule",
            "UpdatePriceRule",
        ],
    ),
    "InventoryService": (
        "inventory",
        ["ListInventoryPools", "GetInventoryPool", "UpdateInventoryPool", "PushInventory"],
    ),
    "OrderService": (
        "order",
        [
            "ListOrders",
            "GetOrder",
            "ImportOrder",
            "CancelOrder",
            "ApproveCancellation",
            "RejectCancellation",
            "SyncOrders",
            "ShipOrder",
            "ListShippingProviders",
            "ListCarrierMappings",
            "UpdateCarrierMapping",
            "GetShippingLabel",
            "ListReturns",
            "ApproveReturn",
            "RejectReturn",
        ],
    ),
    "TaskService": ("task", ["ListTasks", "GetTask", "WatchTask", "CancelTask", "RetryTask"]),
    "AnalyticsService": ("analytics", ["GetSalesSummary", "ListTopProducts", "GetCustomerSummary"]),
}

# SourceCodeInfo path components (descriptor.proto field numbers).
_FILE_MESSAGE, _FILE_ENUM, _FILE_SERVICE = 4, 5, 6
_MESSAGE_FIELD, _MESSAGE_NESTED, _MESSAGE_ENUM, _MESSAGE_ONEOF = 2, 3, 4, 8
_ENUM_VALUE, _SERVICE_METHOD = 2, 2


def _service(name: str):  # type: ignore[no-untyped-def]
    module_name, _ = EXPECTED_SERVICES[name]
    module = importlib.import_module(f"multichannel.v1.{module_name}_pb2")
    return module.DESCRIPTOR.services_by_name[name]


@pytest.fixture(scope="module")
def descriptor_set(tmp_path_factory: pytest.TempPathFactory) -> descriptor_pb2.FileDescriptorSet:
    from grpc_tools import protoc

    out = tmp_path_factory.mktemp("descriptors") / "api.binpb"
    well_known = Path(protoc.__file__).resolve().parent / "_proto"
    sources = sorted(p.relative_to(PROTO_ROOT).as_posix() for p in PROTO_DIR.glob("*.proto"))
    assert sources, f"no proto sources under {PROTO_DIR}"
    code = protoc.main(
        [
            "protoc",
            f"--proto_path={PROTO_ROOT}",
            f"--proto_path={well_known}",
            "--include_source_info",
            f"--descriptor_set_out={out}",
            *(str(PROTO_ROOT / s) for s in sources),
        ]
    )
    assert code == 0, "protoc failed to compile the proto sources"
    return descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())


def _api_files(descriptor_set: descriptor_pb2.FileDescriptorSet) -> list[descriptor_pb2.FileDescriptorProto]:
    return [f for f in descriptor_set.file if f.package == "multichannel.v1"]


@pytest.mark.parametrize("service_name", sorted(EXPECTED_SERVICES))
def test_each_service_exposes_exactly_the_expected_rpcs(service_name: str) -> None:
    _, expected = EXPECTED_SERVICES[service_name]
    service = _service(service_name)
    assert service.full_name == f"multichannel.v1.{service_name}"
    assert sorted(m.name for m in service.methods) == sorted(expected)


@pytest.mark.parametrize("service_name", sorted(EXPECTED_SERVICES))
def test_generated_grpc_module_has_stub_and_servicer(service_name: str) -> None:
    module_name, _ = EXPECTED_SERVICES[service_name]
    grpc_module = importlib.import_module(f"multichannel.v1.{module_name}_pb2_grpc")
    assert hasattr(grpc_module, f"{service_name}Stub")
    assert hasattr(grpc_module, f"{service_name}Servicer")
    assert hasattr(grpc_module, f"add_{service_name}Servicer_to_server")


def test_every_rpc_has_its_own_request_and_response() -> None:
    seen: set[str] = set()
    for service_name in EXPECTED_SERVICES:
        for method in _service(service_name).methods:
            assert method.input_type.full_name == f"multichannel.v1.{method.name}Request"
            assert method.output_type.full_name == f"multichannel.v1.{method.name}Response"
            for message in (method.input_type.full_name, method.output_type.full_name):
                assert message not in seen, f"{message} is shared by more than one RPC"
                seen.add(message)


READ_ONLY_PREFIXES = ("Get", "List", "Watch")
HANDSHAKES = {"StartInstallation", "CompleteInstallation", "StartAuthorization", "CompleteAuthorization"}
"""Made idempotent by their single-use state instead of a request_id."""


def test_every_mutating_rpc_takes_an_optional_request_id() -> None:
    lacking = [
        method.name
        for service_name in EXPECTED_SERVICES
        for method in _service(service_name).methods
        if not method.name.startswith(READ_ONLY_PREFIXES) and method.name not in HANDSHAKES
        if "request_id" not in method.input_type.fields_by_name
        or method.input_type.fields_by_name["request_id"].type != FieldDescriptor.TYPE_STRING
    ]
    assert lacking == []


def test_only_watch_task_streams() -> None:
    streaming = [
        f"{service_name}.{m.name}"
        for service_name in EXPECTED_SERVICES
        for m in _service(service_name).methods
        if m.server_streaming or m.client_streaming
    ]
    assert streaming == ["TaskService.WatchTask"]
    watch = _service("TaskService").methods_by_name["WatchTask"]
    assert watch.server_streaming and not watch.client_streaming
    oneof = watch.output_type.oneofs_by_name["event"]
    assert sorted(f.name for f in oneof.fields) == ["heartbeat_time", "task"]


def test_proto_sources_import_only_well_known_types(
    descriptor_set: descriptor_pb2.FileDescriptorSet,
) -> None:
    for file in _api_files(descriptor_set):
        for dependency in file.dependency:
            assert dependency.startswith(("google/protobuf/", "multichannel/v1/")), (
                f"{file.name} imports {dependency}"
            )


def test_no_floating_point_fields(descriptor_set: descriptor_pb2.FileDescriptorSet) -> None:
    floating = (FieldDescriptor.TYPE_FLOAT, FieldDescriptor.TYPE_DOUBLE)
    for file in _api_files(descriptor_set):
        for message in file.message_type:
            for field in message.field:
                assert field.type not in floating, f"{message.name}.{field.name} is floating point"


def test_no_secret_is_a_field(descriptor_set: descriptor_pb2.FileDescriptorSet) -> None:
    """Token values and app secrets never appear; expiry times and page tokens are fine."""
    allowed_suffixes = ("_expire_time", "page_token")
    for file in _api_files(descriptor_set):
        for message in file.message_type:
            for field in message.field:
                lowered = field.name.lower()
                if lowered.endswith(allowed_suffixes):
                    continue
                assert "secret" not in lowered, f"{message.name}.{field.name}"
                assert "token" not in lowered, f"{message.name}.{field.name}"
                assert "password" not in lowered, f"{message.name}.{field.name}"


def _undocumented(file: descriptor_pb2.FileDescriptorProto) -> list[str]:
    comments = {
        tuple(location.path): location.leading_comments.strip() for location in file.source_code_info.location
    }

    def check(path: tuple[int, ...], what: str) -> list[str]:
        return [] if comments.get(path) else [f"{file.name}: {what}"]

    missing: list[str] = []
    for i, message in enumerate(file.message_type):
        base = (_FILE_MESSAGE, i)
        missing += check(base, f"message {message.name}")
        for j, field in enumerate(message.field):
            missing += check((*base, _MESSAGE_FIELD, j), f"field {message.name}.{field.name}")
        for j, oneof in enumerate(message.oneof_decl):
            if not oneof.name.startswith("_"):  # synthetic oneofs of proto3 `optional`
                missing += check((*base, _MESSAGE_ONEOF, j), f"oneof {message.name}.{oneof.name}")
        for j, enum in enumerate(message.enum_type):
            missing += check((*base, _MESSAGE_ENUM, j), f"nested enum {message.name}.{enum.name}")
        for nested in message.nested_type:
            if not nested.options.map_entry:
                missing.append(f"{file.name}: nested message {message.name}.{nested.name} (not allowed)")
    for i, enum in enumerate(file.enum_type):
        missing += check((_FILE_ENUM, i), f"enum {enum.name}")
        for j, value in enumerate(enum.value):
            missing += check((_FILE_ENUM, i, _ENUM_VALUE, j), f"enum value {value.name}")
    for i, service in enumerate(file.service):
        missing += check((_FILE_SERVICE, i), f"service {service.name}")
        for j, method in enumerate(service.method):
            missing += check((_FILE_SERVICE, i, _SERVICE_METHOD, j), f"rpc {service.name}.{method.name}")
    return missing


def test_every_element_has_a_leading_comment(descriptor_set: descriptor_pb2.FileDescriptorSet) -> None:
    files = _api_files(descriptor_set)
    assert {f.name for f in files} == {f"multichannel/v1/{p.name}" for p in PROTO_DIR.glob("*.proto")}, (
        "every proto source must be compiled"
    )
    missing = [problem for file in files for problem in _undocumented(file)]
    assert not missing, "undocumented proto elements:\n" + "\n".join(missing)


def test_resources_have_name_as_field_one(descriptor_set: descriptor_pb2.FileDescriptorSet) -> None:
    resources = {"App", "Shop", "Product", "Sku", "InventoryPool", "Order", "Task", "PriceRule"}
    found = set()
    for file in _api_files(descriptor_set):
        for message in file.message_type:
            if message.name in resources:
                found.add(message.name)
                first = message.field[0]
                assert (first.name, first.number, first.type) == ("name", 1, FieldDescriptor.TYPE_STRING)
    assert found == resources


def test_list_requests_page(descriptor_set: descriptor_pb2.FileDescriptorSet) -> None:
    messages = {m.name: m for f in _api_files(descriptor_set) for m in f.message_type}
    list_rpcs = [
        name[: -len("Request")] for name in messages if name.startswith("List") and name.endswith("Request")
    ]
    assert list_rpcs
    for rpc in list_rpcs:
        request = {f.name for f in messages[f"{rpc}Request"].field}
        response = {f.name for f in messages[f"{rpc}Response"].field}
        assert {"page_size", "page_token"} <= request, rpc
        assert "next_page_token" in response, rpc
