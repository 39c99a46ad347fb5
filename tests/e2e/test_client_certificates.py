"""mTLS: a verified client certificate whose subject is registered as a key authenticates its caller.

The TLS server itself is configured elsewhere (``MCC_TLS_CERT_FILE`` …); here a TLS server that
requires client certificates signed by a test CA runs the same access interceptors.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from grpc import aio

from adapters.grpc.access.interceptors import AuditInterceptor, AuthenticationInterceptor
from adapters.grpc.interceptors import ErrorTranslationInterceptor
from domain.api_key import Role
from domain.app import App
from domain.ids import AppId
from multichannel.v1 import app_pb2, app_pb2_grpc
from tests.unit.builders import T0

Pem = tuple[bytes, bytes]


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _certificate(
    subject: str,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None,
    *,
    ca: bool = False,
    server: bool = False,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    issuer_name, issuer_key = issuer if issuer is not None else (_name(subject), key)
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if server:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256()), key


def _pem(certificate: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> Pem:
    return (
        certificate.public_bytes(serialization.Encoding.PEM),
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )


@pytest.fixture
def pki() -> dict[str, Pem]:
    ca, ca_key = _certificate("Test CA", None, ca=True)
    stranger_ca, stranger_key = _certificate("Other CA", None, ca=True)
    server = _certificate("localhost", (ca.subject, ca_key), server=True)
    reporting = _certificate("reporting", (ca.subject, ca_key))
    unregistered = _certificate("unregistered", (ca.subject, ca_key))
    forged = _certificate("reporting", (stranger_ca.subject, stranger_key))
    return {
        "ca": _pem(ca, ca_key),
        "server": _pem(*server),
        "reporting": _pem(*reporting),
        "unregistered": _pem(*unregistered),
        "forged": _pem(*forged),
    }


async def test_a_registered_client_certificate_is_a_caller_with_its_role_and_apps(harness, pki) -> None:  # type: ignore[no-untyped-def]
    async with harness.container.persistence.unit_of_work() as uow:
        await uow.apps.add(App.install(AppId("app-1"), "store-1", T0))
        await uow.apps.add(App.install(AppId("app-2"), "store-2", T0))
        await uow.commit()
    keys = harness.container.api.api_keys()
    issued = await keys.create(
        Role.READER, frozenset({AppId("app-1")}), certificate_subject="CN=reporting,O=Example"
    )

    server = aio.server(
        interceptors=[
            AuditInterceptor(),
            ErrorTranslationInterceptor(),
            AuthenticationInterceptor(harness.container.api.authenticator(), client_certificates=True),
        ]
    )
    app_pb2_grpc.add_AppServiceServicer_to_server(harness.container.api.app_servicer(), server)
    credentials = grpc.ssl_server_credentials(
        [pki["server"][::-1]], root_certificates=pki["ca"][0], require_client_auth=True
    )
    port = server.add_secure_port("127.0.0.1:0", credentials)
    await server.start()

    async def list_apps(client: str) -> app_pb2.ListAppsResponse:
        channel_credentials = grpc.ssl_channel_credentials(
            root_certificates=pki["ca"][0], private_key=pki[client][1], certificate_chain=pki[client][0]
        )
        options = (("grpc.ssl_target_name_override", "localhost"),)
        async with aio.secure_channel(f"127.0.0.1:{port}", channel_credentials, options=options) as channel:
            return await app_pb2_grpc.AppServiceStub(channel).ListApps(app_pb2.ListAppsRequest(), timeout=10)

    try:
        listed = await list_apps("reporting")
        assert [app.name for app in listed.apps] == ["apps/app-1"]
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await list_apps("unregistered")
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await list_apps("forged")  # same subject, another CA: the handshake refuses it
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        await keys.revoke(issued.key.id)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await list_apps("reporting")
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        await server.stop(0)
