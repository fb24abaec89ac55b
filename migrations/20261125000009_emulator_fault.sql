-- Failure injection for tests and demos: the next `remaining` calls of `action` (or of
-- every action when '*') by the account answer with `code` instead of running.
create table emulator.fault (
    fault_id bigserial primary key,
    account_id bigint not null references emulator.account on delete cascade,
    action text not null,
    code text not null,
    remaining int not null check (remaining >= 0)
);
