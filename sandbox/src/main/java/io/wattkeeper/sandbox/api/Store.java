package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;

/**
 * The objects, with one resourceVersion counter for all (as etcd's revision), a bounded history of
 * changes for watches that resume from a resourceVersion, and the open watches. One lock: the
 * sandbox's write rate is small, and it keeps every watch in write order.
 */
public final class Store {
  static final int HISTORY = 20_000;
  private final Map<String, NavigableMap<String, ObjectNode>> data = new ConcurrentHashMap<>();
  private final Deque<WatchEvent> history = new ArrayDeque<>();
  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  private long rv = 1;

  /** A watch: the events of one resource type that pass its filter, in order. */
  public static final class Watch {
    final String key;
    final Predicate<ObjectNode> filter;
    public final BlockingQueue<WatchEvent> queue = new LinkedBlockingQueue<>();

    Watch(String key, Predicate<ObjectNode> filter) {
      this.key = key;
      this.filter = filter;
    }
  }

  /** Thrown when a watch asks for a resourceVersion older than the history keeps. */
  public static final class Gone extends RuntimeException {
    Gone(String message) {
      super(message);
    }
  }

  public static String id(String namespace, String name) {
    return (namespace == null ? "" : namespace) + "/" + name;
  }

  public synchronized long resourceVersion() {
    return rv;
  }

  public synchronized ObjectNode get(String key, String namespace, String name) {
    ObjectNode o = map(key).get(id(namespace, name));
    return o == null ? null : o.deepCopy();
  }

  /** Copies of the objects of a type (one namespace, or all when namespace is null). */
  public synchronized List<ObjectNode> list(String key, String namespace) {
    List<ObjectNode> out = new ArrayList<>();
    NavigableMap<String, ObjectNode> m = map(key);
    Map<String, ObjectNode> view =
        namespace == null ? m : m.subMap(namespace + "/", true, namespace + "/\uffff", true);
    view.values().forEach(o -> out.add(o.deepCopy()));
    return out;
  }

  /** Stores a new or changed object; sets its resourceVersion. Returns a copy. */
  public synchronized ObjectNode put(String key, ObjectNode object) {
    String ns = Json.at(object, "metadata.namespace");
    String name = Json.at(object, "metadata.name");
    rv++;
    ObjectNode stored = object.deepCopy();
    Json.obj(stored, "metadata").put("resourceVersion", Long.toString(rv));
    ObjectNode old = map(key).put(id(ns, name), stored);
    emit(new WatchEvent(old == null ? "ADDED" : "MODIFIED", key, stored, old, rv));
    return stored.deepCopy();
  }

  /** Removes an object; returns it (with a new resourceVersion), or null when absent. */
  public synchronized ObjectNode remove(String key, String namespace, String name) {
    ObjectNode old = map(key).remove(id(namespace, name));
    if (old == null) {
      return null;
    }
    rv++;
    ObjectNode gone = old.deepCopy();
    Json.obj(gone, "metadata").put("resourceVersion", Long.toString(rv));
    emit(new WatchEvent("DELETED", key, gone, old, rv));
    return gone.deepCopy();
  }

  /** Every stored object of every type, as (key, object) pairs: for garbage collection. */
  public synchronized List<Map.Entry<String, ObjectNode>> all() {
    List<Map.Entry<String, ObjectNode>> out = new ArrayList<>();
    data.forEach((k, m) -> m.values().forEach(o -> out.add(Map.entry(k, o.deepCopy()))));
    return out;
  }

  /**
   * Opens a watch. {@code fromRv} null: starts with an ADDED event per current object (as a real
   * server does for resourceVersion "" or "0"); else replays the changes after it.
   */
  public synchronized Watch watch(
      String key, String namespace, Predicate<ObjectNode> filter, Long fromRv) {
    Predicate<ObjectNode> inNamespace =
        o -> namespace == null || namespace.equals(Json.at(o, "metadata.namespace"));
    Watch w = new Watch(key, inNamespace.and(filter));
    if (fromRv == null) {
      for (ObjectNode o : list(key, namespace)) {
        if (filter.test(o)) {
          w.queue.add(new WatchEvent("ADDED", key, o, null, rv));
        }
      }
    } else {
      WatchEvent oldest = history.peekFirst();
      if (oldest != null && fromRv < oldest.rv() - 1 && history.size() >= HISTORY) {
        throw new Gone("too old resource version: " + fromRv + " (" + (oldest.rv() - 1) + ")");
      }
      for (WatchEvent e : history) {
        if (e.rv() > fromRv && e.key().equals(key)) {
          offer(w, e);
        }
      }
    }
    watches.add(w);
    return w;
  }

  public void unwatch(Watch w) {
    watches.remove(w);
  }

  private void emit(WatchEvent e) {
    history.addLast(e);
    if (history.size() > HISTORY) {
      history.removeFirst();
    }
    for (Watch w : watches) {
      if (w.key.equals(e.key())) {
        offer(w, e);
      }
    }
  }

  /** A change seen through a filter: an object that leaves the filter is DELETED for it. */
  private static void offer(Watch w, WatchEvent e) {
    boolean now = w.filter.test(e.object());
    boolean before = e.old() != null && w.filter.test(e.old());
    if ("DELETED".equals(e.type())) {
      if (before || now) {
        w.queue.add(e);
      }
    } else if (now) {
      w.queue.add(before || "ADDED".equals(e.type()) ? e : withType(e, "ADDED"));
    } else if (before) {
      w.queue.add(withType(e, "DELETED"));
    }
  }

  private static WatchEvent withType(WatchEvent e, String type) {
    return new WatchEvent(type, e.key(), e.object(), e.old(), e.rv());
  }

  private NavigableMap<String, ObjectNode> map(String key) {
    return data.computeIfAbsent(key, k -> new TreeMap<>());
  }

  static boolean same(JsonNode a, JsonNode b) {
    return a == null ? b == null || b.isNull() : a.equals(b);
  }
}
