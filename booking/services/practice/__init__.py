"""How the practice runs: settings, opening hours and closures, the services it offers."""
