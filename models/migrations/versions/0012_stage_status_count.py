"""the stage-status counts: per plan, stage and bucket of facts, how many units

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 04:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# the row-level-security policy of every tenant-owned table (migration 0011)
POLICY = (
    "coalesce(nullif(current_setting('plancascade.tenant', true), ''), '*') = '*' "
    "OR tenant_id::text = current_setting('plancascade.tenant', true)"
)


def upgrade() -> None:
    op.create_table('stage_status_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('stage_key', sa.String(length=20), nullable=False),
    sa.Column('recorded', sa.Boolean(), nullable=False),
    sa.Column('started', sa.Boolean(), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('submitted', sa.Boolean(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_stage_status_count_plan_id_plan')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenant.id'], name=op.f('fk_stage_status_count_tenant_id_tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_status_count')),
    )
    op.create_index('ix_stage_status_count_plan_stage', 'stage_status_count',
                    ['plan_id', 'stage_key'], unique=False)
    op.create_index(op.f('ix_stage_status_count_tenant_id'), 'stage_status_count', ['tenant_id'],
                    unique=False)
    op.execute(
        'INSERT INTO stage_status_count (plan_id, stage_key, recorded, started, due, submitted, '
        'late, n, tenant_id) '
        'SELECT plan_id, stage_key, recorded, started, due, submitted_at IS NOT NULL, late, '
        'count(*), tenant_id FROM stage_status '
        'GROUP BY plan_id, tenant_id, stage_key, recorded, started, due, '
        'submitted_at IS NOT NULL, late')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE stage_status_count ENABLE ROW LEVEL SECURITY')
        op.execute('ALTER TABLE stage_status_count FORCE ROW LEVEL SECURITY')
        op.execute(f'CREATE POLICY tenant_isolation ON stage_status_count USING ({POLICY}) '
                   f'WITH CHECK ({POLICY})')


def downgrade() -> None:
    op.drop_index(op.f('ix_stage_status_count_tenant_id'), table_name='stage_status_count')
    op.drop_index('ix_stage_status_count_plan_stage', table_name='stage_status_count')
    op.drop_table('stage_status_count')
