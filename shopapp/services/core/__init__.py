"""The bottom of the services: domain errors, permissions, validation, tokens, idempotency, the outbox, money, the clock, paging."""
