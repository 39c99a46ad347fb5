"""What every group of control operations works on: the clock, both simulators, faults, webhooks."""

from __future__ import annotations

from sandbox.clock import SandboxClock
from sandbox.faults import FaultInjector
from sandbox.shopline.state import ShoplineState
from sandbox.tiktok.state import TikTokState
from sandbox.webhooks import WebhookDispatcher


class ControlBase:
    """The handles the control operations share; each group of operations is a subclass."""

    def __init__(
        self,
        clock: SandboxClock,
        tiktok: TikTokState,
        shopline: ShoplineState,
        faults: FaultInjector,
        dispatcher: WebhookDispatcher,
    ) -> None:
        self.clock = clock
        self.tiktok = tiktok
        self.shopline = shopline
        self.fault_injector = faults
        self.dispatcher = dispatcher
        self.tiktok_redirect_url: str | None = None
