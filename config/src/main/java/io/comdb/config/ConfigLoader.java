package io.comdb.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a {@link ComDbConfig} from, lowest precedence first: the defaults, an optional JSON file, the
 * environment, and overrides (the command line's flags).
 *
 * <p>Environment variables are named {@code COMDB_<SECTION>_<FIELD>} with the field in upper snake case:
 * {@code COMDB_HTTP_PORT}, {@code COMDB_ENGINE_DATA_FILE_SIZE}, {@code COMDB_SECURITY_PASSWORD}. Two
 * short names are kept for the fields set most: {@code COMDB_DATA_DIR} (engine.dataDir) and
 * {@code COMDB_SYNC} (engine.sync). A variable that names a section but no field of it is refused, so a
 * typo does not pass silently. Values are converted to the type of the field's default.
 */
public final class ConfigLoader {
  /** Names the configuration file; read by the launcher, not by {@link #load}. */
  public static final String CONF_ENV = "COMDB_CONF";
  private static final Map<String, String> SHORT_NAMES = Map.of(
      "COMDB_DATA_DIR", "engine.dataDir",
      "COMDB_SYNC", "engine.sync");

  private ConfigLoader() {}

  /**
   * @param file a JSON file, or null for none
   * @param env the environment ({@code System.getenv()})
   * @param overrides dotted field paths to values, e.g. {@code "http.port" -> 8080}
   * @throws ConfigException on an unreadable file or a bad value
   */
  public static ComDbConfig load(Path file, Map<String, String> env, Map<String, Object> overrides) {
    JsonObject json = file == null ? new JsonObject() : readFile(file);
    JsonObject defaults = ComDbConfig.defaults().toJson();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String path = envPath(e.getKey(), defaults);
      if (path != null) {
        set(json, path, convert(e.getKey(), e.getValue(), lookup(defaults, path)));
      }
    }
    overrides.forEach((path, value) -> set(json, path, value));
    return ComDbConfig.fromJson(json);
  }

  private static JsonObject readFile(Path file) {
    try {
      return new JsonObject(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException("conf", "no such file: " + file);
    } catch (IOException e) {
      throw new ConfigException("conf", "cannot read " + file + ": " + e.getMessage());
    } catch (DecodeException e) {
      throw new ConfigException("conf", file + " is not a JSON object: " + e.getMessage());
    }
  }

  /** The dotted path an environment variable sets, or null if it is not a configuration variable. */
  private static String envPath(String name, JsonObject defaults) {
    if (SHORT_NAMES.containsKey(name)) {
      return SHORT_NAMES.get(name);
    }
    for (String section : ComDbConfig.SECTIONS) {
      String prefix = "COMDB_" + section.toUpperCase(Locale.ROOT) + "_";
      if (name.startsWith(prefix)) {
        String wanted = name.substring(prefix.length()).replace("_", "");
        for (String field : defaults.getJsonObject(section).fieldNames()) {
          if (field.equalsIgnoreCase(wanted)) {
            return section + "." + field;
          }
        }
        throw new ConfigException(name, "no such field in section " + section + "; it has "
            + String.join(", ", defaults.getJsonObject(section).fieldNames()));
      }
    }
    return null;
  }

  private static Object convert(String name, String text, Object fallback) {
    try {
      if (fallback instanceof Boolean) {
        if (!text.equals("true") && !text.equals("false")) {
          throw new IllegalArgumentException();
        }
        return Boolean.parseBoolean(text);
      }
      if (fallback instanceof Double) {
        return Double.parseDouble(text);
      }
      if (fallback instanceof Number) {
        return Long.parseLong(text);
      }
      return text;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, "cannot read '" + text + "' as " + (fallback instanceof Boolean ? "true or false" : "a number"));
    }
  }

  private static Object lookup(JsonObject json, String path) {
    String[] parts = path.split("\\.", 2);
    return json.getJsonObject(parts[0]).getValue(parts[1]);
  }

  private static void set(JsonObject json, String path, Object value) {
    String[] parts = path.split("\\.", 2);
    Object section = json.getValue(parts[0]);
    if (section == null) {
      section = new JsonObject();
      json.put(parts[0], section);
    }
    if (!(section instanceof JsonObject object)) {
      throw new ConfigException(parts[0], "must be a JSON object, got " + section);
    }
    object.put(parts[1], value);
  }
}
