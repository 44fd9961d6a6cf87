-- Shards (issue 13): inboxes are split into a fixed number of shards by a hash of the recipient's address, and
-- each database holds some of them. The persistence-node holding a shard's lease is its only writer.

-- How many shards the store was created with (one row): every database of the store says the same, and a node
-- configured with another count refuses to start.
CREATE TABLE store_layout (
  id     INT NOT NULL PRIMARY KEY,
  shards INT NOT NULL
);

-- One row per shard this database holds: its lease and its message-id counter.
CREATE TABLE shard_leases (
  shard      INT          NOT NULL PRIMARY KEY,
  -- Raised by each new owner as it takes the lease. Every commit of an owner checks it in the same transaction
  -- (an UPDATE of this row WHERE epoch = its own), so a writer that lost the lease can never commit again.
  epoch      BIGINT       NOT NULL,
  -- The owner's cluster member id, NULL while nobody holds the lease (handed over, or never taken).
  owner      VARCHAR(64),
  owner_name VARCHAR(128),
  -- Raised by the owner every half second and by each of its commits: others see a lease expire when it stops
  -- moving, measured by their own clocks, so no two hosts' clocks are compared.
  beat       BIGINT       NOT NULL,
  -- The shard's highest message id; a shard numbers its messages first + k * shards, so shards never collide.
  last_id    BIGINT       NOT NULL
);
