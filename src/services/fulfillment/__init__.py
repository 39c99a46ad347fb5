"""Seller shipping: SHOPLINE fulfillments (and operators) ship TikTok orders with mapped carriers."""
