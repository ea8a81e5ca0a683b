"""API routes (being written)."""
