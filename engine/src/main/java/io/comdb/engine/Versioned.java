package io.comdb.engine;

/**
 * A key's value together with its version: the sequence number of the record that holds it, which grows
 * with every write of the key (and of every other key). Read in one lookup, so the two always belong
 * together; see {@link ReadView#versioned}.
 */
public record Versioned(byte[] value, long version) {}
