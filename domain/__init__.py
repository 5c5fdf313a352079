"""LiftRescue domain model: pure aggregates, events and value types (no I/O)."""
