"""The week-to-week loop: what was done in each session, how the client was after, and what
that suggests for the next one."""
