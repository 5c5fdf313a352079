"""Adapters: HTTP, CLI, PostgreSQL views and stores, Kafka, runtime (settings, logging, embedded)."""
