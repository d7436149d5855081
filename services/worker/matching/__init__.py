"""The matching engine: pure functions over numpy arrays, no database and no Celery inside."""
