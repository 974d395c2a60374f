"""Participants and delegations (the registration flows come with their own issue)."""
