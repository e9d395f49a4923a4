package io.comdb.config;

/** A configuration value that cannot be used; the message names the field and what it allows. */
public final class ConfigException extends IllegalArgumentException {
  private final String field;

  public ConfigException(String field, String message) {
    super(field + ": " + message);
    this.field = field;
  }

  /** The dotted path of the bad field, e.g. {@code http.port}. */
  public String field() {
    return field;
  }
}
