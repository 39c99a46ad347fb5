"""Configuration validation: each bad variable fails with one line naming it."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from adapters.bootstrap import build_container
from adapters.settings import ConfigError, load_settings

GOOD_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()


def test_defaults_when_nothing_is_set() -> None:
    settings = load_settings({})
    assert settings.database_url == "sqlite+aiosqlite:///./var/mcc.db"
    assert settings.listen == "127.0.0.1:50051"
    assert settings.tiktok_api_url == "https://open-api.tiktokglobalshop.com"
    assert settings.tiktok_auth_url == "https://auth.tiktok-shops.com"
    assert settings.shopline_url_template == "https://{handle}.myshopline.com"
    assert settings.token_key is None


def test_valid_values_are_taken() -> None:
    settings = load_settings(
        {
            "MCC_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:5432/mcc",
            "MCC_LISTEN": "0.0.0.0:6000",
            "MCC_TOKEN_KEY": GOOD_KEY,
            "MCC_SHOPLINE_URL_TEMPLATE": "http://127.0.0.1:9000/stores/{handle}/",
            "MCC_SHOPLINE_API_VERSION": "v20260301",
            "MCC_LOG_LEVEL": "debug",
        }
    )
    assert settings.listen == "0.0.0.0:6000"
    assert settings.token_key == bytes(range(32))
    assert settings.shopline_url_template == "http://127.0.0.1:9000/stores/{handle}"
    assert settings.log_level == "DEBUG"


def test_the_http_edge_listens_on_loopback_by_default_and_is_not_public() -> None:
    settings = load_settings({})
    assert settings.http_listen == "127.0.0.1:8080"
    assert settings.public_url is None
    assert settings.shopline_redirect_uri == "http://localhost/mcc/shopline/callback"
    assert load_settings({"MCC_HTTP_LISTEN": "0.0.0.0:0"}).http_listen == "0.0.0.0:0"


def test_a_public_url_makes_the_edge_the_shopline_redirect_unless_one_is_set() -> None:
    public = load_settings({"MCC_PUBLIC_URL": "https://mcc.example.com/"})
    assert public.public_url == "https://mcc.example.com"
    assert public.shopline_redirect_uri == "https://mcc.example.com/oauth/shopline/callback"
    explicit = load_settings(
        {"MCC_PUBLIC_URL": "https://mcc.example.com", "MCC_SHOPLINE_REDIRECT_URI": "https://x.example/cb"}
    )
    assert explicit.shopline_redirect_uri == "https://x.example/cb"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("MCC_DATABASE_URL", "mysql://root@localhost/db", "sqlite+aiosqlite"),
        ("MCC_LISTEN", "localhost", "HOST:PORT"),
        ("MCC_LISTEN", "127.0.0.1:70000", "HOST:PORT"),
        ("MCC_LOG_LEVEL", "LOUD", "one of DEBUG"),
        ("MCC_SHUTDOWN_GRACE_SECONDS", "-1", "non-negative"),
        ("MCC_GRPC_MAX_MESSAGE_BYTES", "big", "positive whole number"),
        ("MCC_TOKEN_KEY", "c2hvcnQ=", "32 random bytes"),
        ("MCC_TOKEN_KEY_FILE", "/nonexistent/key", "readable file"),
        ("MCC_TOKEN_OLD_KEYS", f"{GOOD_KEY},short", "32 random bytes"),
        ("MCC_TIKTOK_API_URL", "ftp://example", "http:// or https://"),
        ("MCC_TIKTOK_AUTH_URL", "not a url", "http:// or https://"),
        ("MCC_SHOPLINE_URL_TEMPLATE", "https://store.example.com", "{handle}"),
        ("MCC_SHOPLINE_API_VERSION", "2025-12", "v20251201"),
        ("MCC_HTTP_LISTEN", "8080", "HOST:PORT"),
        ("MCC_HTTP_LISTEN", "127.0.0.1:65536", "HOST:PORT"),
        ("MCC_PUBLIC_URL", "mcc.example.com", "http:// or https://"),
        ("MCC_PUBLIC_URL", "https://mcc.example.com/?x=1", "without ? or #"),
        ("MCC_ORDER_SYNC_INTERVAL", "0", "positive duration"),
        ("MCC_ON_HAND_REFRESH_INTERVAL", "5 minutes", "positive duration"),
        ("MCC_PRODUCT_REFRESH_INTERVAL", "-60", "positive duration"),
        ("MCC_VARIANT_REFRESH_INTERVAL", "1d", "positive duration"),
        ("MCC_MAX_INFLIGHT_RPCS", "0", "positive whole number"),
        ("MCC_MAX_QUEUED_RPCS", "-1", "0 or more"),
        ("MCC_MAX_STREAMS", "many", "positive whole number"),
        ("MCC_DB_POOL_SIZE", "0", "positive whole number"),
        ("MCC_DB_POOL_TIMEOUT_SECONDS", "0", "positive number of seconds"),
        ("MCC_TLS_CLIENT_CA", "/nonexistent/ca.pem", "mTLS needs TLS"),
        ("MCC_ALLOW_INSECURE", "maybe", "1 or 0"),
    ],
)
def test_each_invalid_variable_gives_one_line_naming_it(variable: str, value: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({variable: value})
    message = str(caught.value)
    assert message.startswith(f"{variable}: expected ")
    assert expected in message
    assert "\n" not in message
    assert caught.value.variable == variable


def test_a_secret_value_is_never_echoed() -> None:
    secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQ="
    with pytest.raises(ConfigError) as caught:
        load_settings({"MCC_TOKEN_KEY": secret})
    assert secret not in str(caught.value)


def test_key_file_is_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "key"
    path.write_text(GOOD_KEY + "\n")
    assert load_settings({"MCC_TOKEN_KEY_FILE": str(path)}).token_key == bytes(range(32))


def test_repr_hides_secrets() -> None:
    settings = load_settings(
        {
            "MCC_TIKTOK_APP_SECRET": "tiktok-secret-value",
            "MCC_SHOPLINE_APP_SECRET": "shopline-secret-value",
            "MCC_DATABASE_URL": "postgresql+psycopg://u:hunter22@db/x",
        }
    )
    text = repr(settings)
    assert "tiktok-secret-value" not in text
    assert "shopline-secret-value" not in text
    assert "hunter22" not in text


def test_old_keys_are_a_comma_separated_list() -> None:
    other = base64.urlsafe_b64encode(bytes(range(1, 33))).decode()
    settings = load_settings({"MCC_TOKEN_OLD_KEYS": f"{GOOD_KEY}, {other}"})
    assert settings.token_old_keys == (bytes(range(32)), bytes(range(1, 33)))


def test_only_the_named_settings_are_read_and_the_rest_keep_their_defaults() -> None:
    environ = {
        "MCC_DATABASE_URL": "postgresql+psycopg://postgres@127.0.0.1:5432/mcc",
        "MCC_LISTEN": "nowhere",
        "MCC_TOKEN_KEY_FILE": "/nonexistent/key",
    }
    settings = load_settings(environ, only=("database_url",))
    assert settings.database_url == "postgresql+psycopg://postgres@127.0.0.1:5432/mcc"
    assert settings.listen == "127.0.0.1:50051"
    assert settings.token_key is None
    assert load_settings(environ, only=()) == load_settings({})


def test_the_safety_net_polls_run_every_half_hour_or_hour_unless_set() -> None:
    defaults = load_settings({})
    assert (
        defaults.order_sync_interval,
        defaults.on_hand_refresh_interval,
        defaults.product_refresh_interval,
        defaults.variant_refresh_interval,
    ) == (timedelta(minutes=30), timedelta(minutes=30), timedelta(hours=1), timedelta(hours=1))
    chosen = load_settings(
        {
            "MCC_ORDER_SYNC_INTERVAL": "600",
            "MCC_ON_HAND_REFRESH_INTERVAL": "90s",
            "MCC_PRODUCT_REFRESH_INTERVAL": "2h",
            "MCC_VARIANT_REFRESH_INTERVAL": "45M",
        }
    )
    assert (
        chosen.order_sync_interval,
        chosen.on_hand_refresh_interval,
        chosen.product_refresh_interval,
        chosen.variant_refresh_interval,
    ) == (timedelta(minutes=10), timedelta(seconds=90), timedelta(hours=2), timedelta(minutes=45))


def test_the_scheduler_runs_the_polls_at_the_configured_intervals() -> None:
    settings = load_settings({"MCC_ORDER_SYNC_INTERVAL": "7m", "MCC_ON_HAND_REFRESH_INTERVAL": "11m"})
    scheduler = build_container(settings).jobs.periodic_jobs()
    every = {job.name: job.every for job in scheduler.jobs}
    assert every["order-sync"] == timedelta(minutes=7)
    assert every["on-hand-refresh"] == timedelta(minutes=11)
    assert every["product-refresh"] == every["variant-refresh"] == timedelta(hours=1)


def test_tls_needs_both_files_and_reads_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError) as caught:
        load_settings({"MCC_TLS_CERT_FILE": str(tmp_path / "cert.pem")})
    assert caught.value.variable == "MCC_TLS_KEY_FILE"
    with pytest.raises(ConfigError) as caught:
        load_settings({"MCC_TLS_CERT_FILE": "/nonexistent/cert.pem", "MCC_TLS_KEY_FILE": "/nonexistent/key"})
    assert caught.value.variable == "MCC_TLS_CERT_FILE" and "readable PEM file" in str(caught.value)
    (tmp_path / "cert.pem").write_text("cert")
    (tmp_path / "key.pem").write_text("key")
    settings = load_settings(
        {"MCC_TLS_CERT_FILE": str(tmp_path / "cert.pem"), "MCC_TLS_KEY_FILE": str(tmp_path / "key.pem")}
    )
    assert (settings.tls_cert_file, settings.tls_key_file) == (
        str(tmp_path / "cert.pem"),
        str(tmp_path / "key.pem"),
    )


def test_load_limits_default_for_two_cores_and_are_configurable() -> None:
    defaults = load_settings({})
    assert (defaults.max_inflight_rpcs, defaults.max_queued_rpcs, defaults.max_streams) == (4, 64, 100)
    assert (defaults.db_pool_size, defaults.db_pool_timeout_seconds) == (10, 30.0)
    assert not defaults.allow_insecure
    tuned = load_settings(
        {
            "MCC_MAX_INFLIGHT_RPCS": "8",
            "MCC_MAX_QUEUED_RPCS": "0",
            "MCC_DB_POOL_TIMEOUT_SECONDS": "1.5",
            "MCC_ALLOW_INSECURE": "1",
        }
    )
    assert (tuned.max_inflight_rpcs, tuned.max_queued_rpcs, tuned.db_pool_timeout_seconds) == (8, 0, 1.5)
    assert tuned.allow_insecure
