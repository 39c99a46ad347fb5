"""Webhooks: taking verified deliveries into the inbox, and draining it through the reactions."""
