"""The access check at the edge and the audit log.

``AuditInterceptor`` sits just inside the access log, outside the error edge, so it sees the final
status of every mutating call. ``AuthenticationInterceptor`` sits inside the error edge: it
authenticates the caller, checks the method's rule and binds the principal for the app-scope
check of ``adapters.grpc.names``; what it refuses goes through the one error table.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
from grpc import aio

from adapters.grpc.access.caller import (
    bind_principal,
    end_audit,
    note_principal,
    start_audit,
    unbind_principal,
)
from adapters.grpc.access.client_certificates import verified_subject
from adapters.grpc.access.rules import Rule, rule_for
from adapters.grpc.call_context import correlation_id
from adapters.grpc.handlers import Behaviour, wrap_handler
from domain.api_key import Principal
from domain.errors import PermissionDenied, Unauthenticated
from services.access.authentication import Authenticator

audit_log = logging.getLogger("mcc.audit")

AUTHORIZATION_HEADER = "authorization"
_BEARER = "bearer "

Continuation = Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]]


class AuthenticationInterceptor(aio.ServerInterceptor):
    def __init__(self, authenticator: Authenticator, *, client_certificates: bool = False) -> None:
        """``client_certificates``: a verified client certificate may stand for the caller (mTLS)."""
        self._authenticator = authenticator
        self._client_certificates = client_certificates

    async def intercept_service(
        self, continuation: Continuation, handler_call_details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        rule = rule_for(method)
        if rule is not None and rule.role is None:
            return handler
        return wrap_handler(
            handler, lambda b: self._unary(b, method, rule), lambda b: self._stream(b, method, rule)
        )

    def _unary(self, behaviour: Behaviour, method: str, rule: Rule | None) -> Behaviour:
        async def wrapped(request: Any, context: aio.ServicerContext) -> Any:
            token = bind_principal(await self._admit(context, method, rule))
            try:
                return await behaviour(request, context)
            finally:
                unbind_principal(token)

        return wrapped

    def _stream(self, behaviour: Behaviour, method: str, rule: Rule | None) -> Behaviour:
        async def wrapped(request: Any, context: aio.ServicerContext) -> AsyncIterator[Any]:
            token = bind_principal(await self._admit(context, method, rule))
            try:
                async for response in behaviour(request, context):
                    yield response
            finally:
                unbind_principal(token)

        return wrapped

    async def _admit(self, context: aio.ServicerContext, method: str, rule: Rule | None) -> Principal:
        short = method.rpartition("/")[2]
        if rule is None or rule.role is None:
            # Served but without a rule: refused until the table says who may call it.
            raise PermissionDenied(short, "this method has no access rule yet")
        principal = await self._authenticate(context)
        note_principal(principal)
        if not principal.may(rule.role):
            raise PermissionDenied(
                short, f"needs the {rule.role.value} role; this key has {principal.role.value}"
            )
        if rule.every_app and principal.apps is not None:
            raise PermissionDenied(short, "needs an admin key for every app")
        return principal

    async def _authenticate(self, context: aio.ServicerContext) -> Principal:
        offered = [
            value
            for key, value in (context.invocation_metadata() or ())
            if key == AUTHORIZATION_HEADER and isinstance(value, str)
        ]
        if len(offered) > 1:
            raise Unauthenticated("send one authorization header")
        if offered:
            if not offered[0][: len(_BEARER)].lower() == _BEARER:
                raise Unauthenticated("the authorization header must be: Bearer mcc_...")
            return await self._authenticator.bearer(offered[0][len(_BEARER) :].strip())
        if self._client_certificates:
            subject = verified_subject(context.auth_context())
            if subject is not None:
                return await self._authenticator.certificate(subject)
        raise Unauthenticated()


class AuditInterceptor(aio.ServerInterceptor):
    """One structured line per mutating call: principal (key prefix), method, resource name,
    request id (the correlation id) and outcome. Never request payloads, secrets or buyer data."""

    async def intercept_service(
        self, continuation: Continuation, handler_call_details: grpc.HandlerCallDetails
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        method = handler_call_details.method
        rule = rule_for(method)
        if rule is not None and not rule.mutates:
            return handler
        return wrap_handler(handler, lambda b: _audited(b, method), lambda b: _audited_stream(b, method))


def _audited(behaviour: Behaviour, method: str) -> Behaviour:
    async def wrapped(request: Any, context: aio.ServicerContext) -> Any:
        record, token = start_audit()
        try:
            return await behaviour(request, context)
        finally:
            _log(method, record.principal, record.resource, context)
            end_audit(token)

    return wrapped


def _audited_stream(behaviour: Behaviour, method: str) -> Behaviour:
    async def wrapped(request: Any, context: aio.ServicerContext) -> AsyncIterator[Any]:
        record, token = start_audit()
        try:
            async for response in behaviour(request, context):
                yield response
        finally:
            _log(method, record.principal, record.resource, context)
            end_audit(token)

    return wrapped


def _log(method: str, principal: str, resource: str, context: aio.ServicerContext) -> None:
    code = context.code()
    outcome = code.name if isinstance(code, grpc.StatusCode) else "OK"
    audit_log.info(
        "audit principal=%s method=%s resource=%s request_id=%s code=%s",
        principal,
        method,
        resource,
        correlation_id(),
        outcome,
        extra={
            "audit": {
                "principal": principal,
                "method": method,
                "resource": resource,
                "request_id": correlation_id(),
                "code": outcome,
            }
        },
    )
