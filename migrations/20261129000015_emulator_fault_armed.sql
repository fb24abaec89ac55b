-- Every emulator call asks whether its account has failures armed; this keeps that
-- lookup an index probe however many spent faults the table holds.
create index fault_armed on emulator.fault (account_id) where remaining > 0;
