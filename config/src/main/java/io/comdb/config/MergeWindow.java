package io.comdb.config;

import java.time.LocalTime;
import java.time.format.DateTimeParseException;

/** The hours in which automatic merges may run, {@code "HH:mm-HH:mm"}; it may wrap past midnight. */
public record MergeWindow(LocalTime start, LocalTime end) {
  public static MergeWindow parse(String text) {
    String[] parts = text.split("-");
    try {
      if (parts.length != 2) {
        throw new DateTimeParseException("two times expected", text, 0);
      }
      return new MergeWindow(LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim()));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("must be HH:mm-HH:mm (e.g. 01:00-05:00), got '" + text + "'");
    }
  }

  public boolean contains(LocalTime t) {
    return start.isBefore(end)
        ? !t.isBefore(start) && t.isBefore(end)
        : !t.isBefore(start) || t.isBefore(end); // wraps past midnight
  }

  @Override
  public String toString() {
    return start + "-" + end;
  }
}
