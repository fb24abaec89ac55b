-- MPS triggers: account-wide, and each event type binds to one function only. The
-- primary key enforces that rule, so concurrent binds of one event type cannot both win.
create table emulator.mps_trigger (
    account_id bigint not null references emulator.account on delete cascade,
    event_type text not null check (event_type in ('WorkflowTask', 'EditMediaTask')),
    scf_region text not null,
    namespace text not null,
    function_name text not null,
    qualifier text not null,
    resource_id text not null unique,
    created_at timestamptz not null default now(),
    primary key (account_id, event_type)
);
