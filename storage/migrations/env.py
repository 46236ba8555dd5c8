"""Alembic environment: zwgk runs migrations itself (zwgk.storage.database.migrate) on the connection it
opened, so there is no alembic.ini and no URL here."""
from alembic import context

from zwgk.storage.database import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
