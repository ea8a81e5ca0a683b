"""Services: load data, call the domain, own the transaction."""
