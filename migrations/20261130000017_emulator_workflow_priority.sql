-- A workflow's TaskPriority (-10 to 10), echoed by DescribeWorkflows and given to the
-- tasks it starts; it was checked and then dropped.
alter table emulator.mps_workflow add column task_priority int not null default 0;
