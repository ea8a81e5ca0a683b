"""Staff accounts, their signed-in sessions, and the audit trail of what staff did."""
