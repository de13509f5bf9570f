"""Host reservations: model, store interface, backends (configuration file now, SQL later)."""
