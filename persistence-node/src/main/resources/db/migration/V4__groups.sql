-- Groups (PROTOCOL.md 1.1): one log per group, in the shard of the group's address (read diffusion). A message
-- to a group is stored once, whatever its member count; members keep read cursors. Only the shard's writer (the
-- lease holder) writes these tables, except the read cursors, which ACKs move from any node.

-- One row per group. latest_seq is the seq of the log's last entry (the log is gap-free, so also its length);
-- member_count and next_join are kept here so that a write never counts or scans the members.
CREATE TABLE groups (
  address      VARCHAR(64) NOT NULL PRIMARY KEY,
  -- 'open' or 'invite'.
  mode         VARCHAR(8)  NOT NULL,
  -- The owner's address; NULL once the last member left.
  owner        VARCHAR(64),
  created_ms   BIGINT      NOT NULL,
  latest_seq   BIGINT      NOT NULL,
  member_count BIGINT      NOT NULL,
  -- The join order the next member gets: the members' order, the owner's successor, MEMBERS' paging.
  next_join    BIGINT      NOT NULL
);

CREATE TABLE group_members (
  group_address VARCHAR(64) NOT NULL,
  member        VARCHAR(64) NOT NULL,
  -- The seq of the member's own joining entry: it sees the log from there on.
  joined_seq    BIGINT      NOT NULL,
  join_order    BIGINT      NOT NULL,
  -- The read cursor (ACK); starts at joined_seq and only moves forward.
  read_seq      BIGINT      NOT NULL,
  CONSTRAINT group_members_pk PRIMARY KEY (group_address, member)
);

-- The dashboard's largest groups.
CREATE INDEX groups_member_count ON groups (member_count);

-- MEMBERS in joining order, and the longest-standing member when the owner leaves.
CREATE UNIQUE INDEX group_members_join_order ON group_members (group_address, join_order);
-- GROUPS (a user's groups) and the per-user group limit.
CREATE INDEX group_members_member ON group_members (member);

-- The log: messages (body set) and membership changes (event set) in one seq order per group.
CREATE TABLE group_log (
  group_address VARCHAR(64)   NOT NULL,
  seq           BIGINT        NOT NULL,
  -- From the shard's message-id numbering, shared with the inboxes: unique in the cluster.
  id            BIGINT        NOT NULL,
  -- Who wrote it: the sender of a message, the <by> of a membership change.
  sender        VARCHAR(64)   NOT NULL,
  ts_ms         BIGINT        NOT NULL,
  -- PROTOCOL.md caps message text at 4000 bytes of UTF-8; NULL for a membership change.
  body          VARCHAR(4000),
  -- create, join, invite, leave or remove; NULL for a message.
  event         VARCHAR(8),
  -- The member a membership change is about; NULL for a message.
  target        VARCHAR(64),
  -- The sender's idempotency key (the JSON request id) of a message; NULL otherwise.
  client_id     VARCHAR(64),
  CONSTRAINT group_log_pk PRIMARY KEY (group_address, seq),
  -- Dedup of retried SENDs; NULL client ids never collide.
  CONSTRAINT group_log_sender_client_id UNIQUE (group_address, sender, client_id)
);
