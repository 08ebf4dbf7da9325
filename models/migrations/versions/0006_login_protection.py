"""login protection: failed sign-ins, the rate limiter's counters, a session version per user

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 23:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('failed_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure')),
    )
    op.create_index(op.f('ix_login_failure_username'), 'login_failure', ['username'], unique=False)
    op.create_index(op.f('ix_login_failure_failed_at'), 'login_failure', ['failed_at'], unique=False)
    op.create_table('rate_limit_counter',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Double(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_counter')),
    )
    op.create_index(op.f('ix_rate_limit_counter_expires_at'), 'rate_limit_counter', ['expires_at'], unique=False)
    with op.batch_alter_table('user_account') as batch:
        batch.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('session_version')
    op.drop_index(op.f('ix_rate_limit_counter_expires_at'), table_name='rate_limit_counter')
    op.drop_table('rate_limit_counter')
    op.drop_index(op.f('ix_login_failure_failed_at'), table_name='login_failure')
    op.drop_index(op.f('ix_login_failure_username'), table_name='login_failure')
    op.drop_table('login_failure')
