"""A client may be reached through their carer: the contact rule accepts the carer's details.

Someone who is bed-bound may have no email or phone of their own; the carer who books for
them is the way to reach them.

Revision ID: 0003_carer_contact_counts
Revises: 0002_no_overlapping_bookings
Create Date: 2026-11-21
"""

from alembic import op

revision = "0003_carer_contact_counts"
down_revision = "0002_no_overlapping_bookings"
branch_labels = None
depends_on = None

REACHABLE = (
    "email IS NOT NULL OR phone IS NOT NULL OR carer_email IS NOT NULL OR carer_phone IS NOT NULL"
)
OLD_REACHABLE = "email IS NOT NULL OR phone IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_constraint(op.f("ck_clients_reachable"), type_="check")
        batch.create_check_constraint(op.f("ck_clients_reachable"), REACHABLE)


def downgrade() -> None:
    with op.batch_alter_table("clients") as batch:
        batch.drop_constraint(op.f("ck_clients_reachable"), type_="check")
        batch.create_check_constraint(op.f("ck_clients_reachable"), OLD_REACHABLE)
