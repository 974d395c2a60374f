"""Audit log of organiser actions."""
