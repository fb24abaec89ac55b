-- An invocation is written when it starts (RetCode 2, running) and completed when it
-- ends, so that a run cut off by the server's death stays in the log: the next start
-- marks it interrupted (RetCode 3), and an event delivered again counts it in RetryNum.
alter table emulator.scf_invocation add column delivery_id bigint;
-- The runs of one event delivery, for its RetryNum.
create index scf_invocation_delivery_idx on emulator.scf_invocation (delivery_id)
    where delivery_id is not null;
-- The runs still going on (or left so by a server that died), found at start.
create index scf_invocation_running_idx on emulator.scf_invocation (start_time)
    where ret_code = 2;
