"""notices read per user; a notice bundling several units (Sở KHCN's new reviews of a day)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 02:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notification_read',
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('read_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_notification_read_notification_id_notification')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_read_user_id_user_account')),
    sa.PrimaryKeyConstraint('notification_id', 'user_id', name=op.f('pk_notification_read')),
    )
    op.create_index(op.f('ix_notification_read_user_id'), 'notification_read', ['user_id'], unique=False)
    with op.batch_alter_table('notification') as batch:
        batch.add_column(sa.Column('bundle_key', sa.String(length=120), nullable=True))
        batch.add_column(sa.Column('bundle_units', sa.JSON(), nullable=True))
        batch.create_index(batch.f('ix_notification_bundle_key'), ['bundle_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notification') as batch:
        batch.drop_index(batch.f('ix_notification_bundle_key'))
        batch.drop_column('bundle_units')
        batch.drop_column('bundle_key')
    op.drop_index(op.f('ix_notification_read_user_id'), table_name='notification_read')
    op.drop_table('notification_read')
