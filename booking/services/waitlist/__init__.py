"""The waiting list: clients ask to be told when a time that suits them frees (entries.py);
the worker offers free times to them, and the first to press takes one (offers.py)."""
