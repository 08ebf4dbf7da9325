"""ad-hoc report requests (báo cáo đột xuất) and the answers of a report

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 21:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('adhoc_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('round_key', sa.String(length=20), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('unit_ids', sa.JSON(), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_adhoc_request_plan_id_plan')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_adhoc_request_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adhoc_request')),
    sa.UniqueConstraint('plan_id', 'round_key', name=op.f('uq_adhoc_request_plan_id')),
    )
    op.create_index(op.f('ix_adhoc_request_plan_id'), 'adhoc_request', ['plan_id'], unique=False)
    with op.batch_alter_table('report') as batch:
        batch.add_column(sa.Column('answers', sa.JSON(), nullable=False, server_default='{}'))


def downgrade() -> None:
    with op.batch_alter_table('report') as batch:
        batch.drop_column('answers')
    op.drop_index(op.f('ix_adhoc_request_plan_id'), table_name='adhoc_request')
    op.drop_table('adhoc_request')
