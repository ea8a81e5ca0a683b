"""The desk's one to-do list: everything that needs a person today (tasks.py)."""
