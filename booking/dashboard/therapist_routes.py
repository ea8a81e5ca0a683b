"""Placeholder: filled in by the therapist_routes work."""
