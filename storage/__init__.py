"""Storage: the one way into the results database — runs, pages, results (database.Store),
history queries, the last audit's pages for a re-audit (snapshot_cache), Alembic migrations."""
