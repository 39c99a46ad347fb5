"""Pieces shared by the outbound partner clients: rate limiting, retry timing, log redaction."""
