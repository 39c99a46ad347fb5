"""The one table from domain errors to gRPC status codes with ``google.rpc`` details.

Every error carries an ``ErrorInfo`` whose (reason, domain) pair always means the same thing.
Load (no call slot, no database connection in time) is RESOURCE_EXHAUSTED or UNAVAILABLE with a
``RetryInfo``. Unknown exceptions are logged with the call's correlation id and answered with a generic
``INTERNAL`` that leaks nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import grpc
from google.protobuf import any_pb2, duration_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status
from sqlalchemy import exc as sqlalchemy_exc

from adapters.grpc.admission import RETRY_AFTER, ServerOverloaded
from adapters.grpc.field_paths import request_field_path
from domain import errors as domain_errors

ERROR_DOMAIN = "multichannel.v1"
INTERNAL_REASON = "INTERNAL"
OVERLOADED_REASON = "OVERLOADED"
DATABASE_BUSY_REASON = "DATABASE_BUSY"
MAX_DETAIL_CHARS = 400
"""Any text of a status is cut to this: trailers stay far below the client's metadata limit, so a
caller always sees the real code instead of RESOURCE_EXHAUSTED, whatever a message quotes."""

log = logging.getLogger("mcc.errors")

# Most specific first: the first family an error belongs to decides its status code.
STATUS_TABLE: tuple[tuple[type[domain_errors.DomainError], grpc.StatusCode], ...] = (
    (domain_errors.Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    (domain_errors.PermissionDenied, grpc.StatusCode.PERMISSION_DENIED),
    (domain_errors.InvalidArgument, grpc.StatusCode.INVALID_ARGUMENT),
    (domain_errors.NotFound, grpc.StatusCode.NOT_FOUND),
    (domain_errors.AlreadyExists, grpc.StatusCode.ALREADY_EXISTS),
    (domain_errors.ConcurrencyConflict, grpc.StatusCode.ABORTED),
    (domain_errors.PartnerRateLimited, grpc.StatusCode.UNAVAILABLE),
    (domain_errors.PartnerUnavailable, grpc.StatusCode.UNAVAILABLE),
    (domain_errors.PartnerAuthExpired, grpc.StatusCode.FAILED_PRECONDITION),
    (domain_errors.PartnerTokenRevoked, grpc.StatusCode.FAILED_PRECONDITION),
    (domain_errors.PartnerRejected, grpc.StatusCode.FAILED_PRECONDITION),
    (domain_errors.PreconditionFailed, grpc.StatusCode.FAILED_PRECONDITION),
)


def status_code_for(error: domain_errors.DomainError) -> grpc.StatusCode:
    for family, code in STATUS_TABLE:
        if isinstance(error, family):
            return code
    return grpc.StatusCode.FAILED_PRECONDITION


def status_for_exception(exc: BaseException, method: str, correlation_id: str) -> grpc.Status:
    if isinstance(exc, domain_errors.DomainError):
        return rpc_status.to_status(domain_status(exc, method))
    if isinstance(exc, ServerOverloaded):
        return rpc_status.to_status(
            retry_status(code_pb2.RESOURCE_EXHAUSTED, OVERLOADED_REASON, str(exc), exc.retry_after)
        )
    if isinstance(exc, sqlalchemy_exc.TimeoutError):
        # No pooled database connection within the wait: load, not a fault; the call did nothing.
        log.warning("database pool wait ran out method=%s correlation_id=%s", method, correlation_id)
        message = "the database is busy; retry after 1 s"
        return rpc_status.to_status(
            retry_status(code_pb2.UNAVAILABLE, DATABASE_BUSY_REASON, message, RETRY_AFTER)
        )
    log.error(
        "unhandled error method=%s correlation_id=%s type=%s",
        method,
        correlation_id,
        type(exc).__name__,
        exc_info=exc,
    )
    return rpc_status.to_status(internal_status(correlation_id))


def domain_status(error: domain_errors.DomainError, method: str = "") -> status_pb2.Status:
    """``method`` (``/package.Service/Method``) places a bad field at its path in that request."""
    code = status_code_for(error)
    message = _clip(str(error))
    metadata = {key: _clip(value) for key, value in error.metadata().items()}
    violation = None
    if isinstance(error, domain_errors.InvalidArgument):
        field = _clip(request_field_path(method, error.field))
        description = _clip(error.description)
        violation = error_details_pb2.BadRequest.FieldViolation(field=field, description=description)
        if field != error.field:
            message = _clip(f"{field}: {description}")
            metadata["field"] = field
    details = [
        _pack(error_details_pb2.ErrorInfo(reason=error.reason, domain=ERROR_DOMAIN, metadata=metadata))
    ]
    if violation is not None:
        details.append(_pack(error_details_pb2.BadRequest(field_violations=[violation])))
    elif isinstance(error, domain_errors.NotFound):
        details.append(
            _pack(
                error_details_pb2.ResourceInfo(
                    resource_type=error.resource_type,
                    resource_name=_clip(error.resource_name),
                    description=message,
                )
            )
        )
    elif isinstance(error, domain_errors.PreconditionFailed):
        details.append(
            _pack(
                error_details_pb2.PreconditionFailure(
                    violations=[
                        error_details_pb2.PreconditionFailure.Violation(
                            type=error.reason,
                            subject=_clip(error.subject),
                            description=_clip(error.description),
                        )
                    ]
                )
            )
        )
    return status_pb2.Status(code=code.value[0], message=message, details=details)


def retry_status(code: int, reason: str, message: str, retry_after: timedelta) -> status_pb2.Status:
    """Load shed or a busy dependency: nothing was done, and the caller may retry after the delay."""
    delay = duration_pb2.Duration()
    delay.FromTimedelta(retry_after)
    return status_pb2.Status(
        code=code,
        message=message,
        details=[
            _pack(error_details_pb2.ErrorInfo(reason=reason, domain=ERROR_DOMAIN)),
            _pack(error_details_pb2.RetryInfo(retry_delay=delay)),
        ],
    )


def internal_status(correlation_id: str) -> status_pb2.Status:
    info = error_details_pb2.ErrorInfo(
        reason=INTERNAL_REASON, domain=ERROR_DOMAIN, metadata={"correlation_id": correlation_id}
    )
    return status_pb2.Status(
        code=code_pb2.INTERNAL,
        message=f"internal error (correlation id {correlation_id})",
        details=[_pack(info)],
    )


def _clip(text: str) -> str:
    return text if len(text) <= MAX_DETAIL_CHARS else text[: MAX_DETAIL_CHARS - 1] + "…"


def _pack(message: object) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)  # type: ignore[arg-type]
    return packed
