"""Configuration read from ``MCC_*`` environment variables, validated once at start.

Operators script against these names, so each bad value fails with one line naming the
variable and what it expects. Secret values are never echoed back.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import os
import re
from collections.abc import Callable, Collection, Mapping
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from adapters.config_error import ConfigError
from adapters.transport_security import flag, tls_client_ca, tls_pair

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/mcc.db"
DEFAULT_LISTEN = "127.0.0.1:50051"
DEFAULT_HTTP_LISTEN = "127.0.0.1:8080"
SHOPLINE_CALLBACK_PATH = "/oauth/shopline/callback"
TIKTOK_CALLBACK_PATH = "/oauth/tiktok/callback"
DEFAULT_TIKTOK_API_URL = "https://open-api.tiktokglobalshop.com"
DEFAULT_TIKTOK_AUTH_URL = "https://auth.tiktok-shops.com"
DEFAULT_SHOPLINE_URL_TEMPLATE = "https://{handle}.myshopline.com"
DEFAULT_SHOPLINE_API_VERSION = "v20251201"
DEFAULT_SHOPLINE_SCOPES = (
    "read_products,write_products,read_orders,write_orders,write_inventory,read_store_information,"
    "read_customers,write_customers"
)
DEFAULT_SHOPLINE_REDIRECT_URI = "http://localhost/mcc/shopline/callback"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# Webhooks carry changes as they happen; these polls only catch what a webhook missed.
DEFAULT_ORDER_SYNC_INTERVAL = timedelta(minutes=30)
DEFAULT_ON_HAND_REFRESH_INTERVAL = timedelta(minutes=30)
DEFAULT_PRODUCT_REFRESH_INTERVAL = timedelta(minutes=60)
DEFAULT_VARIANT_REFRESH_INTERVAL = timedelta(minutes=60)
# Two cores and one event loop: a call is mostly CPU, so more of them in flight add no throughput;
# they only slow the loop that picks up new calls, until callers time out before the server sees
# them (bench/overload.py: 4 in flight answered the most of a 2,000-call burst). The queue of 64
# lets steady concurrency wait a few milliseconds instead of being refused; beyond it, RetryInfo.
DEFAULT_MAX_INFLIGHT_RPCS = 4
DEFAULT_MAX_QUEUED_RPCS = 64
DEFAULT_MAX_STREAMS = 100
DEFAULT_DB_POOL_SIZE = 10
DEFAULT_DB_POOL_TIMEOUT_SECONDS = 30.0
_DURATION = re.compile(r"(\d+)([smh]?)")
_DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600}


@dataclasses.dataclass(frozen=True, repr=False)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    listen: str = DEFAULT_LISTEN
    http_listen: str = DEFAULT_HTTP_LISTEN
    public_url: str | None = None
    """Where partners reach the HTTP edge from outside (webhooks, OAuth redirects)."""
    log_level: str = "INFO"
    shutdown_grace_seconds: float = 5.0
    max_message_bytes: int = 8 * 1024 * 1024
    token_key: bytes | None = None
    token_old_keys: tuple[bytes, ...] = ()
    tiktok_app_key: str | None = None
    tiktok_app_secret: str | None = None
    tiktok_service_id: str | None = None
    tiktok_api_url: str = DEFAULT_TIKTOK_API_URL
    tiktok_auth_url: str = DEFAULT_TIKTOK_AUTH_URL
    tiktok_consent_url: str | None = None
    tiktok_rate_limit_qps: float = 10.0
    shopline_app_key: str | None = None
    shopline_app_secret: str | None = None
    shopline_url_template: str = DEFAULT_SHOPLINE_URL_TEMPLATE
    shopline_api_version: str = DEFAULT_SHOPLINE_API_VERSION
    shopline_scopes: tuple[str, ...] = tuple(DEFAULT_SHOPLINE_SCOPES.split(","))
    shopline_redirect_uri: str = DEFAULT_SHOPLINE_REDIRECT_URI
    job_concurrency: int = 4
    sandbox_port: int = 8701
    order_sync_interval: timedelta = DEFAULT_ORDER_SYNC_INTERVAL
    on_hand_refresh_interval: timedelta = DEFAULT_ON_HAND_REFRESH_INTERVAL
    product_refresh_interval: timedelta = DEFAULT_PRODUCT_REFRESH_INTERVAL
    variant_refresh_interval: timedelta = DEFAULT_VARIANT_REFRESH_INTERVAL
    admin_key_file: str | None = None
    """Where ``mcc serve`` keeps a local admin key for every app (made when missing; mode 0600)."""
    max_inflight_rpcs: int = DEFAULT_MAX_INFLIGHT_RPCS
    max_queued_rpcs: int = DEFAULT_MAX_QUEUED_RPCS
    max_streams: int = DEFAULT_MAX_STREAMS
    db_pool_size: int = DEFAULT_DB_POOL_SIZE
    db_pool_timeout_seconds: float = DEFAULT_DB_POOL_TIMEOUT_SECONDS
    tls_cert_file: str | None = None
    tls_key_file: str | None = None
    tls_client_ca: str | None = None
    """PEM file of the CA whose client certificates the gRPC server requires (mTLS; needs TLS); a
    certificate registered as a key then authenticates its caller."""
    allow_insecure: bool = False
    """Serve plaintext on a non-loopback address anyway (with a warning)."""

    def __repr__(self) -> str:
        # Secrets stay out of logs and tracebacks.
        return (
            f"Settings(database_url={redact_url(self.database_url)!r}, listen={self.listen!r}, "
            f"log_level={self.log_level!r}, tiktok_api_url={self.tiktok_api_url!r}, "
            f"shopline_url_template={self.shopline_url_template!r})"
        )

    __str__ = __repr__

    def with_overrides(self, **changes: object) -> Settings:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def load_settings(
    environ: Mapping[str, str] | None = None, *, only: Collection[str] | None = None
) -> Settings:
    """Reads and validates the ``MCC_*`` variables behind the settings named in ``only`` (all by default).

    A command validates only what it uses: the others keep their defaults, unread, so a stray or
    not-yet-created value (say, the key file ``mcc generate-key`` is about to write) cannot fail it.
    """
    env = os.environ if environ is None else environ

    def get(name: str) -> str | None:
        value = env.get(name)
        if value is None or value.strip() == "":
            return None
        return value.strip()

    readers: dict[str, Callable[[], object]] = {
        "database_url": lambda: _database_url(get("MCC_DATABASE_URL") or DEFAULT_DATABASE_URL),
        "listen": lambda: _listen(get("MCC_LISTEN") or DEFAULT_LISTEN),
        "http_listen": lambda: _listen(get("MCC_HTTP_LISTEN") or DEFAULT_HTTP_LISTEN, "MCC_HTTP_LISTEN"),
        "public_url": lambda: _optional(get("MCC_PUBLIC_URL"), _public_url),
        "log_level": lambda: _choice("MCC_LOG_LEVEL", (get("MCC_LOG_LEVEL") or "INFO").upper(), LOG_LEVELS),
        "shutdown_grace_seconds": lambda: _non_negative_float(
            "MCC_SHUTDOWN_GRACE_SECONDS", get("MCC_SHUTDOWN_GRACE_SECONDS"), 5.0
        ),
        "max_message_bytes": lambda: _positive_int(
            "MCC_GRPC_MAX_MESSAGE_BYTES", get("MCC_GRPC_MAX_MESSAGE_BYTES"), 8 << 20
        ),
        "token_key": lambda: _token_key(get("MCC_TOKEN_KEY"), get("MCC_TOKEN_KEY_FILE")),
        "token_old_keys": lambda: _old_keys(get("MCC_TOKEN_OLD_KEYS")),
        "tiktok_app_key": lambda: get("MCC_TIKTOK_APP_KEY"),
        "tiktok_app_secret": lambda: get("MCC_TIKTOK_APP_SECRET"),
        "tiktok_service_id": lambda: get("MCC_TIKTOK_SERVICE_ID"),
        "tiktok_api_url": lambda: _http_url(
            "MCC_TIKTOK_API_URL", get("MCC_TIKTOK_API_URL") or DEFAULT_TIKTOK_API_URL
        ),
        "tiktok_auth_url": lambda: _http_url(
            "MCC_TIKTOK_AUTH_URL", get("MCC_TIKTOK_AUTH_URL") or DEFAULT_TIKTOK_AUTH_URL
        ),
        "shopline_app_key": lambda: get("MCC_SHOPLINE_APP_KEY"),
        "shopline_app_secret": lambda: get("MCC_SHOPLINE_APP_SECRET"),
        "shopline_url_template": lambda: _url_template(
            get("MCC_SHOPLINE_URL_TEMPLATE") or DEFAULT_SHOPLINE_URL_TEMPLATE
        ),
        "shopline_api_version": lambda: _api_version(
            get("MCC_SHOPLINE_API_VERSION") or DEFAULT_SHOPLINE_API_VERSION
        ),
        "shopline_scopes": lambda: _scopes(get("MCC_SHOPLINE_SCOPES") or DEFAULT_SHOPLINE_SCOPES),
        "shopline_redirect_uri": lambda: _shopline_redirect_uri(
            get("MCC_SHOPLINE_REDIRECT_URI"), get("MCC_PUBLIC_URL")
        ),
        "job_concurrency": lambda: _positive_int("MCC_JOB_CONCURRENCY", get("MCC_JOB_CONCURRENCY"), 4),
        "sandbox_port": lambda: _port("MCC_SANDBOX_PORT", get("MCC_SANDBOX_PORT"), 8701),
        "order_sync_interval": lambda: _interval(
            "MCC_ORDER_SYNC_INTERVAL", get("MCC_ORDER_SYNC_INTERVAL"), DEFAULT_ORDER_SYNC_INTERVAL
        ),
        "on_hand_refresh_interval": lambda: _interval(
            "MCC_ON_HAND_REFRESH_INTERVAL",
            get("MCC_ON_HAND_REFRESH_INTERVAL"),
            DEFAULT_ON_HAND_REFRESH_INTERVAL,
        ),
        "product_refresh_interval": lambda: _interval(
            "MCC_PRODUCT_REFRESH_INTERVAL",
            get("MCC_PRODUCT_REFRESH_INTERVAL"),
            DEFAULT_PRODUCT_REFRESH_INTERVAL,
        ),
        "variant_refresh_interval": lambda: _interval(
            "MCC_VARIANT_REFRESH_INTERVAL",
            get("MCC_VARIANT_REFRESH_INTERVAL"),
            DEFAULT_VARIANT_REFRESH_INTERVAL,
        ),
        "admin_key_file": lambda: _optional(get("MCC_ADMIN_KEY_FILE"), _writable_file("MCC_ADMIN_KEY_FILE")),
        "max_inflight_rpcs": lambda: _positive_int(
            "MCC_MAX_INFLIGHT_RPCS", get("MCC_MAX_INFLIGHT_RPCS"), DEFAULT_MAX_INFLIGHT_RPCS
        ),
        "max_queued_rpcs": lambda: _whole_number(
            "MCC_MAX_QUEUED_RPCS", get("MCC_MAX_QUEUED_RPCS"), DEFAULT_MAX_QUEUED_RPCS
        ),
        "max_streams": lambda: _positive_int("MCC_MAX_STREAMS", get("MCC_MAX_STREAMS"), DEFAULT_MAX_STREAMS),
        "db_pool_size": lambda: _positive_int(
            "MCC_DB_POOL_SIZE", get("MCC_DB_POOL_SIZE"), DEFAULT_DB_POOL_SIZE
        ),
        "db_pool_timeout_seconds": lambda: _positive_float(
            "MCC_DB_POOL_TIMEOUT_SECONDS", get("MCC_DB_POOL_TIMEOUT_SECONDS"), DEFAULT_DB_POOL_TIMEOUT_SECONDS
        ),
        "tls_cert_file": lambda: tls_pair(get("MCC_TLS_CERT_FILE"), get("MCC_TLS_KEY_FILE"))[0],
        "tls_key_file": lambda: tls_pair(get("MCC_TLS_CERT_FILE"), get("MCC_TLS_KEY_FILE"))[1],
        "tls_client_ca": lambda: tls_client_ca(get("MCC_TLS_CLIENT_CA"), get("MCC_TLS_CERT_FILE")),
        "allow_insecure": lambda: flag("MCC_ALLOW_INSECURE", get("MCC_ALLOW_INSECURE")),
    }
    names = readers.keys() if only is None else only
    return Settings(**{name: readers[name]() for name in names})  # type: ignore[arg-type]


def _database_url(value: str) -> str:
    if value.startswith("sqlite+aiosqlite://") or value.startswith("postgresql+psycopg://"):
        return value
    raise ConfigError(
        "MCC_DATABASE_URL",
        "a sqlite+aiosqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB URL",
        redact_url(value),
    )


def _listen(value: str, variable: str = "MCC_LISTEN") -> str:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(variable, "HOST:PORT with a port from 0 to 65535", value)
    return value


def _optional(value: str | None, check: Callable[[str], str]) -> str | None:
    return None if value is None else check(value)


def _writable_file(variable: str) -> Callable[[str], str]:
    def check(path: str) -> str:
        if Path(path).is_dir():
            raise ConfigError(variable, "a file path (it is a directory)", path)
        return path

    return check


def _public_url(value: str) -> str:
    url = _http_url("MCC_PUBLIC_URL", value)
    parts = urlsplit(url)
    if parts.query or parts.fragment:
        raise ConfigError("MCC_PUBLIC_URL", "a base URL like https://mcc.example.com, without ? or #", value)
    return url


def _shopline_redirect_uri(explicit: str | None, public_url: str | None) -> str:
    """An explicit MCC_SHOPLINE_REDIRECT_URI wins; else the HTTP edge's callback when it is public."""
    if explicit is not None:
        return _http_url("MCC_SHOPLINE_REDIRECT_URI", explicit)
    if public_url is not None:
        return _public_url(public_url) + SHOPLINE_CALLBACK_PATH
    return DEFAULT_SHOPLINE_REDIRECT_URI


