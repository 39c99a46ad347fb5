"""Shipping both ways between TikTok Shop and SHOPLINE: TikTok's shipments mirrored as SHOPLINE
fulfillments, and SHOPLINE's fulfillments shipped on TikTok."""
