"""The desk's one to-do list for today."""
