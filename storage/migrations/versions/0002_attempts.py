"""Distributed audits (issue 9): which attempt at a unit wrote a page or finished the unit, and
the crawl facts a Site is rebuilt with.

A worker killed mid-unit leaves pages behind; the worker that takes the unit over starts a new
attempt, and only the attempt that finishes the unit keeps its pages and results, so nothing is
counted twice.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("run_units", sa.Column("attempt", sa.Integer, nullable=False, server_default="0"))
    op.add_column("run_units", sa.Column("worker", sa.String(200), server_default=""))
    op.add_column("run_units", sa.Column("crawl_facts", sa.Text))
    op.add_column("pages", sa.Column("attempt", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_results_run_unit", "results", ["run_id", "unit_name"])


def downgrade():
    op.drop_index("ix_results_run_unit", "results")
    op.drop_column("pages", "attempt")
    op.drop_column("run_units", "crawl_facts")
    op.drop_column("run_units", "worker")
    op.drop_column("run_units", "attempt")