def _choice(variable: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ConfigError(variable, "one of " + ", ".join(allowed), value)
    return value


def _non_negative_float(variable: str, value: str | None, default: float) -> float:
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number >= 0 or number == float("inf"):
        raise ConfigError(variable, "a non-negative number of seconds", value)
    return number


def _positive_int(variable: str, value: str | None, default: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or int(value) <= 0:
        raise ConfigError(variable, "a positive whole number", value)
    return int(value)


def _whole_number(variable: str, value: str | None, default: int) -> int:
    if value is None:
        return default
    if not value.isdigit():
        raise ConfigError(variable, "a whole number, 0 or more", value)
    return int(value)


def _positive_float(variable: str, value: str | None, default: float) -> float:
    number = _non_negative_float(variable, value, default)
    if number <= 0:
        raise ConfigError(variable, "a positive number of seconds", value)
    return number


def _interval(variable: str, value: str | None, default: timedelta) -> timedelta:
    """Seconds (``1800``) or one unit (``90s``, ``30m``, ``1h``); at least a second."""
    if value is None:
        return default
    matched = _DURATION.fullmatch(value.lower())
    seconds = int(matched[1]) * _DURATION_UNITS[matched[2]] if matched else 0
    if seconds <= 0:
        raise ConfigError(variable, "a positive duration: seconds, or a number with s, m or h (30m)", value)
    return timedelta(seconds=seconds)


def _http_url(variable: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(variable, "an http:// or https:// URL", value)
    return value.rstrip("/")


def _port(variable: str, value: str | None, default: int) -> int:
    if value is None:
        return default
    if not value.isdigit() or int(value) > 65533:
        raise ConfigError(variable, "a port from 0 to 65533 (0: any free ports)", value)
    return int(value)


def _scopes(value: str) -> tuple[str, ...]:
    scopes = tuple(part.strip() for part in value.split(",") if part.strip())
    if not scopes or any(not scope.replace("_", "").isalnum() for scope in scopes):
        raise ConfigError("MCC_SHOPLINE_SCOPES", "a comma-separated list of scopes like read_orders", value)
    return scopes


def _url_template(value: str) -> str:
    if "{handle}" not in value:
        raise ConfigError("MCC_SHOPLINE_URL_TEMPLATE", "a URL containing {handle}", value)
    _http_url("MCC_SHOPLINE_URL_TEMPLATE", value.replace("{handle}", "store"))
    return value.rstrip("/")


def _api_version(value: str) -> str:
    if len(value) != 9 or value[0] != "v" or not value[1:].isdigit():
        raise ConfigError("MCC_SHOPLINE_API_VERSION", "a version like v20251201", value)
    return value


def _token_key(inline: str | None, path: str | None) -> bytes | None:
    if inline is not None and path is not None:
        raise ConfigError("MCC_TOKEN_KEY", "either MCC_TOKEN_KEY or MCC_TOKEN_KEY_FILE, not both")
    if inline is not None:
        return _decode_key("MCC_TOKEN_KEY", inline)
    if path is not None:
        try:
            text = Path(path).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            raise ConfigError("MCC_TOKEN_KEY_FILE", "a readable file holding a base64 key", path) from None
        return _decode_key("MCC_TOKEN_KEY_FILE", text)
    return None


def _old_keys(text: str | None) -> tuple[bytes, ...]:
    if text is None:
        return ()
    return tuple(_decode_key("MCC_TOKEN_OLD_KEYS", part.strip()) for part in text.split(",") if part.strip())


def _decode_key(variable: str, text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        key = b""
    if len(key) != 32:
        # The value is a secret: say what is wrong, never what it was.
        raise ConfigError(variable, "a url-safe base64 encoding of 32 random bytes (AES-256)")
    return key


PARTNER_CREDENTIALS = (
    ("tiktok_app_key", "MCC_TIKTOK_APP_KEY"),
    ("tiktok_app_secret", "MCC_TIKTOK_APP_SECRET"),
    ("tiktok_service_id", "MCC_TIKTOK_SERVICE_ID"),
    ("shopline_app_key", "MCC_SHOPLINE_APP_KEY"),
    ("shopline_app_secret", "MCC_SHOPLINE_APP_SECRET"),
)


def require_serving_settings(settings: Settings) -> None:
    """What the server needs beyond the defaults: partner credentials and the token key."""
    for field, variable in PARTNER_CREDENTIALS:
        if not getattr(settings, field):
            raise ConfigError(variable, "the partner app credential (or run `mcc serve --sandbox`)")
    require_token_key(settings)


def require_token_key(settings: Settings) -> bytes:
    if settings.token_key is None:
        raise ConfigError(
            "MCC_TOKEN_KEY", "a token key, or MCC_TOKEN_KEY_FILE (`mcc generate-key PATH` makes one)"
        )
    return settings.token_key
