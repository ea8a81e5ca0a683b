"""Placeholder: filled in by the diary_routes work."""
