package io.confbridge.server.admin;

import io.confbridge.store.NodeRecord;

import java.util.List;

/** What {@code GET /api/nodes} shows: the cluster's nodes, or nothing on a single node. */
public interface ClusterView {
    /** A node not in cluster mode: no nodes table. */
    ClusterView SINGLE_NODE = new ClusterView() {
        @Override
        public String nodeId() {
            return "";
        }

        @Override
        public List<NodeRecord> nodes() {
            return List.of();
        }
    };

    /** This node's {@code cluster.nodeId}; empty when cluster mode is off. */
    String nodeId();

    /** Every node of the {@code nodes} table, this one included. Blocks on the database. */
    List<NodeRecord> nodes();
}
