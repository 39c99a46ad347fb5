"""Conversions between domain values and protobuf messages. No logic beyond the mapping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp

from adapters.grpc.decimals import bounded_decimal
from adapters.grpc.names import app_name, shop_name, task_name
from domain.app import App, AppSettings, ImportScope, ReturnRestock
from domain.errors import InvalidArgument
from domain.money import minor_unit_digits
from domain.pricing import MARKUP_DIGITS, MAX_FIXED_AMOUNT, MAX_MARKUP, PriceRule
from domain.shop import Region, SellerType, ShopStatus
from domain.task import Task, TaskKind, TaskState
from multichannel.v1 import app_pb2, common_pb2, shop_pb2, task_pb2
from services.apps.queries import AppView
from services.shops.authorization import SkippedShop, SkipReason
from services.shops.management import ShopView
from services.webhooks.health import WebhookHealth

_RETURN_RESTOCK_TO_PROTO = {
    ReturnRestock.RESTOCK_ON_RETURN_RECEIVED: app_pb2.RETURN_RESTOCK_ON_RETURN_RECEIVED,
    ReturnRestock.NEVER: app_pb2.RETURN_RESTOCK_NEVER,
}
_RETURN_RESTOCK_FROM_PROTO = {
    app_pb2.RETURN_RESTOCK_UNSPECIFIED: ReturnRestock.RESTOCK_ON_RETURN_RECEIVED,
    **{value: rule for rule, value in _RETURN_RESTOCK_TO_PROTO.items()},
}
_IMPORT_SCOPE_TO_PROTO = {
    ImportScope.ONLY_LINKED: app_pb2.ORDER_IMPORT_SCOPE_ONLY_FULLY_LINKED,
    ImportScope.ALL_ORDERS: app_pb2.ORDER_IMPORT_SCOPE_ALL_WITH_CUSTOM_ITEMS,
}


def timestamp(value: datetime | None) -> Timestamp | None:
    if value is None:
        return None
    # Plain arithmetic: Timestamp.FromDatetime costs several times more, and pages map many times.
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    delta = value - _EPOCH
    return Timestamp(seconds=delta.days * 86_400 + delta.seconds, nanos=delta.microseconds * 1_000)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def app_to_proto(app: App) -> app_pb2.App:
    return app_pb2.App(
        name=app_name(app.id),
        store_handle=app.store_handle,
        create_time=timestamp(app.created_at),
        install_time=timestamp(app.installed_at),
        settings=app_settings_to_proto(app.settings),
    )


def app_view_to_proto(view: AppView) -> app_pb2.App:
    message = app_to_proto(view.app)
    if view.token_expires_at is not None:
        message.token_expire_time.CopyFrom(timestamp(view.token_expires_at))
        message.installation_state = (
            app_pb2.INSTALLATION_STATE_INSTALLED
            if view.installed
            else app_pb2.INSTALLATION_STATE_NEEDS_REINSTALL
        )
    if view.app.uninstalled:
        message.installation_state = app_pb2.INSTALLATION_STATE_UNINSTALLED
    if view.webhook_health is not None:
        message.webhook_health.CopyFrom(webhook_health_to_proto(view.webhook_health))
    return message


def webhook_health_to_proto(health: WebhookHealth) -> common_pb2.WebhookHealth:
    return common_pb2.WebhookHealth(
        subscribed=health.subscribed,
        last_event_time=timestamp(health.last_event_at),
        events_last_hour=health.events_last_hour,
        last_signature_failure_time=timestamp(health.last_signature_failure_at),
    )


def app_settings_to_proto(settings: AppSettings) -> app_pb2.AppSettings:
    message = app_pb2.AppSettings(
        auto_import_orders=settings.auto_import_orders,
        order_import_scope=_IMPORT_SCOPE_TO_PROTO[settings.import_scope],
        default_safety_stock=settings.default_safety_stock,
        shopline_location_ids=list(settings.location_ids),
        default_email=settings.default_email,
        sync_customers=settings.sync_customers,
        return_restock=_RETURN_RESTOCK_TO_PROTO[settings.return_restock],
    )
    if settings.default_price_rule is not None:
        message.default_price_rule.CopyFrom(price_rule_to_proto(settings.default_price_rule))
    return message


def price_rule_to_proto(rule: PriceRule) -> common_pb2.PriceRule:
    message = common_pb2.PriceRule(
        enabled=rule.enabled,
        markup=str(rule.markup),
        fixed_amount=common_pb2.Money(currency_code=rule.target_currency, amount=str(rule.fixed)),
        target_currency_code=rule.target_currency,
        rounding=common_pb2.PriceRounding.Value(f"PRICE_ROUNDING_{rule.rounding.value}"),
        auto_sync=rule.auto_sync,
    )
    if rule.exchange_rate is not None:
        message.exchange_rate = str(rule.exchange_rate.rate)
    return message


_TASK_KIND_TO_PROTO = {kind: task_pb2.TaskKind.Value(f"TASK_KIND_{kind.value}") for kind in TaskKind}
_TASK_KIND_FROM_PROTO = {value: kind for kind, value in _TASK_KIND_TO_PROTO.items()}
_TASK_STATE_TO_PROTO = {state: task_pb2.TaskState.Value(f"TASK_STATE_{state.value}") for state in TaskState}
_TASK_STATE_FROM_PROTO = {value: state for state, value in _TASK_STATE_TO_PROTO.items()}


def task_to_proto(task: Task) -> task_pb2.Task:
    counts = task.counts
    return task_pb2.Task(
        name=task_name(task.app_id, task.id),
        kind=_TASK_KIND_TO_PROTO[task.kind],
        state=_TASK_STATE_TO_PROTO[task.state],
        shop=shop_name(task.app_id, task.shop_id) if task.shop_id else "",
        done_count=task.done,
        total_count=task.total or 0,
        created_count=counts.created,
        updated_count=counts.updated,
        skipped_count=counts.skipped,
        failed_count=counts.failed,
        recent_errors=[
            task_pb2.TaskError(item=error.item_ref, reason=error.reason, time=timestamp(error.at))
            for error in task.last_errors
        ],
        failure_reason=task.failure_reason or "",
        create_time=timestamp(task.created_at),
        start_time=timestamp(task.started_at),
        end_time=timestamp(task.finished_at),
        attempt_count=task.attempts,
    )


def task_kind_from_proto(value: int) -> TaskKind | None:
    """``None`` for the unspecified value (no filter); unknown numbers are bad input."""
    if value == task_pb2.TASK_KIND_UNSPECIFIED:
        return None
    if value not in _TASK_KIND_FROM_PROTO:
        raise InvalidArgument("kind", f"{value} is not a task kind")
    return _TASK_KIND_FROM_PROTO[value]


def task_state_from_proto(value: int) -> TaskState | None:
    if value == task_pb2.TASK_STATE_UNSPECIFIED:
        return None
    if value not in _TASK_STATE_FROM_PROTO:
        raise InvalidArgument("state", f"{value} is not a task state")
    return _TASK_STATE_FROM_PROTO[value]


_SHOP_STATUS_TO_PROTO = {
    status: shop_pb2.ShopStatus.Value(f"SHOP_STATUS_{status.value}") for status in ShopStatus
}
_SHOP_STATUS_FROM_PROTO = {value: status for status, value in _SHOP_STATUS_TO_PROTO.items()}
_REGION_TO_PROTO = {region: shop_pb2.Region.Value(f"REGION_{region.value}") for region in Region}
_SELLER_TYPE_TO_PROTO = {kind: shop_pb2.SellerType.Value(f"SELLER_TYPE_{kind.value}") for kind in SellerType}
_SKIP_REASON_TO_PROTO = {
    reason: shop_pb2.SkippedShopReason.Value(f"SKIPPED_SHOP_REASON_{reason.value}") for reason in SkipReason
}


def shop_view_to_proto(view: ShopView) -> shop_pb2.Shop:
    shop = view.shop
    message = shop_pb2.Shop(
        name=shop_name(shop.app_id, shop.id),
        tiktok_shop_id=shop.tiktok_shop_id,
        display_name=str(shop.display_name),
        tiktok_shop_name=shop.identity.tiktok_name,
        region=_REGION_TO_PROTO[shop.region],
        seller_type=_SELLER_TYPE_TO_PROTO[shop.identity.seller_type],
        currency_code=shop.region.currency,
        status=_SHOP_STATUS_TO_PROTO[shop.status],
        status_reason=view.status_reason,
        access_token_expire_time=timestamp(view.access_token_expires_at),
        grant_expire_time=timestamp(view.grant_expires_at),
        expiring_soon=view.expiring_soon,
        authorize_time=timestamp(shop.authorized_at),
        reauthorize_time=timestamp(shop.reauthorized_at),
        last_product_sync_time=timestamp(view.last_product_sync),
        last_order_sync_time=timestamp(view.last_order_sync),
        product_count=view.counts.products,
        order_count=view.counts.orders,
        linked_sku_count=view.counts.linked_skus,
        sku_count=view.counts.skus,
    )
    if view.webhook_health is not None:
        message.webhook_health.CopyFrom(webhook_health_to_proto(view.webhook_health))
    return message


def shop_status_from_proto(value: int) -> ShopStatus | None:
    if value == shop_pb2.SHOP_STATUS_UNSPECIFIED:
        return None
    if value not in _SHOP_STATUS_FROM_PROTO:
        raise InvalidArgument("status", f"{value} is not a shop status")
    return _SHOP_STATUS_FROM_PROTO[value]


def skipped_shop_to_proto(skipped: SkippedShop) -> shop_pb2.SkippedShop:
    return shop_pb2.SkippedShop(
        tiktok_shop_id=skipped.tiktok_shop_id,
        tiktok_shop_name=skipped.name,
        region_code=skipped.region_code,
        reason=_SKIP_REASON_TO_PROTO[skipped.reason],
        message=skipped.message,
    )


_IMPORT_SCOPE_FROM_PROTO = {value: scope for scope, value in _IMPORT_SCOPE_TO_PROTO.items()}


def app_settings_from_proto(message: app_pb2.AppSettings, paths: Sequence[str]) -> AppSettings:
    """Reads only what the mask names, so unnamed fields (left at proto defaults) are never validated."""

    def named(field: str) -> bool:
        return "settings" in paths or f"settings.{field}" in paths

    scope = ImportScope.ONLY_LINKED
    if named("order_import_scope"):
        if message.order_import_scope not in _IMPORT_SCOPE_FROM_PROTO:
            raise InvalidArgument(
                "app.settings.order_import_scope", "must be ONLY_FULLY_LINKED or ALL_WITH_CUSTOM_ITEMS"
            )
        scope = _IMPORT_SCOPE_FROM_PROTO[message.order_import_scope]
    restock = ReturnRestock.RESTOCK_ON_RETURN_RECEIVED
    if named("return_restock"):
        if message.return_restock not in _RETURN_RESTOCK_FROM_PROTO:
            raise InvalidArgument("app.settings.return_restock", "must be ON_RETURN_RECEIVED or NEVER")
        restock = _RETURN_RESTOCK_FROM_PROTO[message.return_restock]
    rule = None
    if named("default_price_rule") and message.HasField("default_price_rule"):
        rule = price_rule_from_proto(message.default_price_rule, "app.settings.default_price_rule")
    return AppSettings(
        auto_import_orders=message.auto_import_orders,
        import_scope=scope,
        default_safety_stock=message.default_safety_stock if named("default_safety_stock") else 0,
        location_ids=tuple(message.shopline_location_ids) if named("shopline_location_ids") else (),
        default_price_rule=rule,
        default_email=message.default_email.strip() if named("default_email") else "",
        sync_customers=message.sync_customers,
        return_restock=restock,
    )


def price_rule_from_proto(message: common_pb2.PriceRule, field: str) -> PriceRule:
    currency = message.target_currency_code or message.fixed_amount.currency_code
    if not currency:
        raise InvalidArgument(f"{field}.target_currency_code", "is required")
    if message.fixed_amount.currency_code and message.fixed_amount.currency_code != currency:
        raise InvalidArgument(f"{field}.fixed_amount", "must be in the target currency")
    if message.exchange_rate:
        raise InvalidArgument(
            f"{field}.exchange_rate", "is set per shop price rule, where the source currency is known"
        )
    return PriceRule(
        target_currency=currency,
        markup=bounded_decimal(
            message.markup or "0", f"{field}.markup", maximum=MAX_MARKUP, fraction_digits=MARKUP_DIGITS
        ),
        fixed=bounded_decimal(
            message.fixed_amount.amount or "0",
            f"{field}.fixed_amount.amount",
            maximum=MAX_FIXED_AMOUNT,
            fraction_digits=minor_unit_digits(currency),
            example="1.50",
        ),
        auto_sync=message.auto_sync,
    )
