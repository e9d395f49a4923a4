package io.comdb.engine;

/**
 * One change a {@link WriteGroup} applied, as {@link WriteGroup#changes()} lists them: {@code value} is
 * null for a delete. A cluster's writer sends these to the backups of the changed keys.
 */
public record Change(byte[] key, byte[] value) {}
