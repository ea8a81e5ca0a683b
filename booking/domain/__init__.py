"""Pure domain code: no Flask, no database, and `now` is always passed in."""
