"""TLS on both edges, client certificates when a client CA is configured, and no plaintext on an
address other hosts can reach unless the operator says so. Certificates are made here, offline."""

from __future__ import annotations

import datetime
import ipaddress
import logging
import ssl
from pathlib import Path

import aiohttp
import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from adapters.settings import load_settings
from adapters.transport_security import InsecureListenRefused, insecure_listen_refusal, is_loopback
from multichannel.v1 import app_pb2, app_pb2_grpc
from sandbox.runner import RunningSandbox
from tests.e2e.conftest import running_harness


def _issue(
    common_name: str, issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None, *, ca: bool = False
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    issuer_name, signing_key = issuer or (subject, key)
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(signing_key, hashes.SHA256()), key


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


class Pki:
    """A CA, the server's certificate and a client's, all signed by the CA, as PEM files."""

    def __init__(self, directory: Path) -> None:
        ca_cert, ca_key = _issue("mcc test CA", None, ca=True)
        server_cert, server_key = _issue("localhost", (ca_cert.subject, ca_key))
        client_cert, client_key = _issue("a client", (ca_cert.subject, ca_key))
        self.ca = _pem(ca_cert)
        self.client_cert, self.client_key = _pem(client_cert), _key_pem(client_key)
        self.ca_file = directory / "ca.pem"
        self.cert_file = directory / "server.pem"
        self.key_file = directory / "server.key"
        self.ca_file.write_bytes(self.ca)
        self.cert_file.write_bytes(_pem(server_cert))
        self.key_file.write_bytes(_key_pem(server_key))

    def environment(self, *, client_ca: bool = False) -> dict[str, str]:
        environment = {"MCC_TLS_CERT_FILE": str(self.cert_file), "MCC_TLS_KEY_FILE": str(self.key_file)}
        if client_ca:
            environment["MCC_TLS_CLIENT_CA"] = str(self.ca_file)
        return environment


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    return Pki(tmp_path)


async def _list_apps(channel: grpc.aio.Channel, key: str) -> app_pb2.ListAppsResponse:
    stub = app_pb2_grpc.AppServiceStub(channel)
    return await stub.ListApps(
        app_pb2.ListAppsRequest(), timeout=5, metadata=(("authorization", f"Bearer {key}"),)
    )


async def test_tls_serves_grpc_and_the_http_edge(
    database_url: str, sandbox: RunningSandbox, pki: Pki
) -> None:
    async with running_harness(database_url, sandbox, environment=pki.environment()) as harness:
        target = f"localhost:{harness.service.port}"
        async with grpc.aio.secure_channel(target, grpc.ssl_channel_credentials(pki.ca)) as secure:
            await _list_apps(secure, harness.admin_key)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            async with grpc.aio.insecure_channel(target) as plain:
                await _list_apps(plain, harness.admin_key)
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE

        trusting = ssl.create_default_context(cadata=pki.ca.decode())
        async with aiohttp.ClientSession() as http:
            url = f"https://localhost:{harness.service.http_port}/healthz"
            async with http.get(url, ssl=trusting) as reply:
                assert reply.status == 200


async def test_a_client_ca_requires_a_certificate_it_signed(
    database_url: str, sandbox: RunningSandbox, pki: Pki
) -> None:
    async with running_harness(database_url, sandbox, environment=pki.environment(client_ca=True)) as harness:
        target = f"localhost:{harness.service.port}"
        anonymous = grpc.ssl_channel_credentials(pki.ca)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            async with grpc.aio.secure_channel(target, anonymous) as channel:
                await _list_apps(channel, harness.admin_key)
        assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
        known = grpc.ssl_channel_credentials(pki.ca, pki.client_key, pki.client_cert)
        async with grpc.aio.secure_channel(target, known) as channel:
            await _list_apps(channel, harness.admin_key)


@pytest.mark.parametrize(
    ("listen", "loopback"),
    [
        ("127.0.0.1:50051", True),
        ("localhost:1", True),
        ("[::1]:50051", True),
        ("0.0.0.0:50051", False),
        ("[::]:50051", False),
        ("10.1.2.3:50051", False),
        ("mcc.example.com:443", False),
    ],
)
def test_only_loopback_addresses_count_as_private(listen: str, loopback: bool) -> None:
    assert is_loopback(listen) is loopback


def test_plaintext_is_refused_on_a_reachable_address_unless_allowed(pki: Pki) -> None:
    exposed = {"MCC_LISTEN": "0.0.0.0:50051"}
    refusal = insecure_listen_refusal(load_settings(exposed))
    assert refusal is not None and "0.0.0.0:50051" in refusal and "MCC_ALLOW_INSECURE" in refusal
    assert insecure_listen_refusal(load_settings({**exposed, "MCC_HTTP_LISTEN": "0.0.0.0:8080"})) is not None
    assert insecure_listen_refusal(load_settings({**exposed, "MCC_ALLOW_INSECURE": "1"})) is None
    assert insecure_listen_refusal(load_settings({**exposed, **pki.environment()})) is None
    assert insecure_listen_refusal(load_settings({})) is None


async def test_the_server_refuses_to_start_on_a_reachable_address_in_plaintext(
    database_url: str, sandbox: RunningSandbox
) -> None:
    with pytest.raises(InsecureListenRefused):
        async with running_harness(database_url, sandbox, environment={"MCC_LISTEN": "0.0.0.0:0"}):
            pass


async def test_allowed_plaintext_on_a_reachable_address_starts_with_a_warning(
    database_url: str, sandbox: RunningSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="mcc")
    environment = {"MCC_LISTEN": "0.0.0.0:0", "MCC_ALLOW_INSECURE": "1"}
    async with running_harness(database_url, sandbox, environment=environment) as harness:
        await _list_apps(harness.channel, harness.admin_key)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and r.name == "mcc"]
    assert any("serving plaintext on 0.0.0.0:0" in line for line in warnings), warnings
