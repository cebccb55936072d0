package io.wattkeeper.operator.serde;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import io.wattkeeper.api.validation.Echo;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one of our custom resources so that a spec or status that does not fit the model (a string
 * where a number belongs, an edited CRD, version skew) costs only that part of that object, never
 * the list or watch that carries it: the object comes back with its metadata, the parts that could
 * be read, and {@code unreadable} naming the field and value that could not. Without this, one bad
 * object stops the kind's watch cluster-wide and the operator cannot start again.
 */
final class TolerantDeserializer extends DelegatingDeserializer {

  private final Class<?> type;
  private final UnreadableObjects.Sink sink;

  TolerantDeserializer(JsonDeserializer<?> delegate, Class<?> type, UnreadableObjects.Sink sink) {
    super(delegate);
    this.type = type;
    this.sink = sink;
  }

  @Override
  protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> newDelegatee) {
    return new TolerantDeserializer(newDelegatee, type, sink);
  }

  @Override
  public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    JsonNode tree = ctxt.readTree(p);
    try (JsonParser tp = tree.traverse(p.getCodec())) {
      tp.nextToken();
      return _delegatee.deserialize(tp, ctxt);
    } catch (JsonMappingException e) {
      return degraded(tree, ctxt);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object degraded(JsonNode tree, DeserializationContext ctxt) throws IOException {
    CustomResource r;
    try {
      r = (CustomResource) type.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(type + " has no public no-argument constructor", e);
    }
    // Metadata is checked by the API server itself; without it the object cannot be named.
    r.setMetadata(ctxt.readTreeAsValue(tree.path("metadata"), ObjectMeta.class));
    List<String> problems = new ArrayList<>();
    Type[] parts = ((ParameterizedType) type.getGenericSuperclass()).getActualTypeArguments();
    r.setSpec(part(tree, "spec", (Class<?>) parts[0], ctxt, problems));
    r.setStatus(part(tree, "status", (Class<?>) parts[1], ctxt, problems));
    if (problems.isEmpty()) {
      problems.add("the object cannot be read as " + type.getSimpleName());
    }
    String message = Echo.message(String.join("; ", problems));
    setUnreadable(r, message);
    sink.unreadable(type.getSimpleName(), r.getMetadata(), message);
    return r;
  }

  private static Object part(
      JsonNode tree, String field, Class<?> cls, DeserializationContext ctxt, List<String> problems)
      throws IOException {
    JsonNode node = tree.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      return ctxt.readTreeAsValue(node, cls);
    } catch (JsonMappingException e) {
      problems.add(describe(field, e));
      return null;
    }
  }

  /** "spec.warnAt[2]: cannot read "abc" as Integer", value capped. */
  static String describe(String root, JsonMappingException e) {
    StringBuilder path = new StringBuilder(root);
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        path.append('.').append(Echo.value(ref.getFieldName()));
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    String what;
    if (e instanceof InvalidFormatException f) {
      what =
          "cannot read " + Echo.quoted(f.getValue()) + " as " + f.getTargetType().getSimpleName();
    } else if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m
        && m.getTargetType() != null) {
      what = "has the wrong type for " + m.getTargetType().getSimpleName();
    } else {
      what = "cannot be read";
    }
    return path + ": " + what;
  }

  private static void setUnreadable(Object r, String message) {
    if (r instanceof io.wattkeeper.api.v1alpha1.EnergyBudget b) {
      b.setUnreadable(message);
    } else if (r instanceof io.wattkeeper.api.v1alpha1.NodeEnergyReport n) {
      n.setUnreadable(message);
    }
  }
}
