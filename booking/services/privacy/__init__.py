"""Keeping health data private: new encryption keys, and removing records past their time."""
