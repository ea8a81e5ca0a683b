"""Two-factor sign-in (TOTP, RFC 6238) for staff: the authenticator's secret (encrypted with
the field cipher), when it was confirmed, the last time-step used (a code is never accepted
twice) and the hashed one-time recovery codes.

Revision ID: 0020_second_factor
Revises: 0019_client_erasure
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_second_factor"
down_revision = "0019_client_erasure"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("second_factor_secret", sa.Text(), nullable=True))
        batch.add_column(
            sa.Column("second_factor_confirmed_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("second_factor_last_step", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("recovery_code_hashes", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("recovery_code_hashes")
        batch.drop_column("second_factor_last_step")
        batch.drop_column("second_factor_confirmed_at")
        batch.drop_column("second_factor_secret")
