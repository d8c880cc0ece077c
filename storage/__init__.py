"""Database plumbing shared by the back office and the gateway: engines, the worker pool, Alembic."""
