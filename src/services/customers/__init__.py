"""Customers: buyers of imported orders as SHOPLINE customers, and their links across channels."""
