"""Who may call: API keys issued, listed and revoked, and callers authenticated on every call."""
