"""Placeholder: filled in by the accounts_routes work."""
