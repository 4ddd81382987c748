-- Meetings that span nodes (issue 12 §3), PostgreSQL only: the UDP port of each node's part of a meeting,
-- on that node's cluster.mediaAddress (nodes.media_address), where the other nodes holding part of the
-- meeting send it their own talkers' audio. NULL for a part whose port is not bound yet.
ALTER TABLE meeting_presence ADD COLUMN media_port INTEGER;
