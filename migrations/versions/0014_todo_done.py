"""The desk's to-do list: which items someone marked done, and who.

Revision ID: 0014_todo_done
Revises: 0013_channels
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_todo_done"
down_revision = "0013_channels"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "todo_done",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["done_by_id"], ["staff_users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )


def downgrade():
    op.drop_table("todo_done")
