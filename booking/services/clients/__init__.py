"""A client's record as each member of staff may see it, finding clients, session notes."""
