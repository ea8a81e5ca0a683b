"""The waiting list at the desk: who waits for what, times that suit them now (to offer by
phone), adding someone, and taking someone off when they ask (audited)."""
