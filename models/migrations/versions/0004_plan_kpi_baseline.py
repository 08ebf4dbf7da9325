"""plan_kpi: last year's result and the coordinating bodies (Phụ lục I's own columns)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 20:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plan_kpi') as batch:
        batch.add_column(sa.Column('baseline_text', sa.Text(), nullable=True))
        batch.add_column(sa.Column('coordinating', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('plan_kpi') as batch:
        batch.drop_column('coordinating')
        batch.drop_column('baseline_text')
