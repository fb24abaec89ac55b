-- Function invocations and their logs, keyed by RequestId, as SCF's log query shows them.
create table emulator.scf_invocation (
    request_id uuid primary key,
    account_id bigint not null references emulator.account on delete cascade,
    region text not null,
    namespace text not null,
    function_name text not null,
    -- RequestResponse (synchronous) or Event (asynchronous, as MPS triggers invoke).
    invoke_type text not null,
    start_time timestamptz not null,
    duration_ms double precision not null,
    billed_ms bigint not null,
    mem_usage bigint not null,
    -- 0 success; otherwise SCF's invocation status code (430 user code error, 433 time
    -- limit, 434 memory limit, 500 platform).
    ret_code int not null,
    ret_msg text not null,
    err_msg text not null default '',
    log text not null,
    retry_num int not null default 0
);
-- The log query filters by function and time range, newest first.
create index scf_invocation_function_time_idx
    on emulator.scf_invocation (account_id, region, namespace, function_name, start_time desc);
