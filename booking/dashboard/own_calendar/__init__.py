"""The own-calendar page: a therapist's private calendar address, read as busy time."""
