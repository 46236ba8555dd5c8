"""The schema as it was before migrations existed (session 1: runs, run_units, pages, results,
findings). A database created then has these tables and no alembic_version: it is stamped 0001.

Revision ID: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("rulebook", sa.String(200), nullable=False),
        sa.Column("as_of", sa.String(10), nullable=False),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32)),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("argv", sa.Text),
    )
    op.create_table(
        "run_units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False, index=True),
        sa.Column("unit_name", sa.String(200), nullable=False),
        sa.Column("unit_type", sa.String(32), nullable=False),
        sa.Column("site", sa.Text, nullable=False),
        sa.Column("pages_crawled", sa.Integer),
        sa.Column("pages_failed", sa.Integer),
        sa.Column("score", sa.Float),
        sa.Column("status", sa.String(16)),
        sa.Column("error", sa.Text),
        sa.Column("started_at", sa.String(32)),
        sa.Column("finished_at", sa.String(32)),
    )
    op.create_table(
        "pages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False, index=True),
        sa.Column("unit_name", sa.String(200), nullable=False, index=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("final_url", sa.Text),
        sa.Column("status", sa.Integer),
        sa.Column("external", sa.Boolean),
        sa.Column("fetched_at", sa.String(32)),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False, index=True),
        sa.Column("unit_name", sa.String(200), nullable=False),
        sa.Column("rule", sa.String(200), nullable=False),
        sa.Column("item", sa.Integer),
        sa.Column("source", sa.Text),
        sa.Column("title", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16)),
        sa.Column("check_id", sa.String(64)),
    )
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("result_id", sa.Integer, sa.ForeignKey("results.id"), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("message", sa.Text),
        sa.Column("evidence", sa.Text),
        sa.Column("selector", sa.Text),
        sa.Column("screenshot", sa.Text),
    )


def downgrade():
    for table in ("findings", "results", "pages", "run_units", "runs"):
        op.drop_table(table)
