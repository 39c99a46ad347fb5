"""Shared by the outbound partner clients: the attempt loop, failures, rate limiting, log redaction."""
