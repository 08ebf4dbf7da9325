"""mail outbox: one row per notification and recipient; each user's mail mode

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:30:00.000000
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mail_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notification_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('digest_day', sa.Date(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('scheduled_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('next_attempt_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claim_token', sa.String(length=32), nullable=True),
    sa.Column('claimed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['notification.id'], name=op.f('fk_mail_outbox_notification_id_notification')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_mail_outbox_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
    sa.UniqueConstraint('notification_id', 'user_id', name='uq_mail_outbox_notification_user'),
    )
    op.create_index('ix_mail_outbox_due', 'mail_outbox', ['status', 'next_attempt_at'], unique=False)
    op.create_index(op.f('ix_mail_outbox_user_id'), 'mail_outbox', ['user_id'], unique=False)
    with op.batch_alter_table('user_account') as batch:
        batch.add_column(sa.Column('mail_mode', sa.String(length=10), nullable=False, server_default='immediate'))


def downgrade() -> None:
    with op.batch_alter_table('user_account') as batch:
        batch.drop_column('mail_mode')
    op.drop_index(op.f('ix_mail_outbox_user_id'), table_name='mail_outbox')
    op.drop_index('ix_mail_outbox_due', table_name='mail_outbox')
    op.drop_table('mail_outbox')
