"""Simulator of the TikTok Shop Partner API (Open API host and auth host)."""
