package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** JSON and YAML helpers on Jackson trees. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Json() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  public static JsonNode parse(byte[] bytes) {
    try {
      return MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw ApiError.badRequest("the body is not valid JSON: " + e.getMessage());
    }
  }

  public static JsonNode parse(String text) {
    return parse(text.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String text(JsonNode node) {
    return new String(bytes(node), StandardCharsets.UTF_8);
  }

  /** The text at a dotted path ("metadata.name"), or null. */
  public static String at(JsonNode node, String dotted) {
    JsonNode n = node;
    for (String p : dotted.split("\\.")) {
      if (n == null || !n.isObject()) {
        return null;
      }
      n = n.get(p);
    }
    return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
  }

  /** The object at {@code field} of {@code parent}, created when missing. */
  public static ObjectNode obj(ObjectNode parent, String field) {
    JsonNode n = parent.get(field);
    if (n instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(field);
  }
}
