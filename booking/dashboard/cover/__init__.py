"""Covering a colleague's client: a therapist says why, and may read that client's record."""
