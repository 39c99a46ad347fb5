"""Encryption of credentials at rest."""
