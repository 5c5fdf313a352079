"""Runs the projections: supervisor, batch follower, rebuild, readiness."""
