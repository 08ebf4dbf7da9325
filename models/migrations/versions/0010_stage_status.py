"""the stage-status projection: one row of facts per plan × unit × stage

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 04:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stage_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('stage_key', sa.String(length=20), nullable=False),
    sa.Column('process_key', sa.String(length=80), nullable=False),
    sa.Column('round_key', sa.String(length=20), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('recorded', sa.Boolean(), nullable=False),
    sa.Column('started', sa.Boolean(), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('submitted_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_stage_status_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_stage_status_plan_id_plan')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_stage_status_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_status')),
    sa.UniqueConstraint('plan_id', 'stage_key', 'unit_id', name=op.f('uq_stage_status_plan_id')),
    )
    op.create_index('ix_stage_status_plan_unit', 'stage_status', ['plan_id', 'unit_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_stage_status_plan_unit', table_name='stage_status')
    op.drop_table('stage_status')
