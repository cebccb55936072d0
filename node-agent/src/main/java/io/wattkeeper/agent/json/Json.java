package io.wattkeeper.agent.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON as plain Java values: objects are {@code Map<String, Object>} (insertion ordered), arrays
 * {@code List<Object>}, numbers {@code Long} or {@code Double}, then strings, booleans and null.
 * Parsed with jackson-core's streaming parser, written by hand; beans and records are written from
 * their getters (null properties left out, as {@code @JsonInclude(NON_NULL)} does). The agent does
 * not load jackson-databind: its mapper and bean introspection cost about 450 classes and 3 MB of
 * memory, for four kinds of document.
 */
public final class Json {
  /** Built on first parse only: measure writes JSON and should not pay for a parser. */
  private static final class Factory {
    static final JsonFactory INSTANCE = new JsonFactory();
  }

  private Json() {}

  public static Object parse(byte[] json) throws IOException {
    try (JsonParser parser = parser(json)) {
      if (parser.nextToken() == null) {
        throw new IOException("empty JSON document");
      }
      return read(parser);
    }
  }

  public static JsonParser parser(byte[] json) throws IOException {
    return Factory.INSTANCE.createParser(json);
  }

  /** The value that starts at the parser's current token (which must be a value's first). */
  public static Object read(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == null) {
      throw new IOException("unexpected end of JSON");
    }
    switch (token) {
      case START_OBJECT -> {
        Map<String, Object> object = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          object.put(name, read(parser));
        }
        return object;
      }
      case START_ARRAY -> {
        List<Object> array = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(read(parser));
        }
        return array;
      }
      case VALUE_STRING -> {
        return parser.getText();
      }
      case VALUE_NUMBER_INT -> {
        // Not a ternary: it would promote the long to double.
        if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          return Double.valueOf(parser.getDoubleValue());
        }
        return Long.valueOf(parser.getLongValue());
      }
      case VALUE_NUMBER_FLOAT -> {
        return parser.getDoubleValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IOException("unexpected JSON token " + token);
    }
  }

  // --- reading helpers: a missing or mistyped member reads as absent, never as an exception

  /** The value as an object, or an empty one. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> object(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** The value as an array, or an empty one. */
  @SuppressWarnings("unchecked")
  public static List<Object> array(Object value) {
    return value instanceof List<?> l ? (List<Object>) l : List.of();
  }

  /** A string member, or null when absent or not a string. */
  public static String string(Object value) {
    return value instanceof String s ? s : null;
  }

  /** The value at a path of object members, or null. */
  public static Object at(Object root, String... path) {
    Object v = root;
    for (String key : path) {
      if (!(v instanceof Map<?, ?> m)) {
        return null;
      }
      v = m.get(key);
    }
    return v;
  }

  // --- writing

  public static byte[] write(Object value) {
    return writeString(value).getBytes(StandardCharsets.UTF_8);
  }

  public static String writeString(Object value) {
    StringBuilder out = new StringBuilder(256);
    write(out, value);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      quote(out, s);
    } else if (value instanceof Double d) {
      // JSON has no NaN or infinity; an API server would refuse the document.
      out.append(Double.isFinite(d) ? d.toString() : "null");
    } else if (value instanceof Float f) {
      out.append(Float.isFinite(f) ? f.toString() : "null");
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Enum<?> e) {
      quote(out, e.name());
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        first = member(out, first, String.valueOf(e.getKey()), e.getValue());
      }
      out.append('}');
    } else if (value instanceof Collection<?> list) {
      out.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(out, item);
      }
      out.append(']');
    } else if (value.getClass().isRecord()) {
      out.append('{');
      boolean first = true;
      for (RecordComponent c : value.getClass().getRecordComponents()) {
        Object v = invoke(c.getAccessor(), value);
        if (v != null) {
          first = member(out, first, c.getName(), v);
        }
      }
      out.append('}');
    } else {
      bean(out, value);
    }
  }

  private static boolean member(StringBuilder out, boolean first, String name, Object value) {
    if (!first) {
      out.append(',');
    }
    quote(out, name);
    out.append(':');
    write(out, value);
    return false;
  }

  /** A bean property: its JSON name and how to read it (a public field or a getter). */
  private record Property(String name, Field field, Method getter) {
    Object read(Object bean) {
      if (getter != null) {
        return invoke(getter, bean);
      }
      try {
        return field.get(bean);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot read " + field, e);
      }
    }
  }

  /** Each class's properties, found once: reports write the same classes every 30 s. */
  private static final ClassValue<List<Property>> PROPERTIES =
      new ClassValue<>() {
        @Override
        protected List<Property> computeValue(Class<?> type) {
          List<Class<?>> chain = new ArrayList<>();
          for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            chain.add(0, c);
          }
          List<Property> out = new ArrayList<>();
          for (Class<?> c : chain) {
            for (Field f : c.getDeclaredFields()) {
              if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
                continue;
              }
              if (Modifier.isPublic(f.getModifiers())) {
                out.add(new Property(f.getName(), f, null));
              } else {
                Method getter = getter(c, f);
                if (getter != null) { // else not a property
                  out.add(new Property(f.getName(), null, getter));
                }
              }
            }
          }
          return List.copyOf(out);
        }
      };

  /** A bean: each declared field, read directly when public, else through its getter. */
  private static void bean(StringBuilder out, Object value) {
    out.append('{');
    boolean first = true;
    for (Property p : PROPERTIES.get(value.getClass())) {
      Object v = p.read(value);
      if (v != null) {
        first = member(out, first, p.name(), v);
      }
    }
    out.append('}');
  }

  private static Method getter(Class<?> c, Field f) {
    String cap = Character.toUpperCase(f.getName().charAt(0)) + f.getName().substring(1);
    for (String name : new String[] {"get" + cap, "is" + cap}) {
      try {
        Method m = c.getMethod(name);
        if (m.getParameterCount() == 0) {
          return m;
        }
      } catch (NoSuchMethodException e) {
        // try the next form
      }
    }
    return null;
  }

  private static Object invoke(Method m, Object target) {
    try {
      return m.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + m, e);
    }
  }

  /** Appends {@code s} as a JSON string (escapes as Jackson writes them). */
  public static void quote(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (ch < 0x20) {
            out.append(String.format("\\u%04X", (int) ch));
          } else {
            out.append(ch);
          }
        }
      }
    }
    out.append('"');
  }
}
