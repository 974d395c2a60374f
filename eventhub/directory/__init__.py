"""Countries and organisations, shared by every event."""
