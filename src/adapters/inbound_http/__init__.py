"""The inbound HTTP edge: partner webhooks, the OAuth redirects, and the health probes."""
