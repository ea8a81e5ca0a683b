"""A client can be erased: `erased_at` marks a tombstone whose name, email and phone are gone,
kept so that the anonymous bookings pointing to it keep the diary and the counts true; such a
row need not be reachable.

Revision ID: 0019_client_erasure
Revises: 0018_availability_at_commit
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_client_erasure"
down_revision = "0018_availability_at_commit"
branch_labels = None
depends_on = None

REACHABLE = (
    "email IS NOT NULL OR phone IS NOT NULL OR carer_email IS NOT NULL OR carer_phone IS NOT NULL"
)


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch.drop_constraint(op.f("ck_clients_reachable"), type_="check")
        batch.create_check_constraint(
            op.f("ck_clients_reachable"), f"erased_at IS NOT NULL OR {REACHABLE}"
        )


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_constraint(op.f("ck_clients_reachable"), type_="check")
        batch.create_check_constraint(op.f("ck_clients_reachable"), REACHABLE)
        batch.drop_column("erased_at")
