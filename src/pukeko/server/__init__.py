"""The sans-I/O message processing engine: packets and ``now`` in, decisions out."""
