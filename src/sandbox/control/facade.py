"""`SandboxControl`: every control operation of both simulators in one object."""

from __future__ import annotations

from typing import Any

from sandbox.control.conditions import ConditionsControl
from sandbox.control.return_operations import ReturnControl
from sandbox.control.shopline_fulfillment import ShoplineFulfillmentControl
from sandbox.control.shopline_operations import ShoplineControl
from sandbox.control.tiktok_operations import TikTokControl
from sandbox.control.tiktok_shipping import TikTokShippingControl


class SandboxControl(
    TikTokControl,
    TikTokShippingControl,
    ShoplineControl,
    ShoplineFulfillmentControl,
    ReturnControl,
    ConditionsControl,
):
    """The in-process API; ``control_routes`` serves the same operations over HTTP."""

    def state(self) -> dict[str, Any]:
        return {
            "now": self.clock.now(),
            "tiktok": {
                "app_key": self.tiktok.app.app_key,
                "shops": self.shops(),
                "grants": [
                    {"id": g.id, "shop_ids": list(g.shop_ids), "revoked": g.revoked}
                    for g in self.tiktok.auth.grants.values()
                ],
            },
            "shopline": {
                "stores": [
                    {
                        "handle": s.handle,
                        "id": s.id,
                        "products": len(s.products),
                        "variants": len(s.variants),
                        "orders": len(s.orders),
                    }
                    for s in self.shopline.stores.values()
                ]
            },
            "faults": self.faults(),
        }
