"""Use cases: the eventsourcing application that runs tickets, and its dispatch policy."""
