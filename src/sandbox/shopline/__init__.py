"""Simulator of the SHOPLINE Admin REST API and its OAuth token endpoints."""
