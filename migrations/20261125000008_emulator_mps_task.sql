-- MPS tasks in the emulator, and the queue that delivers their events to the function
-- bound by the MPS trigger.
create table emulator.mps_task (
    task_id text primary key,
    account_id bigint not null references emulator.account on delete cascade,
    region text not null,
    -- WorkflowTask (ProcessMedia) or EditMediaTask (EditMedia).
    kind text not null check (kind in ('WorkflowTask', 'EditMediaTask')),
    status text not null check (status in ('PROCESSING', 'FINISH')),
    -- The request as received, and the task event once finished.
    input jsonb not null,
    event jsonb,
    created_at timestamptz not null default now(),
    finished_at timestamptz
);
create index mps_task_processing_idx on emulator.mps_task (created_at) where status = 'PROCESSING';
create index mps_task_account_idx on emulator.mps_task (account_id, created_at desc);

-- At-least-once delivery: a worker locks a due row with FOR UPDATE SKIP LOCKED, invokes
-- the function, then marks the row delivered and commits. A crash before the commit
-- leaves the row pending, so the event is delivered again after a restart.
create table emulator.event_delivery (
    delivery_id bigserial primary key,
    account_id bigint not null references emulator.account on delete cascade,
    task_id text not null references emulator.mps_task on delete cascade,
    event_type text not null,
    payload jsonb not null,
    state text not null default 'pending' check (state in ('pending', 'delivered', 'dead')),
    attempts int not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error text not null default '',
    -- The function invocation that took the event.
    request_id uuid,
    created_at timestamptz not null default now(),
    delivered_at timestamptz
);
create index event_delivery_due_idx on emulator.event_delivery (next_attempt_at) where state = 'pending';
