"""tenants: the nation and its provinces own their rows; row-level security on PostgreSQL

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 06:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# every tenant-owned table (models.tenancy.TenantOwned); engine.core.tenancy.OWNED_TABLES
# lists the same tables and a test keeps the two equal
TABLES = (
    'unit', 'user_account', 'role_membership', 'substitution', 'plan', 'plan_kpi',
    'plan_task', 'template_task', 'unit_plan', 'adhoc_request', 'report', 'inspection',
    'stage_status', 'extension_request', 'aggregate_report', 'bpmn_message',
    'message_subscription', 'process_instance', 'human_task', 'timer', 'notification',
    'notification_read', 'audit_event', 'mail_outbox',
)
# rows pass when the transaction's setting names their tenant, or '*' / unset (the system:
# tick, the CLI, migrations); a scoped session always sets it (engine.core.tenancy)
POLICY = (
    "coalesce(nullif(current_setting('plancascade.tenant', true), ''), '*') = '*' "
    "OR tenant_id::text = current_setting('plancascade.tenant', true)"
)


def _home_name() -> str:
    row = op.get_bind().execute(sa.text(
        "SELECT name FROM unit WHERE kind = 'province' ORDER BY id LIMIT 1")).first()
    name = str(row[0]) if row else 'Tỉnh'
    return name[5:] if name.startswith('UBND ') else name


def upgrade() -> None:
    tenant = op.create_table('tenant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['tenant.id'], name=op.f('fk_tenant_parent_id_tenant')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenant')),
    sa.UniqueConstraint('code', name=op.f('uq_tenant_code')),
    )
    op.create_index(op.f('ix_tenant_parent_id'), 'tenant', ['parent_id'], unique=False)
    op.bulk_insert(tenant, [{'id': 1, 'code': 'home', 'name': _home_name(), 'level': 'province',
                             'parent_id': None}])
    postgres = op.get_bind().dialect.name == 'postgresql'
    for table in TABLES:
        op.add_column(table, sa.Column('tenant_id', sa.Integer(), nullable=False,
                                       server_default='1'))
        op.create_index(op.f(f'ix_{table}_tenant_id'), table, ['tenant_id'], unique=False)
        if postgres:  # SQLite cannot add a referencing column with a default in place
            op.create_foreign_key(op.f(f'fk_{table}_tenant_id_tenant'), table, 'tenant',
                                  ['tenant_id'], ['id'])
    op.add_column('plan', sa.Column('parent_plan_id', sa.Integer(), nullable=True))
    if postgres:  # a unit's code is unique in its province (SQLite: one province, kept global)
        op.drop_constraint('uq_unit_code', 'unit', type_='unique')
        op.create_unique_constraint('uq_unit_tenant_code', 'unit', ['tenant_id', 'code'])
        op.execute("SELECT setval(pg_get_serial_sequence('tenant', 'id'), 1)")
        op.create_foreign_key(op.f('fk_plan_parent_plan_id_plan'), 'plan', 'plan',
                              ['parent_plan_id'], ['id'])
        for table in TABLES:
            op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
            op.execute(f'ALTER TABLE {table} FORCE ROW LEVEL SECURITY')
            op.execute(f'CREATE POLICY tenant_isolation ON {table} USING ({POLICY}) '
                       f'WITH CHECK ({POLICY})')


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    for table in TABLES:
        if postgres:
            op.execute(f'DROP POLICY IF EXISTS tenant_isolation ON {table}')
            op.execute(f'ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY')
            op.execute(f'ALTER TABLE {table} DISABLE ROW LEVEL SECURITY')
            op.drop_constraint(op.f(f'fk_{table}_tenant_id_tenant'), table, type_='foreignkey')
        op.drop_index(op.f(f'ix_{table}_tenant_id'), table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column('tenant_id')
    if postgres:
        op.drop_constraint(op.f('fk_plan_parent_plan_id_plan'), 'plan', type_='foreignkey')
        op.drop_constraint('uq_unit_tenant_code', 'unit', type_='unique')
        op.create_unique_constraint('uq_unit_code', 'unit', ['code'])
    with op.batch_alter_table('plan') as batch:
        batch.drop_column('parent_plan_id')
    op.drop_index(op.f('ix_tenant_parent_id'), table_name='tenant')
    op.drop_table('tenant')
