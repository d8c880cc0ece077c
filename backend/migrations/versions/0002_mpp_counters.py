"""The other agencies' counters at each MPP (catalogue service ids; NULL = not known).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mpp") as table:
        table.add_column(sa.Column("counters", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mpp") as table:
        table.drop_column("counters")
