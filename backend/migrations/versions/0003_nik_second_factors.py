"""NIK registration needs a second factor; failed lookups are counted per subject.

- ``resident``: the KK number and the mother's maiden name, as salted scrypt hashes
  (NULL: that factor cannot confirm the resident).
- ``lookup_attempt.number`` becomes ``subject`` (``application:<number>``, ``nik:<hash>``,
  ``citizen:<hash>``); the attempts already counted keep counting for their application.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("resident") as table:
        table.add_column(sa.Column("kk_number_hash", sa.String(200), nullable=True))
        table.add_column(sa.Column("mother_maiden_name_hash", sa.String(200), nullable=True))
    op.drop_index("ix_lookup_attempt_number_at", table_name="lookup_attempt")
    with op.batch_alter_table("lookup_attempt") as table:
        table.alter_column("number", new_column_name="subject", existing_type=sa.String(40), type_=sa.String(64),
                           existing_nullable=False)
    op.execute("UPDATE lookup_attempt SET subject = 'application:' || subject")
    op.create_index("ix_lookup_attempt_subject_at", "lookup_attempt", ["subject", "at"])


def downgrade() -> None:
    op.drop_index("ix_lookup_attempt_subject_at", table_name="lookup_attempt")
    # only application attempts can be told by their number again; the others are dropped
    op.execute("DELETE FROM lookup_attempt WHERE subject NOT LIKE 'application:%'")
    op.execute("UPDATE lookup_attempt SET subject = substr(subject, 13)")
    with op.batch_alter_table("lookup_attempt") as table:
        table.alter_column("subject", new_column_name="number", existing_type=sa.String(64), type_=sa.String(40),
                           existing_nullable=False)
    op.create_index("ix_lookup_attempt_number_at", "lookup_attempt", ["number", "at"])
    with op.batch_alter_table("resident") as table:
        table.drop_column("mother_maiden_name_hash")
        table.drop_column("kk_number_hash")
