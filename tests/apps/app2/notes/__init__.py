"""notes: a small HTTP service that stores text notes in PostgreSQL."""
