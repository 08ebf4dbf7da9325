"""a report's proposals (đề xuất, kiến nghị), apart from its difficulties

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 00:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('report') as batch:
        batch.add_column(sa.Column('proposals', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('report') as batch:
        batch.drop_column('proposals')
