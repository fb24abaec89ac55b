-- MPS workflows: a COS upload matching an enabled workflow starts a WorkflowTask.
create table emulator.mps_workflow (
    workflow_id bigserial primary key,
    account_id bigint not null references emulator.account on delete cascade,
    region text not null,
    workflow_name text not null,
    -- Workflows are created disabled, as in MPS.
    status text not null default 'Disabled' check (status in ('Enabled', 'Disabled')),
    -- {"Type":"CosFileUpload","CosFileUploadTrigger":{"Bucket","Region","Dir","Formats"}}
    trigger jsonb not null,
    trigger_bucket text not null,
    output_storage jsonb,
    output_dir text,
    media_process_task jsonb not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (account_id, workflow_name)
);
create index mps_workflow_bucket_idx on emulator.mps_workflow (trigger_bucket) where status = 'Enabled';
