"""A client's sessions over time, for the therapist of that client and admin."""
