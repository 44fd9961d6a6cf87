-- The order in which a persistence-node stored messages (StoreOrder: microseconds since the epoch, rising over all
-- its writers), so that HISTORY can merge two directions stored by two writers within one millisecond in the order
-- they were stored. NULL for messages stored before this column existed: they sort by their timestamp.
ALTER TABLE messages ADD COLUMN stored_order BIGINT;
