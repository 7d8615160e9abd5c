-- Several nodes on one job store. Each running process is a row here, renewed by its heartbeat on
-- the database's clock (CURRENT_TIMESTAMP, never a node's), and holds a lease numbered by epoch: a
-- node that rejoins after losing its row gets a new epoch. A claimed job records the node and the
-- epoch that claimed it (the fencing counter), and every later change of a running job compares
-- both, so a node whose lease was taken away can no longer finish, fail or overwrite its old jobs.
CREATE TABLE nodes (
    node_id   VARCHAR(64)              NOT NULL PRIMARY KEY,
    epoch     BIGINT                   NOT NULL,
    started   TIMESTAMP WITH TIME ZONE NOT NULL,
    heartbeat TIMESTAMP WITH TIME ZONE NOT NULL
);

ALTER TABLE jobs ADD COLUMN node_id VARCHAR(64);
ALTER TABLE jobs ADD COLUMN lease_epoch BIGINT;
CREATE INDEX jobs_by_node ON jobs (node_id, lease_epoch);

-- One row per batch queue, locked by each claim: the count of the queue's running jobs and the jobs
-- claimed after it are then one step across the whole cluster, so its concurrency holds cluster-wide.
CREATE TABLE queue_claims (
    context VARCHAR(128) NOT NULL,
    queue   INT          NOT NULL,
    PRIMARY KEY (context, queue)
);
