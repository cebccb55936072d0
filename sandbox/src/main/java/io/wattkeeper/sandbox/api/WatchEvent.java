package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A change to one stored object.
 *
 * @param type ADDED, MODIFIED or DELETED
 * @param key the resource type's store key
 * @param object the object after the change (before it, for DELETED)
 * @param old the object before the change, or null
 * @param rv the store's resourceVersion after the change
 */
public record WatchEvent(String type, String key, ObjectNode object, ObjectNode old, long rv) {}
