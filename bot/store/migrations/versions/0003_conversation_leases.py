"""Conversation leases: which gateway worker handles a conversation's messages (several workers).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversations') as batch:
        batch.add_column(sa.Column('lease_owner', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('lease_until', sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('conversations') as batch:
        batch.drop_column('lease_until')
        batch.drop_column('lease_owner')
