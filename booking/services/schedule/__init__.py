"""Reading the calendar: the diary, the coming fortnight and the therapist's day."""
