"""Kafka adapters: the relay (ticket events out), the intake (alarms in), the reference consumer."""
