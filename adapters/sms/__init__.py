"""SMS: the durable outbox, its gateways and delivery receipts."""
