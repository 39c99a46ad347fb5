"""The one error table: each family gets its status code and its google.rpc details."""

from __future__ import annotations

import logging

import grpc
import pytest
from google.rpc import code_pb2, error_details_pb2, status_pb2
from sqlalchemy import exc as sqlalchemy_exc

from adapters.grpc.admission import ServerOverloaded
from adapters.grpc.errors import ERROR_DOMAIN, domain_status, status_code_for, status_for_exception
from domain import errors


def _details(status, kind):  # type: ignore[no-untyped-def]
    found = []
    for any_detail in status.details:
        message = kind()
        if any_detail.Unpack(message):
            found.append(message)
    return found


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (errors.UnsupportedRegion("FR"), grpc.StatusCode.INVALID_ARGUMENT),
        (errors.AppNotFound("apps/x"), grpc.StatusCode.NOT_FOUND),
        (errors.AppAlreadyExists("apps/x"), grpc.StatusCode.ALREADY_EXISTS),
        (errors.StaleWrite("apps/x", "changed"), grpc.StatusCode.ABORTED),
        (errors.PartnerUnavailable("tiktok", "36009003", "busy"), grpc.StatusCode.UNAVAILABLE),
        (errors.PartnerRateLimited("tiktok", "36009002", "slow down"), grpc.StatusCode.UNAVAILABLE),
        (errors.PartnerRejected("tiktok", "36004004", "bad code"), grpc.StatusCode.FAILED_PRECONDITION),
        (errors.PartnerTokenRevoked("tiktok", "36004005", "revoked"), grpc.StatusCode.FAILED_PRECONDITION),
        (errors.ReservationConflict("o1:sku1", 2, 3), grpc.StatusCode.FAILED_PRECONDITION),
    ],
)
def test_each_family_maps_to_its_status_code(error: errors.DomainError, code: grpc.StatusCode) -> None:
    assert status_code_for(error) == code


def test_every_error_carries_error_info_with_a_stable_reason() -> None:
    status = domain_status(errors.AppNotFound("apps/a1"))
    (info,) = _details(status, error_details_pb2.ErrorInfo)
    assert info.reason == "APP_NOT_FOUND"
    assert info.domain == ERROR_DOMAIN
    (resource,) = _details(status, error_details_pb2.ResourceInfo)
    assert resource.resource_name == "apps/a1"


def test_a_missing_partner_scope_is_a_failed_precondition_naming_the_scope() -> None:
    error = errors.PartnerScopeMissing("shopline", "403", "Forbidden", "T-1", "write_inventory")
    status = domain_status(error)
    assert status.code == code_pb2.FAILED_PRECONDITION
    (info,) = _details(status, error_details_pb2.ErrorInfo)
    assert info.reason == "PARTNER_SCOPE_MISSING"
    assert dict(info.metadata) == {
        "partner": "shopline",
        "code": "403",
        "request_id": "T-1",
        "scope": "write_inventory",
    }
    assert "'write_inventory'" in status.message and "re-authorize" in status.message


def test_invalid_argument_names_the_field_in_bad_request() -> None:
    status = domain_status(errors.InvalidDisplayName("must not be empty"))
    assert status.code == code_pb2.INVALID_ARGUMENT
    (bad_request,) = _details(status, error_details_pb2.BadRequest)
    assert bad_request.field_violations[0].field == "display_name"
    assert "empty" in bad_request.field_violations[0].description


def test_precondition_failure_carries_the_rule() -> None:
    status = domain_status(errors.TaskNotRetryable("apps/a/tasks/t", "only failed tasks can be retried"))
    (failure,) = _details(status, error_details_pb2.PreconditionFailure)
    assert failure.violations[0].type == "TASK_NOT_RETRYABLE"
    assert failure.violations[0].subject == "apps/a/tasks/t"


def test_unknown_exceptions_become_generic_internal_and_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    secret = "access-token-abcdef123456"
    with caplog.at_level(logging.ERROR, logger="mcc.errors"):
        status = status_for_exception(
            RuntimeError(f"boom {secret}"), "/multichannel.v1.AppService/GetApp", "c0ffee"
        )
    assert status.code == grpc.StatusCode.INTERNAL
    assert secret not in status.details
    assert "c0ffee" in status.details
    assert any("c0ffee" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    ("exc", "code", "reason"),
    [
        (ServerOverloaded("2 calls in flight"), code_pb2.RESOURCE_EXHAUSTED, "OVERLOADED"),
        (sqlalchemy_exc.TimeoutError("QueuePool limit reached"), code_pb2.UNAVAILABLE, "DATABASE_BUSY"),
    ],
)
def test_load_is_answered_with_retry_info_never_internal(exc: Exception, code: int, reason: str) -> None:
    answered = status_for_exception(exc, "/multichannel.v1.OrderService/ListOrders", "cid")
    assert answered.code.value[0] == code
    (details,) = [d for key, d in answered.trailing_metadata if key == "grpc-status-details-bin"]
    decoded = status_pb2.Status.FromString(details)
    (info,) = _details(decoded, error_details_pb2.ErrorInfo)
    (retry,) = _details(decoded, error_details_pb2.RetryInfo)
    assert info.reason == reason and retry.retry_delay.seconds >= 1
