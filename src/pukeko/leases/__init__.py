"""Leases: the lease model, in-memory indexes, the LeaseStore interface and its backends."""
