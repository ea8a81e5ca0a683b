"""Therapists' own calendars read as busy time: the saved address (addresses.py), the safe
read over HTTP (fetch.py) and keeping the busy blocks up to date (sync.py)."""
